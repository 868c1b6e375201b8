#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI so start-up loads one module graph.
import { main } from '../dist/main.js';

// Exit as soon as the command is done: a client's background retry timers (kafkajs, websockets)
// must not keep a finished or failed command alive. Writes to stdout/stderr are synchronous for
// files, terminals and pipes on Linux, so nothing printed is lost.
process.exit(await main(process.argv));

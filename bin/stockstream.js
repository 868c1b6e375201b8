#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI so start-up loads one module graph.
import { run } from '../dist/main.js';

await run(process.argv);

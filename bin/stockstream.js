#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI so start-up loads one module graph.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv);

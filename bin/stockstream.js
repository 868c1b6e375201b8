#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI so start-up loads one module graph. The Node
// version is checked first, before anything is imported (a static import would run before the
// check): an older Node fails on the built code and on TypeScript config files with messages that
// point the wrong way.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `stockstream needs Node >= 22.18 (24 LTS recommended), but this is Node ${process.versions.node} (${process.execPath}) — install Node 24 from nodejs.org or with a version manager (nvm install 24, fnm install 24, volta install node@24)\n`,
  );
  process.exit(1);
}

// `consume` runs for days and allocates at the rate ticks arrive. V8 sizes its heap for short
// scripts: catching up it grows new space to 2 × 64 MB semi-spaces (README, Performance). V8 reads
// these flags only when it starts, so consume starts Node once more with them — process.execve
// keeps the pid, the signals, the exit code and the terminal; other commands (and --help) never
// pay for it. A flag given in NODE_OPTIONS or to node itself wins over ours.
const CONSUME_V8_FLAGS = ['--max-semi-space-size=8'];
const args = process.argv.slice(2);
if (args.includes('consume') && typeof process.execve === 'function') {
  const given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`;
  const missing = CONSUME_V8_FLAGS.filter((flag) => !given.includes(flag.slice(0, flag.indexOf('='))));
  if (missing.length > 0) {
    try {
      process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, process.argv[1], ...args]);
    } catch {
      // Not available on this platform (Windows): run with V8's defaults.
    }
  }
}

const { run } = await import('../dist/main.js');
await run(process.argv);

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

const { run } = await import('../dist/main.js');
await run(process.argv);

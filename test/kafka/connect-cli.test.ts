/**
 * Connecting to Kafka as users meet it: a broker at a closed port fails fast with the usual fix (not
 * after the whole `kafka.connectTimeout`), and Ctrl-C while a slow broker is being waited for ends
 * the run at once with exit 130, for both commands that connect (consume and produce).
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, startCli } from '../support/cli.ts';

/** An empty directory: the repository's stockstream.config.ts must not be found. */
const cwd = mkdtempSync(join(tmpdir(), 'connect-cli-'));

/** A port nobody listens on: bound, then released, so a connection to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 1;
}

describe('a refused connection', () => {
  it.each(['consume', 'produce'])('%s fails fast with the fix, on the default connect timeout', async (command) => {
    const broker = `127.0.0.1:${await closedPort()}`;
    // The shipped kafka.connectTimeout is 30 s; the run is killed at 20 s, so a pass means the
    // refusal was reported without waiting for the timeout.
    const result = await runCli([command, '--brokers', broker], { cwd, env: cleanEnv(), timeoutMs: 20_000 });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      `Kafka: cannot reach ${broker} (connection refused: nothing listens there) — start Kafka`,
    );
    expect(result.stderr).not.toMatch(/within 30s/);
  });
});

describe('Ctrl-C while connecting', () => {
  // A broker that accepts connections and never answers: kafkajs waits on it.
  let silent: Server;
  let broker: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    broker = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it.each([
    ['consume', /consuming .* as group/],
    ['produce', /^/], // produce logs nothing until it is connected
  ])('%s exits 130 at the first SIGINT, without a connect error', { timeout: 60_000 }, async (command, started) => {
    const run = startCli([command, '--brokers', broker], { cwd });
    let connecting = false;
    // Connecting: the silent broker got a connection from it.
    silent.once('connection', () => (connecting = true));
    await run.waitForStderr((stderr) => connecting && started.test(stderr), 'a connection to the silent broker');
    run.kill('SIGINT');
    // Killed at 8 s, well inside kafkajs' ~10 s per connect attempt: a 130 means it did not wait.
    const force = setTimeout(() => run.kill('SIGKILL'), 8_000);
    const { code } = await run.exited;
    clearTimeout(force);
    expect(code, run.stderr()).toBe(130);
    expect(run.stderr()).not.toMatch(/cannot reach|within 30s/);
  });
});

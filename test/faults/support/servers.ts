/**
 * Stops and starts the real servers through `scripts/services`, keeping their data: a stopped and
 * started broker is the same broker with the same topics, offsets and buckets, the way a server
 * restart looks to StockStream. Every suite ends with `allUp()` (in afterAll), so a failing test
 * never leaves a server down for the next one.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../scripts/services', import.meta.url));

export type Server = 'kafka' | 'influx' | 'postgres';

function services(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`scripts/services ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

/** Stops the server and waits until its ports are closed; its data stays. */
export async function stopServer(server: Server): Promise<void> {
  await services(['stop', server]);
}

/**
 * Kills the server with SIGKILL (a crash, not a clean stop: no controlled shutdown, nothing flushed)
 * and waits until its ports are closed; what it had written to disk stays.
 */
export async function killServer(server: Exclude<Server, 'postgres'>): Promise<void> {
  const cache = process.env.STOCKSTREAM_CACHE ?? join(homedir(), '.cache', 'stockstream');
  const pid = Number(readFileSync(join(cache, 'run', server, `${server}.pid`), 'utf8').trim());
  try {
    process.kill(-pid, 'SIGKILL'); // its process group: the JVM and what the launcher started
  } catch {
    process.kill(pid, 'SIGKILL');
  }
  await services(['stop', server]); // the process is gone: this only waits for the ports to close
}

/** Starts the server again on the data it had, and waits until it answers a real request. */
export async function startServer(server: Server): Promise<void> {
  await services(['start', server]);
}

/** Brings back whatever is down (keeping data); for afterAll, so no suite leaves a server down. */
export async function allUp(): Promise<void> {
  await services(['start']);
}

/** Stops `server`, keeps it down for `downMs` (the fault being tested), and starts it again. */
export async function outage(
  server: Server,
  downMs: number,
  how: 'stop' | 'SIGKILL' = 'stop',
): Promise<{ stoppedAt: number; startedAt: number; answeringAt: number }> {
  if (how === 'SIGKILL' && server !== 'postgres') await killServer(server);
  else await stopServer(server);
  const stoppedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, downMs)); // the length of the outage is the scenario
  const startedAt = Date.now();
  await startServer(server);
  return { stoppedAt, startedAt, answeringAt: Date.now() };
}

/**
 * A plain TCP connect to each broker before kafkajs tries: kafkajs retries a refused connection
 * inside `connect()` for about 10 s an attempt, so a broker at a closed port (nothing listens: the
 * usual "Kafka is not running" or a wrong port) took the whole `kafka.connectTimeout` to report.
 * A refusal answers at once; only a slow or unreachable broker is worth waiting for.
 */
import { connect } from 'node:net';
import { sleep } from '../util/retry.ts';

/** How long refusals are retried, for a broker that is just starting to listen. */
export const REFUSED_GRACE_MS = 3_000;

type Probe = 'open' | 'refused' | 'other';

function probe(broker: string, timeoutMs: number): Promise<Probe> {
  const at = broker.lastIndexOf(':');
  const host = broker.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(broker.slice(at + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: Probe) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done('other'));
    socket.once('connect', () => done('open'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : 'other'));
  });
}

/**
 * True when every broker kept refusing connections for `graceMs` (nothing listens there); false as
 * soon as one accepts, or answers in any other way (slow, unreachable, unresolvable: kafkajs and
 * `kafka.connectTimeout` decide those).
 */
export async function brokersRefuse(
  brokers: readonly string[],
  graceMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const until = Date.now() + graceMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 1_000)) {
    const results = await Promise.all(brokers.map((broker) => probe(broker, 1_000)));
    if (!results.every((result) => result === 'refused')) return false;
    if (Date.now() + delay > until || signal?.aborted) return true;
    await sleep(delay, signal);
  }
}

/** Labelled metric values of a consumer (consumer-process.ts sums each metric over its labels) and sampling over time. */
import type { ConsumerProcess } from '../../consume/support/consumer-process.ts';

/** Every sample by its full name, labels included: `stockstream_sink_buffered{sink="influx"}`. */
export async function metricLines(consumer: ConsumerProcess): Promise<Map<string, number>> {
  try {
    const response = await fetch(`http://127.0.0.1:${consumer.metricsPort}/metrics`, {
      signal: AbortSignal.timeout(2_000),
    });
    const values = new Map<string, number>();
    for (const line of (await response.text()).split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      values.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
    return values;
  } catch {
    return new Map(); // not listening yet, or gone
  }
}

/** Calls `read` every `everyMs` until `until` settles (the fault runs meanwhile); returns the readings. */
export async function sampleWhile<T>(until: Promise<unknown>, read: () => Promise<T>, everyMs = 1_000): Promise<T[]> {
  const samples: T[] = [];
  let done = false;
  const settled = until.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    samples.push(await read());
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, everyMs))]);
  }
  await until;
  return samples;
}

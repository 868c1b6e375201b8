/** Sampling a consumer's metrics over time, while a fault runs (the parsing is test/support/metrics.ts). */

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

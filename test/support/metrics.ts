/** Reads the Prometheus text format our `/metrics` endpoints serve. */

/** Every sample by its full name, labels included: `stockstream_sink_buffered{sink="influx"}` → 3. */
export function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

/** The sum of every sample of each metric name, over its labels: `stockstream_sink_buffered` → 5. */
export function sumByName(samples: Map<string, number>): Map<string, number> {
  const sums = new Map<string, number>();
  for (const [sample, value] of samples) {
    const name = sample.replace(/\{.*$/, '');
    sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return sums;
}

/** The value of the first sample of `name` whose labels contain `labels`; undefined when none has. */
export function sampleValue(samples: Map<string, number>, name: string, labels = ''): number | undefined {
  for (const [sample, value] of samples) {
    const rest = sample.slice(name.length);
    if (sample.startsWith(name) && (rest === '' || rest.startsWith('{')) && rest.includes(labels)) return value;
  }
  return undefined;
}

/** The samples at `http://127.0.0.1:<port>/metrics`; empty when nothing answers (not listening yet, or gone). */
export async function scrapeMetrics(port: number): Promise<Map<string, number>> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return parseSamples(await response.text());
  } catch {
    return new Map();
  }
}

/**
 * What a run produced, as a fingerprint that does not depend on the order partitions interleave
 * in: per kind, a count and the sum (mod 2^52) of a hash of each output in canonical JSON (keys
 * sorted, so a decoder that builds the same tick with its keys in another order still matches),
 * and the same over the InfluxDB lines. bench/expected.json holds the fingerprints the code
 * produced before the hot path was optimised; the bench fails a run that differs.
 */
import { hash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { WindowOutput } from '../../src/model.ts';

const MOD = 2 ** 52;

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

const hash52 = (text: string) => Number.parseInt(hash('sha1', text, 'hex').slice(0, 13), 16);

export interface Tally {
  count: number;
  sum: number;
}

export type Fingerprint = Record<WindowOutput['kind'] | 'lines', Tally>;

export interface FingerprintBuilder {
  output(output: WindowOutput): void;
  line(line: string): void;
  result(): Fingerprint;
}

export function fingerprintBuilder(): FingerprintBuilder {
  const tallies: Fingerprint = {
    tick: { count: 0, sum: 0 },
    bar: { count: 0, sum: 0 },
    indicator: { count: 0, sum: 0 },
    alert: { count: 0, sum: 0 },
    lines: { count: 0, sum: 0 },
  };
  const add = (tally: Tally, text: string) => {
    tally.count++;
    tally.sum = (tally.sum + hash52(text)) % MOD;
  };
  return {
    // A bar's stream position names the run's own (unique) topic, and the fingerprints were
    // recorded before bars carried one: what is compared is the bar itself.
    output: (output) =>
      add(tallies[output.kind], canonical(output.kind === 'bar' ? { kind: output.kind, bar: output.bar } : output)),
    line: (line) => add(tallies.lines, line),
    result: () => structuredClone(tallies),
  };
}

const EXPECTED = new URL('../expected.json', import.meta.url);

type Expected = Record<string, Fingerprint>;

function readExpected(): Expected {
  try {
    return JSON.parse(readFileSync(EXPECTED, 'utf8')) as Expected;
  } catch {
    return {};
  }
}

/**
 * Compares with the recorded fingerprint of this workload; records it when there is none yet.
 * `BENCH_RECORD=lines` re-records only the InfluxDB lines (after a deliberate change of the line
 * encoding, said in its commit: the outputs are still checked); `BENCH_RECORD=1` everything.
 * Returns what differs, empty when all is the same.
 */
export function checkFingerprint(
  workload: string,
  actual: Fingerprint,
): { differences: string[]; recorded: 'all' | 'lines' | undefined } {
  const expected = readExpected();
  const known = expected[workload];
  const record = process.env.BENCH_RECORD;
  if (!known || record === '1') {
    expected[workload] = actual;
    writeFileSync(EXPECTED, JSON.stringify(expected, null, 2) + '\n');
    return { differences: [], recorded: 'all' };
  }
  const differences = (Object.keys(known) as Array<keyof Fingerprint>)
    .filter((kind) => !(kind === 'lines' && record === 'lines'))
    .filter((kind) => known[kind].count !== actual[kind]?.count || known[kind].sum !== actual[kind]?.sum)
    .map(
      (kind) =>
        `${kind}: ${actual[kind]?.count ?? 0} (fingerprint ${actual[kind]?.sum}) ≠ expected ${known[kind].count} (${known[kind].sum})`,
    );
  if (record === 'lines' && differences.length === 0) {
    expected[workload] = { ...known, lines: actual.lines };
    writeFileSync(EXPECTED, JSON.stringify(expected, null, 2) + '\n');
    return { differences, recorded: 'lines' };
  }
  return { differences, recorded: undefined };
}

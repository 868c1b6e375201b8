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

/**
 * Reads tick lines back as a query does: a tick's previous close is the latest one stored for its
 * symbol (bodies leave it out where the symbol's minute has it already). Counts ticks for which
 * that is not the tick's own.
 */
export function previousCloseReader(): {
  /** `whole`: each output's whole line (undefined where it has none, and the body has none either). */
  read(batch: readonly WindowOutput[], whole: ReadonlyArray<string | undefined>, body: string): void;
  lost(): number;
} {
  const latest = new Map<string, number>();
  let lost = 0;
  return {
    read(batch, whole, body) {
      const lines = body.split('\n');
      let next = 0;
      for (const [i, output] of batch.entries()) {
        if (whole[i] === undefined) continue;
        const line = lines[next++]!;
        if (output.kind !== 'tick') continue;
        const { symbol, previousClose } = output.tick;
        const stored = /,previous_close=([^ ,]+)/.exec(line);
        if (stored) latest.set(symbol, Number(stored[1]));
        if (previousClose !== undefined && Number.isFinite(previousClose) && latest.get(symbol) !== previousClose)
          lost++;
      }
    },
    lost: () => lost,
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
 * `BENCH_RECORD=<kind>` (`lines`, `bar`, …) re-records only that kind, after a deliberate change
 * said in its commit (the line encoding; what a fingerprint leaves out): the rest is still checked.
 * `BENCH_RECORD=1` re-records everything. Returns what differs, empty when all is the same.
 */
export function checkFingerprint(
  workload: string,
  actual: Fingerprint,
): { differences: string[]; recorded: 'all' | keyof Fingerprint | undefined } {
  const expected = readExpected();
  const known = expected[workload];
  const record = process.env.BENCH_RECORD;
  if (!known || record === '1') {
    expected[workload] = actual;
    writeFileSync(EXPECTED, JSON.stringify(expected, null, 2) + '\n');
    return { differences: [], recorded: 'all' };
  }
  const kinds = Object.keys(known) as Array<keyof Fingerprint>;
  const again = kinds.find((kind) => kind === record);
  const differences = kinds
    .filter((kind) => kind !== again)
    .filter((kind) => known[kind].count !== actual[kind]?.count || known[kind].sum !== actual[kind]?.sum)
    .map(
      (kind) =>
        `${kind}: ${actual[kind]?.count ?? 0} (fingerprint ${actual[kind]?.sum}) ≠ expected ${known[kind].count} (${known[kind].sum})`,
    );
  if (again && differences.length === 0) {
    expected[workload] = { ...known, [again]: actual[again] };
    writeFileSync(EXPECTED, JSON.stringify(expected, null, 2) + '\n');
    return { differences, recorded: again };
  }
  return { differences, recorded: undefined };
}

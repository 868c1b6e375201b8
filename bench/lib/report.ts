/** Benchmark results: one row per figure, printed as a table and saved as JSON under bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** The target, as text (`≥ 100000`), and whether this run met it. */
  target?: string;
  met?: boolean;
  note?: string;
}

export interface Bench {
  name: string;
  description: string;
  run(): Promise<Figure[]>;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.bench,
    f.metric,
    `${format(f.value)} ${f.unit}`,
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
    f.note ?? '',
  ]);
  const header = ['bench', 'metric', 'value', 'target', 'met', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Saves a stamped JSON; a run of every bench also becomes latest.json (what the README's table shows). */
export function save(figures: readonly Figure[], complete: boolean): string {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const body = JSON.stringify({ date: new Date().toISOString(), machine: machine(), figures }, null, 2) + '\n';
  const file = new URL(`${stamp}.json`, dir);
  writeFileSync(file, body);
  if (complete) writeFileSync(new URL('latest.json', dir), body);
  return file.pathname;
}

/**
 * Runs benches one after another (they share the machine), prints the table and saves the JSON;
 * `complete` when these are all of them.
 */
export async function runBenches(benches: readonly Bench[], complete = false): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const bench of benches) {
    process.stderr.write(`bench ${bench.name}: ${bench.description}\n`);
    try {
      figures.push(...(await bench.run()));
    } catch (error) {
      process.stderr.write(`bench ${bench.name} failed: ${(error as Error).stack ?? String(error)}\n`);
      figures.push({
        bench: bench.name,
        metric: 'error',
        value: Number.NaN,
        unit: '',
        note: (error as Error).message.slice(0, 80),
      });
    }
  }
  const m = machine();
  console.log(
    `\nStockStream benchmarks — ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, load ${m.loadAverage.join(' ')}\n`,
  );
  console.log(table(figures));
  console.log(`\nsaved ${save(figures, complete)}`);
  return figures;
}

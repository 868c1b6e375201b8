/**
 * `npm run bench`: every benchmark, or those named (`node bench/run.ts consume latency`), one after
 * another against the local services; prints the table and saves bench/results/<stamp>.json and
 * latest.json. Exits 1 when a benchmark failed to run (a missed target is a result, not a failure).
 */
import { consume } from './consume.ts';
import { guarantee } from './guarantee.ts';
import { latency } from './latency.ts';
import { memory } from './memory.ts';
import { producer } from './producer.ts';
import { runBenches, type Bench } from './lib/report.ts';
import { startup } from './startup.ts';

const ALL: readonly Bench[] = [startup, producer, consume, guarantee, latency, memory];

const names = process.argv.slice(2);
const unknown = names.filter((name) => !ALL.some((bench) => bench.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `no benchmark named ${unknown.join(', ')}; choose from ${ALL.map((bench) => bench.name).join(', ')}\n`,
  );
  process.exit(2);
}
const chosen = names.length === 0 ? ALL : ALL.filter((bench) => names.includes(bench.name));
const figures = await runBenches(chosen, chosen.length === ALL.length);
// Kafka clients leave retry timers behind; the results are saved, so end here.
process.exit(figures.some((figure) => figure.metric === 'error') ? 1 : 0);

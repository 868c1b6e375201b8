/**
 * The work `consume` must do that the bare reader does not, measured alone in this process — no
 * Kafka, no InfluxDB, no checkpoints: decoding each message into a tick (where the reader only
 * JSON-parses it), the window pipeline, and the InfluxDB request bodies as the transport sends
 * them (line protocol, then UTF-8 bytes). It gives the lowest CPU per tick consume could have on a
 * workload, next to the bare reader's: the floor of the "consume CPU / bare reader CPU" goal.
 *
 * The stages run the way the engine runs them, one batch at a time (decode → windows → body), so
 * what the engine keeps only for a batch is not kept longer here; each stage's cost is the
 * difference between running the stages up to it and up to the one before. CPU time of this
 * process from /proc, as every other figure of the bench, medians of `ROUNDS`.
 */
import type { Config } from '../../src/config/schema.ts';
import type { Tick, WindowOutput } from '../../src/model.ts';
import { encodeTick } from '../../src/model.ts';
import { createLineEncoder } from '../../src/sinks/influx/line-protocol.ts';
import { decodeTickMessage } from '../../src/tick-bytes.ts';
import { createWindowPipeline } from '../../src/windows/index.ts';
import { cpuSecondsOf } from './cpu.ts';
import { median } from './stats.ts';

const ROUNDS = 3;

/** CPU seconds per 1M ticks of each stage, alone. */
export interface OwnWork {
  /** What the bare reader does per message instead of decoding: UTF-8 string, then JSON.parse. */
  parse: number;
  decode: number;
  windows: number;
  /** Line protocol for the ticks and the window outputs, joined per batch and turned into bytes. */
  lines: number;
  /** Bars the windows closed: the engine's own count on the same ticks, as a check they did the same work. */
  bars: number;
}

type Stage = 'decode' | 'windows' | 'lines';

function cpuSeconds(work: () => void): number {
  const start = cpuSecondsOf('self');
  work();
  return cpuSecondsOf('self') - start;
}

export function measureOwnWork(config: Config, ticks: readonly Tick[]): OwnWork {
  const messages = ticks.map((tick) => Buffer.from(encodeTick(tick)));
  const batchSize = config.sinks.batchSize;
  let checksum = 0;
  let bars = 0;

  const parse = () =>
    cpuSeconds(() => {
      for (const message of messages) checksum += (JSON.parse(message.toString('utf8')) as { price: number }).price;
    });

  /** Runs the stages up to `last` over every message. */
  const through = (last: Stage) => {
    const pipeline = createWindowPipeline(config.windows);
    const encoder = createLineEncoder(config.influx.measurements);
    const outputs: WindowOutput[] = [];
    bars = 0;
    return cpuSeconds(() => {
      for (let from = 0; from < messages.length; from += batchSize) {
        const to = Math.min(messages.length, from + batchSize);
        outputs.length = 0;
        for (let i = from; i < to; i++) {
          const tick = decodeTickMessage(messages[i]!);
          if (last === 'decode') {
            checksum += tick.price;
            continue;
          }
          pipeline.push(tick, outputs);
          if (config.sinks.writeTicks) outputs.push({ kind: 'tick', tick });
        }
        for (const output of outputs) if (output.kind === 'bar') bars++;
        if (last === 'lines') checksum += Buffer.from(encoder.body(outputs), 'utf8').length;
        else checksum += outputs.length;
      }
    });
  };

  const rounds: Array<Record<'parse' | Stage, number>> = [];
  for (let round = 0; round < ROUNDS; round++)
    rounds.push({ parse: parse(), decode: through('decode'), windows: through('windows'), lines: through('lines') });
  if (!Number.isFinite(checksum)) throw new Error('own work: no result');
  const perMillion = (seconds: number) => (seconds * 1_000_000) / messages.length;
  const med = (pick: (round: Record<'parse' | Stage, number>) => number) => perMillion(median(rounds.map(pick)));
  return {
    parse: med((round) => round.parse),
    decode: med((round) => round.decode),
    windows: med((round) => round.windows - round.decode),
    lines: med((round) => round.lines - round.windows),
    bars,
  };
}

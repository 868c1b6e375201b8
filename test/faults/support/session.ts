/** The tick streams of the fault tests: a whole session (every window closes) cut into consecutive parts. */
import type { Tick } from '../../../src/model.ts';
import { closingTicks, tickStream, type StreamOptions } from '../../consume/support/ticks.ts';

export interface Session {
  all: Tick[];
  /** `all` cut at each fraction, in order: the parts a test produces at different moments. */
  parts: Tick[][];
  /**
   * The time of the last tick of the stream proper; only the closing ticks (one a symbol, ten
   * minutes later) come after it. What a read-back compares ends here (see read-back.ts).
   */
  lastTime: number;
}

export function session(options: StreamOptions, cuts: number[] = []): Session {
  const stream = tickStream(options);
  const all = [...stream, ...closingTicks(stream)];
  const at = [0, ...cuts.map((fraction) => Math.floor(all.length * fraction)), all.length];
  // By reduce: spreading 100k+ times into Math.max overflows the stack.
  const lastTime = stream.reduce((last, tick) => Math.max(last, tick.time), 0);
  return { all, parts: at.slice(1).map((end, i) => all.slice(at[i], end)), lastTime };
}

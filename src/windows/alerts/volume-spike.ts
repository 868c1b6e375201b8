/** Volume spike: a bar's volume is at least `multiple` times the average of the `lookback` bars before it. */
import type { AlertRule } from '../../config/alert-rules.ts';
import { formatCount, type RuleCheck } from './check.ts';

type VolumeSpikeRule = Extract<AlertRule, { type: 'volume-spike' }>;

export interface VolumeSpikeState {
  /** Volumes of the previous bars, oldest first, at most `lookback`. */
  volumes: number[];
}

export function volumeSpikeCheck(rule: VolumeSpikeRule): RuleCheck<VolumeSpikeState> {
  const { lookback, multiple } = rule;
  return {
    createState: () => ({ volumes: [] }),
    reviveState(saved) {
      const volumes = (saved as Partial<VolumeSpikeState> | undefined)?.volumes;
      return { volumes: Array.isArray(volumes) ? volumes.slice(-lookback) : [] };
    },
    measure(state, bar) {
      const volumes = state.volumes;
      const full = volumes.length >= lookback;
      let average = 0;
      if (full) {
        for (const volume of volumes) average += volume;
        average /= lookback;
      }
      volumes.push(bar.volume);
      if (volumes.length > lookback) volumes.shift();
      if (!full) return undefined;
      // Without a volume history (a source with no volumes) there is nothing to compare with.
      const ratio = average > 0 ? bar.volume / average : 0;
      return {
        triggered: ratio >= multiple,
        value: ratio,
        threshold: multiple,
        message: `${bar.symbol} traded ${formatCount(bar.volume)} in one ${bar.interval} bar, ${ratio.toFixed(1)}× its ${lookback}-bar average of ${formatCount(average)}`,
      };
    },
  };
}

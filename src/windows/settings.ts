/**
 * The `windows` config turned into numbers once (durations in ms), with the checks the schema
 * cannot express on its own: they need several fields at a time.
 */
import type { AlertRule } from '../config/alert-rules.ts';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../errors.ts';
import { formatDuration, parseDuration } from '../util/duration.ts';

/** The `windows` section of the config, as every operator receives it. */
export type WindowsConfig = Config['windows'];

export const DAY_MS = 86_400_000;

export interface BarInterval {
  /** As configured, like `5m`; it is `Bar.interval`. */
  label: string;
  ms: number;
}

export interface WindowSettings {
  latenessMs: number;
  /** How far ahead of the wall clock at arrival an event time may be. */
  futureSkewMs: number;
  idleMs: number;
  /** Undefined when interim bars are off. */
  interimMs: number | undefined;
  timezone: string;
  intervals: BarInterval[];
  /** Config problems that do not stop the pipeline; the command shows them. */
  warnings: string[];
}

export function parseWindowSettings(windows: WindowsConfig): WindowSettings {
  const intervals: BarInterval[] = [];
  for (const label of windows.bars.intervals) {
    const ms = parseDuration(label);
    if (ms <= 0 || ms > DAY_MS || ms % 1000 !== 0) {
      throw new ConfigError(
        `windows.bars.intervals: "${label}" is not a usable bar interval`,
        'use whole seconds up to one day, like 1m, 5m, 15m, 1h or 1d',
      );
    }
    const same = intervals.find((other) => other.ms === ms);
    if (same) {
      throw new ConfigError(
        `windows.bars.intervals lists the same interval twice ("${same.label}" and "${label}")`,
        'keep one of them',
      );
    }
    intervals.push({ label, ms });
  }
  const settings: WindowSettings = {
    latenessMs: windows.allowedLateness.ms,
    futureSkewMs: windows.maxFutureSkew.ms,
    idleMs: windows.idleTimeout.ms,
    interimMs: windows.bars.interim?.ms,
    timezone: windows.timezone,
    intervals,
    warnings: [],
  };
  if (settings.idleMs <= 0)
    throw new ConfigError('windows.idleTimeout must be longer than 0', 'use a duration like 10s');
  if (settings.interimMs !== undefined && settings.interimMs <= 0) {
    throw new ConfigError('windows.bars.interim must be longer than 0', 'use a duration like 1s, or leave it out');
  }
  const { macd } = windows.indicators;
  if (macd.fast >= macd.slow) {
    throw new ConfigError(
      `windows.indicators.macd: fast (${macd.fast}) must be shorter than slow (${macd.slow})`,
      'the usual values are fast 12, slow 26, signal 9',
    );
  }
  checkAlertRules(windows.alerts.rules, intervals, settings.warnings);
  return settings;
}

/** The configured interval a rule's interval means (`60m` matches a configured `1h`). */
export function intervalOfRule(rule: AlertRule, intervals: BarInterval[]): BarInterval | undefined {
  const ms = parseDuration(rule.interval);
  return intervals.find((interval) => interval.ms === ms);
}

function checkAlertRules(rules: AlertRule[], intervals: BarInterval[], warnings: string[]): void {
  const names = new Set<string>();
  for (const rule of rules) {
    const where = `windows.alerts.rules "${rule.name}"`;
    if (names.has(rule.name))
      throw new ConfigError(`${where}: the name is used by another rule`, 'give every rule a unique name');
    names.add(rule.name);
    if (!intervalOfRule(rule, intervals)) {
      // A warning, not an error: the default rules watch 1m bars, and asking only for 5m bars
      // should not force anyone to rewrite rules they never wrote.
      const known = intervals.map((i) => i.label).join(', ');
      warnings.push(
        `${where} is off: its interval ${rule.interval} is not one of windows.bars.intervals (${known}); add it there or set the rule's interval to one of them`,
      );
    }
    if (rule.type === 'ma-crossover' && rule.fast >= rule.slow) {
      throw new ConfigError(
        `${where}: fast (${rule.fast}) must be shorter than slow (${rule.slow})`,
        'for example fast 12, slow 26',
      );
    }
    if (rule.type === 'price-change' && rule.window.ms <= 0) {
      throw new ConfigError(
        `${where}: window must be longer than 0`,
        `use a duration like ${formatDuration(5 * 60_000)}`,
      );
    }
  }
}

/**
 * The alert rule schema: the one definition of the rule types, their options and severities. The
 * `Alert` record (src/model.ts), the operators in src/windows/alerts and the config's error messages
 * take the type names from here.
 */
import { z } from 'zod';
import { barInterval, duration, symbolSchema } from './values.ts';

const severity = z.enum(['info', 'warning', 'critical']);

const alertCommon = {
  name: z.string().min(1).describe('A unique name, shown in alerts and used for cooldowns.'),
  symbols: z.array(symbolSchema).optional().describe('Symbols the rule watches; all when left out.'),
  interval: barInterval.default('1m').describe('Bar interval the rule evaluates on closed bars.'),
  severity: severity.default('warning'),
  cooldown: duration('Minimum time between two alerts of this rule for one symbol.').prefault('15m'),
};

export const alertRuleSchema = z.discriminatedUnion('type', [
  z.object({
    ...alertCommon,
    type: z.literal('price-change'),
    window: duration('How far back the change is measured.').prefault('5m'),
    thresholdPct: z.number().positive().describe('Fires when |change %| over the window reaches this.'),
    direction: z.enum(['up', 'down', 'both']).default('both'),
  }),
  z.object({
    ...alertCommon,
    type: z.literal('volume-spike'),
    multiple: z.number().positive().default(3).describe('Fires when a bar volume is this many times its average.'),
    lookback: z.number().int().min(2).default(20).describe('Bars in the average.'),
  }),
  z.object({
    ...alertCommon,
    type: z.literal('volatility'),
    spreadPct: z.number().positive().describe('Fires when (high − low) / low of a bar reaches this %.'),
  }),
  z.object({
    ...alertCommon,
    type: z.literal('ma-crossover'),
    kind: z.enum(['sma', 'ema']).default('ema'),
    fast: z.number().int().min(1).default(12),
    slow: z.number().int().min(2).default(26),
  }),
]);

export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertType = AlertRule['type'];
export type Severity = AlertRule['severity'];

/** The rule types in schema order, for messages that list them. */
export const ALERT_TYPES: readonly AlertType[] = alertRuleSchema.options.map((option) => option.shape.type.value);

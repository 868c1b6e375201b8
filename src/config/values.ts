/** The value schemas several parts of the config share: durations, ticker symbols, bar intervals. */
import { z } from 'zod';
import { Duration, isDuration } from '../util/duration.ts';

/**
 * A duration field: written as text (`2s`, `15m`), parsed into a Duration once at load. Its default
 * is a `.prefault('2s')`, which goes through the parse like a written value.
 */
export const duration = (description: string) =>
  z
    .string()
    .refine(isDuration, { message: 'is not a duration — use a number and a unit, like 500ms, 2s, 1m, 4h or 30d' })
    .transform(Duration.parse)
    .describe(description);

const SYMBOL = /^[A-Z0-9^][A-Z0-9.\-^=]{0,19}$/;
export const symbolSchema = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .refine((s) => SYMBOL.test(s), {
    message: 'is not a ticker symbol — use letters, digits, ".", "-", "^" or "=", like AAPL, BRK-B or ^GSPC',
  });

/** A bar interval stays the label it was written as (`5m`): it names the bars (`Bar.interval`). */
export const barInterval = z
  .string()
  .refine((s) => isDuration(s), { message: 'is not a bar interval — use 1m, 5m, 15m, 1h…' });

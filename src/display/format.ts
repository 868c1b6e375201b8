/** Number and time formats shared by the live table and the plain lines, so both agree digit for digit. */

/** 2 decimals, 4 below one dollar (penny stocks and FX rates move in the 3rd and 4th). */
function priceDecimals(price: number): number {
  return Math.abs(price) < 1 ? 4 : 2;
}

export function formatPrice(value: number): string {
  return value.toFixed(priceDecimals(value));
}

/** A signed change of `price`, with the price's decimals: `+1.23`, `-0.40`, `0.00`. */
export function formatSignedPrice(value: number, price: number): string {
  return signed(value.toFixed(priceDecimals(price)));
}

/** A signed percentage with 2 decimals and no `%`: `+0.66`, `-1.20`. */
export function formatSignedPercent(value: number): string {
  return signed(value.toFixed(2));
}

/** `+` in front of what rounds to a gain, and no `-0.00` for a loss that rounds to nothing. */
function signed(text: string): string {
  const rounded = Number(text);
  if (rounded === 0) return text.replace('-', '');
  return rounded > 0 ? `+${text}` : text;
}

const COMPACT_UNITS = [
  { size: 1e12, suffix: 'T' },
  { size: 1e9, suffix: 'B' },
  { size: 1e6, suffix: 'M' },
  { size: 1e3, suffix: 'k' },
] as const;

/** Volumes in a narrow column: `987`, `12.3k`, `45.68M`, `1.20B`. */
export function formatCompact(value: number): string {
  for (const { size, suffix } of COMPACT_UNITS) {
    if (Math.abs(value) >= size) {
      const scaled = value / size;
      return `${scaled.toFixed(Math.abs(scaled) >= 100 ? 1 : 2)}${suffix}`;
    }
  }
  return Math.round(value).toString();
}

/** Indicator values: 2 decimals. */
export function formatIndicator(value: number): string {
  return value.toFixed(2);
}

/**
 * `HH:MM:SS EST` of an instant in the exchange time zone, with the date in front when `withDate`
 * (`03/02/2026, 09:34:50 EST`: a replay of an old session should not look like today). Intl is
 * built once.
 */
export function createClockFormat(timezone: string, withDate = false): (time: number) => string {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  });
  return (time) => format.format(time);
}

/** The ISO form plain lines use: unambiguous, sortable and the same on every machine. */
export function formatIso(time: number): string {
  return new Date(time).toISOString();
}

/** Defensive readers for fields of untrusted payloads (Yahoo JSON, replay files). */

export function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Epoch ms from a Date, epoch seconds (what Yahoo sends), epoch ms, or an ISO date string. */
export function epochMs(value: unknown): number | undefined {
  if (value instanceof Date) return positive(value.getTime());
  if (typeof value === 'string') return positive(Date.parse(value));
  const n = positive(value);
  if (n === undefined) return undefined;
  return n < 1e11 ? n * 1000 : n;
}

/** Copies the fields that have a value onto the target: optional fields stay absent, never undefined. */
export function assignDefined<T extends object>(target: T, fields: Partial<T>): T {
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(target, { [key]: value });
  return target;
}

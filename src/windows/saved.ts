/** Reading back snapshot parts, which are JSON of unknown age: check before trusting. */

/** The entries of `saved[field]` whose values are objects; none when it is missing or not an object. */
export function savedEntries(saved: unknown, field: string): [string, Record<string, unknown>][] {
  const record = saved !== null && typeof saved === 'object' ? (saved as Record<string, unknown>)[field] : undefined;
  if (record === null || typeof record !== 'object') return [];
  return Object.entries(record as Record<string, unknown>).filter(
    (entry): entry is [string, Record<string, unknown>] => entry[1] !== null && typeof entry[1] === 'object',
  );
}

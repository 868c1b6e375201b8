/** Ranks candidates by how close they are to a mistyped name, for "did you mean" lists. */

/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidates, closest to `name` first (ties keep their alphabetical order). */
export function closestFirst(name: string, candidates: Iterable<string>): string[] {
  return [...candidates]
    .sort()
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
    .sort((x, y) => x.distance - y.distance)
    .map(({ candidate }) => candidate);
}

/** The candidate closest to `name`, if it is close enough to be a plausible typo (case-insensitive). */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const best = closestFirst(name, candidates)[0];
  if (best === undefined) return undefined;
  return editDistance(name.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(name.length / 3))
    ? best
    : undefined;
}

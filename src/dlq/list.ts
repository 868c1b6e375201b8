/** `dlq list`: dead letters grouped by stage and reason, with counts and where the first and last are. */
import type { DeadLetterRecord } from './scan.ts';

export interface DeadLetterGroup {
  stage: string | null;
  /** The latest reason of the group, as written. */
  reason: string | null;
  count: number;
  /** `partition@offset` of the first and last dead letter of the group (in the dead-letter topic). */
  first: string;
  last: string;
  firstAt: string;
  lastAt: string;
}

/**
 * Reasons name the bad value and the symbol (`future tick: event time … of AAPL is 1h ahead …`):
 * grouping by the exact text would list each poison message alone, so numbers (with a duration
 * unit), quoted text and the record's own key are left out of the grouping.
 */
function reasonKind(reason: string | null, key: string | null): string | null {
  if (reason === null) return null;
  const general = reason.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?(ms|s|m|h|d|w)?/gi, 'N').replace(/"[^"]*"|'[^']*'/g, '"…"');
  return key ? general.split(key).join('<key>') : general;
}

export function groupDeadLetters(letters: Iterable<DeadLetterRecord>): DeadLetterGroup[] {
  const groups = new Map<string, DeadLetterGroup & { firstTime: number; lastTime: number }>();
  for (const letter of letters) {
    const reason = letter.origin.reason;
    const key = `${letter.origin.stage}\u0000${reasonKind(reason, letter.message.key?.toString('utf8') ?? null)}`;
    const at = `${letter.partition}@${letter.offset}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        stage: letter.origin.stage,
        reason,
        count: 1,
        first: at,
        last: at,
        firstAt: '',
        lastAt: '',
        firstTime: letter.timestamp,
        lastTime: letter.timestamp,
      });
      continue;
    }
    group.count += 1;
    if (letter.timestamp < group.firstTime) [group.first, group.firstTime] = [at, letter.timestamp];
    if (letter.timestamp >= group.lastTime) [group.last, group.lastTime, group.reason] = [at, letter.timestamp, reason];
  }
  return [...groups.values()]
    .map(({ firstTime, lastTime, ...group }) => ({
      ...group,
      firstAt: new Date(firstTime).toISOString(),
      lastAt: new Date(lastTime).toISOString(),
    }))
    .sort((a, b) => String(a.stage).localeCompare(String(b.stage)) || b.count - a.count);
}

export function groupLine(group: DeadLetterGroup): string {
  return `${String(group.stage ?? '?').padEnd(11)} ${String(group.count).padStart(6)}  ${group.first} … ${group.last}  ${group.lastAt}  ${group.reason ?? '(no reason)'}`;
}

export const GROUP_HEADER = `${'STAGE'.padEnd(11)} ${'COUNT'.padStart(6)}  FIRST … LAST  LAST AT  REASON`;

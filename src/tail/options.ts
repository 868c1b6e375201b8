/** `tail`'s flags as a request, with usage errors that name the flag. */
import type { Config } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { parseNumber, parseSince, parseSymbols } from '../config/overrides.ts';
import { resolveTarget } from './records.ts';
import type { TailRequest, TailStart } from './tail.ts';

export interface TailFlags {
  what?: string;
  fromBeginning?: boolean;
  since?: string;
  offset?: string;
  follow?: boolean;
  count?: string;
  symbol?: string;
  partition?: string;
}

/** `--partition 0,2` → [0, 2]. */
function parsePartitions(raw: string): number[] {
  return raw.split(',').map((part) => parseNumber(part.trim(), '--partition', { integer: true, min: 0 }));
}

function parseStart(flags: TailFlags): TailStart | undefined {
  const given = [
    flags.fromBeginning ? '--from-beginning' : undefined,
    flags.since !== undefined ? '--since' : undefined,
    flags.offset !== undefined ? '--offset' : undefined,
  ].filter(Boolean);
  if (given.length > 1)
    throw new UsageError(
      `${given.join(' and ')} both say where to start`,
      'pass one of --from-beginning, --since or --offset',
    );
  if (flags.fromBeginning) return { at: 'beginning' };
  if (flags.since !== undefined) return { at: 'time', time: parseSince(flags.since) };
  if (flags.offset !== undefined) {
    const offset = parseNumber(flags.offset, '--offset', { integer: true });
    if (offset >= 0 && flags.partition === undefined) {
      throw new UsageError(
        `--offset ${offset}: an offset belongs to one partition`,
        'add --partition N, or pass a negative offset (-10: the last 10 of each partition)',
      );
    }
    return { at: 'offset', offset };
  }
  return undefined;
}

/** `tty`: whether stdout is a terminal, where following is the default. */
export function tailRequest(config: Config, flags: TailFlags, tty: boolean): TailRequest {
  const follow = flags.follow ?? (tty && flags.count === undefined);
  return {
    target: resolveTarget(config, flags.what),
    start: parseStart(flags) ?? (follow ? { at: 'end' } : { at: 'beginning' }),
    follow,
    count: flags.count === undefined ? undefined : parseNumber(flags.count, '--count', { integer: true, min: 1 }),
    keys: flags.symbol === undefined ? undefined : new Set(parseSymbols(flags.symbol, '--symbol')),
    partitions: flags.partition === undefined ? undefined : parsePartitions(flags.partition),
  };
}

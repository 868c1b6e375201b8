/**
 * `status` judged: one doctor-style check per part of the pipeline, with the fix for what fails.
 * Unhealthy (exit 1): the prices topic missing, the group without members or falling behind (its
 * oldest waiting record older than the checkpoint rounds explain), dead letters in the last
 * minute, or ticks arriving while the newest bar of an interval is older than the interval plus
 * the allowed lateness.
 */
import type { Config } from '../config/schema.ts';
import type { CheckResult } from '../doctor/checks.ts';
import { formatDuration, parseDuration } from '../util/duration.ts';
import type { StatusFacts } from './gather.ts';

/** A rounded age for people: `4s`, `3m`, `2h`. */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

/** How old the oldest uncommitted record may be: a commit every checkpoint round, with room for a slow round. */
export function behindThresholdMs(config: Config): number {
  return Math.max(30_000, 3 * config.kafka.checkpointInterval.ms);
}

function pricesCheck({ prices }: StatusFacts): CheckResult {
  if (!prices.exists) {
    return {
      service: 'Prices topic',
      ok: false,
      optional: false,
      detail: `${prices.topic} does not exist`,
      fix: '`stockstream produce` creates it; or check kafka.topics.prices for a typo',
    };
  }
  const rate = (prices.lastMinute / 60).toFixed(1);
  return {
    service: 'Prices topic',
    ok: true,
    optional: false,
    detail: `${prices.topic}: ${prices.partitions} partitions, ${prices.messages} messages, ${prices.lastMinute} in the last minute (${rate}/s)`,
  };
}

function groupCheck(facts: StatusFacts, config: Config): CheckResult {
  const { group } = facts;
  const commit =
    group.lastCommitAt === undefined
      ? 'no recent commit seen'
      : `last commit ${age(facts.at - group.lastCommitAt)} ago`;
  const summary = `lag ${group.totalLag}, ${commit}`;
  if (group.members.length === 0) {
    return {
      service: 'Consumer group',
      ok: false,
      optional: false,
      detail: `${group.id} has no members (${group.state}), ${summary}`,
      fix: 'start `stockstream consume` (it joins kafka.groupId)',
    };
  }
  const oldest = Math.min(...group.partitions.map((p) => p.oldestWaitingAt ?? Infinity));
  const behind = Number.isFinite(oldest) ? facts.at - oldest : 0;
  const members = `${group.members.length} member(s) (${group.members.map((m) => `${m.clientId}@${m.host}: ${m.partitions.join(',') || '-'}`).join('; ')})`;
  if (behind > behindThresholdMs(config)) {
    return {
      service: 'Consumer group',
      ok: false,
      optional: false,
      detail: `${group.id}: ${members}, ${summary}; the oldest waiting record is ${age(behind)} old — falling behind`,
      fix: 'check the consume logs for sink errors; more `stockstream consume` processes in the group share the partitions',
    };
  }
  return { service: 'Consumer group', ok: true, optional: false, detail: `${group.id}: ${members}, ${summary}` };
}

function dlqCheck({ dlq, at }: StatusFacts): CheckResult {
  const last = dlq.lastByStage
    .slice(0, 3)
    .map((d) => `${d.stage} ${age(at - d.at)} ago: ${d.reason.length > 80 ? `${d.reason.slice(0, 80)}…` : d.reason}`)
    .join('; ');
  const detail = `${dlq.topic}: ${dlq.count} dead letters, ${dlq.lastMinute} in the last minute${last ? `; last by stage: ${last}` : ''}`;
  if (dlq.lastMinute > 0) {
    return {
      service: 'Dead letters',
      ok: false,
      optional: false,
      detail,
      fix: 'see why with `stockstream dlq list`; once fixed, `stockstream dlq redrive --stage <stage>`',
    };
  }
  return { service: 'Dead letters', ok: true, optional: false, detail };
}

function stateCheck({ state, at }: StatusFacts): CheckResult {
  if (!state.exists)
    return {
      service: 'State topic',
      ok: false,
      optional: true,
      detail: `${state.topic} not created yet`,
      fix: '`stockstream consume` creates it',
    };
  const write = state.lastWriteAt === undefined ? 'no writes seen' : `last write ${age(at - state.lastWriteAt)} ago`;
  return {
    service: 'State topic',
    ok: true,
    optional: false,
    detail: `${state.topic}: ${state.records} records, ${write}`,
  };
}

function barsCheck(facts: StatusFacts, config: Config): CheckResult | undefined {
  if (facts.bars === undefined) return undefined;
  if (!Array.isArray(facts.bars)) {
    return {
      service: 'InfluxDB bars',
      ok: false,
      optional: false,
      detail: facts.bars.error,
      fix: 'run `stockstream doctor` to see what is wrong with InfluxDB',
    };
  }
  const lateness = config.windows.allowedLateness.ms;
  const ticking = facts.prices.lastMinute > 0;
  const newest = new Map(facts.bars.map((bar) => [bar.interval, bar.start]));
  const parts: string[] = [];
  const stale: string[] = [];
  for (const interval of config.windows.bars.intervals) {
    const start = newest.get(interval);
    const size = parseDuration(interval);
    if (start === undefined) {
      parts.push(`${interval}: none`);
      stale.push(interval);
      continue;
    }
    const sinceEnd = facts.at - (start + size);
    parts.push(`${interval}: ${new Date(start).toISOString()} (${age(facts.at - start)} old)`);
    if (sinceEnd > size + lateness) stale.push(interval);
  }
  const detail = `newest bar ${parts.join(', ')}`;
  if (stale.length > 0 && ticking) {
    return {
      service: 'InfluxDB bars',
      ok: false,
      optional: false,
      detail: `${detail} — ticks arrive but no ${stale.join('/')} bar newer than its interval plus windows.allowedLateness ${formatDuration(lateness)}`,
      fix: 'check that `stockstream consume` runs with the influx sink and look at its logs; `stockstream doctor` checks InfluxDB',
    };
  }
  return {
    service: 'InfluxDB bars',
    ok: true,
    optional: false,
    detail: ticking || stale.length === 0 ? detail : `${detail} (no ticks in the last minute)`,
  };
}

export function judge(facts: StatusFacts, config: Config): CheckResult[] {
  return [
    pricesCheck(facts),
    groupCheck(facts, config),
    dlqCheck(facts),
    stateCheck(facts),
    barsCheck(facts, config),
  ].filter((check): check is CheckResult => check !== undefined);
}

/** Per-partition lag under the group's line: `p0 committed 120 end 123 lag 3`. */
export function lagLines(facts: StatusFacts): string[] {
  return facts.group.partitions.map(
    (p) =>
      `    p${p.partition} committed ${p.committed ?? '-'} end ${p.end} lag ${p.lag}${p.oldestWaitingAt === undefined ? '' : ` (oldest waiting ${age(facts.at - p.oldestWaitingAt)})`}`,
  );
}

/**
 * Progress of a produce run: ticks per second per source, plus what each source says about itself
 * (rate limited, market closed until …). A spinner line on an interactive terminal; elsewhere
 * (pipes, cron, --json) periodic log lines, which --json turns into NDJSON.
 */
import type { Logger } from '../ui/logger.ts';
import { spinnersAllowed, startSpinner } from '../ui/spinner.ts';

export interface ProduceStatus {
  count(source: string, ticks: number): void;
  sourceStatus(source: string, text: string): void;
  totals(): Record<string, number>;
  stop(): void;
}

interface SourceProgress {
  total: number;
  atLastReport: number;
  status: string | undefined;
}

const formatCount = (n: number) => n.toLocaleString('en-US');

export async function startStatus(logger: Logger, options: { intervalMs?: number } = {}): Promise<ProduceStatus> {
  const interactive = spinnersAllowed(logger);
  const spinner = await startSpinner(logger, 'starting');
  const intervalMs = options.intervalMs ?? (interactive ? 1_000 : 10_000);
  const progress = new Map<string, SourceProgress>();
  let lastReport = Date.now();

  const entry = (source: string) => {
    let p = progress.get(source);
    if (!p) progress.set(source, (p = { total: 0, atLastReport: 0, status: undefined }));
    return p;
  };

  const report = () => {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - lastReport) / 1000);
    lastReport = now;
    const parts: string[] = [];
    for (const [source, p] of progress) {
      const perSecond = Math.round((p.total - p.atLastReport) / seconds);
      p.atLastReport = p.total;
      if (interactive)
        parts.push(
          `${source} ${formatCount(perSecond)} ticks/s · ${formatCount(p.total)} published${p.status ? ` · ${p.status}` : ''}`,
        );
      else
        logger.info(`${source}: ${formatCount(perSecond)} ticks/s, ${formatCount(p.total)} published`, {
          source,
          ticksPerSecond: perSecond,
          total: p.total,
        });
    }
    if (interactive && parts.length > 0) spinner.update(parts.join('  |  '));
  };

  const timer = setInterval(report, intervalMs);
  timer.unref();

  return {
    count: (source, ticks) => {
      entry(source).total += ticks;
    },
    sourceStatus: (source, text) => {
      const p = entry(source);
      if (p.status === text) return;
      p.status = text;
      if (interactive) report();
      else logger.info(`${source}: ${text}`, { source, status: text });
    },
    totals: () => Object.fromEntries([...progress].map(([source, p]) => [source, p.total])),
    stop: () => {
      clearInterval(timer);
      spinner.stop();
    },
  };
}

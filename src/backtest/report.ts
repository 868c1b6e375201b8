/** The human-readable backtest report: every firing, then counts and forward returns per rule. */
import { formatIso } from '../display/format.ts';
import type { BacktestResult, HorizonStats } from './run.ts';

const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;

function horizonCell(stats: HorizonStats | undefined): string {
  if (!stats) return 'n=0';
  return `n=${stats.count} mean=${percent(stats.mean)} median=${percent(stats.median)} up=${Math.round(stats.positive * 100)}%`;
}

export function formatReport(result: BacktestResult): string[] {
  const lines: string[] = [];
  lines.push(
    `${result.firings.length} firing${result.firings.length === 1 ? '' : 's'} over ${result.ticks.toLocaleString('en-US')} ticks`,
  );
  for (const firing of result.firings) {
    const returns = result.horizons
      .map((label) => `${label}=${firing.returns[label] === undefined ? '—' : percent(firing.returns[label])}`)
      .join(' ');
    lines.push(
      `${formatIso(firing.time)}  ${firing.symbol.padEnd(6)} ${firing.rule.padEnd(18)} ${firing.severity.padEnd(8)} price=${firing.price}  ${returns}`,
    );
  }
  lines.push('', 'per rule:');
  for (const rule of result.rules) {
    const symbols = Object.entries(rule.bySymbol)
      .map(([symbol, count]) => `${symbol} ${count}`)
      .join(', ');
    lines.push(`  ${rule.rule}: ${rule.firings}${symbols ? ` (${symbols})` : ''}`);
    if (rule.firings > 0)
      for (const label of result.horizons) lines.push(`    +${label}: ${horizonCell(rule.horizons[label])}`);
  }
  return lines;
}

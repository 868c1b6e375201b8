/**
 * Fitting the watch screen into the terminal: which columns stay when the table is too wide (the
 * least important go first, whole, instead of the line being cut mid-column), and which rows stay
 * when there are more symbols than lines (the rest counted in a "… N more" line, while the alerts
 * and the key line keep their place). Pure arithmetic on widths and line counts.
 */

/**
 * The columns to keep, in their order: while the table is wider than `width`, the column with the
 * lowest `dropRank` goes (undefined: never dropped). `widths` are the columns' own widths.
 */
export function fitColumns(
  widths: readonly number[],
  dropRanks: readonly (number | undefined)[],
  width: number,
  gap: number,
): boolean[] {
  const kept = widths.map(() => true);
  const total = () =>
    widths.reduce((sum, w, i) => (kept[i] ? sum + w : sum), 0) + gap * (kept.filter(Boolean).length - 1);
  const dropOrder = dropRanks
    .map((rank, index) => ({ rank, index }))
    .filter((column): column is { rank: number; index: number } => column.rank !== undefined)
    .sort((a, b) => a.rank - b.rank);
  for (const { index } of dropOrder) {
    if (total() <= width) break;
    kept[index] = false;
  }
  return kept;
}

export interface ScreenBlocks {
  /** Header, status, a blank line and the table's column header. */
  top: string[];
  /** One line per symbol, in display order. */
  rows: string[];
  /** How to say that `hidden` rows did not fit. */
  more: (hidden: number) => string;
  alertsTitle: string;
  /** The alert lines, newest first (or the one "none yet" line). */
  alerts: string[];
  /** The key line: always the last line. */
  footer: string;
}

/** Alert lines kept however many symbols there are (when there are that many alerts). */
const MIN_ALERTS = 3;

/**
 * The screen's lines for a terminal `height` lines tall: all rows when they fit; otherwise as many
 * as fit with a "… N more" line, keeping the newest alerts (up to MIN_ALERTS) and the key line.
 * Lines left over after the rows go to more alerts.
 */
export function fitRows(blocks: ScreenBlocks, height: number): string[] {
  const { top, rows, alertsTitle, alerts, footer } = blocks;
  // Besides the rows and the alerts: a blank line after the table, the alerts' title, a blank line and the key line.
  const fixed = top.length + 4;
  const alertsKept = Math.min(alerts.length, MIN_ALERTS);
  const roomForRows = height - fixed - alertsKept;
  let body: string[];
  let alertRoom: number;
  if (rows.length <= roomForRows) {
    body = rows;
    alertRoom = height - fixed - rows.length;
  } else {
    const shown = Math.max(0, roomForRows - 1);
    body = [...rows.slice(0, shown), blocks.more(rows.length - shown)];
    alertRoom = alertsKept;
  }
  const lines = [...top, ...body, '', alertsTitle, ...alerts.slice(0, Math.max(0, alertRoom)), '', footer];
  if (lines.length <= height) return lines;
  // A terminal too short even for that: the key line still shows, last.
  return height <= 1 ? [footer] : [...lines.slice(0, height - 1), footer];
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * One block per value, scaled between the lowest and highest of `values`, right-aligned in `width`
 * columns so the newest bar is always in the same place. A flat series draws at mid height: an
 * empty-looking baseline would read as "no data".
 */
export function sparkline(values: readonly number[], width: number = values.length): string {
  const shown = values.length > width ? values.slice(values.length - width) : values;
  if (shown.length === 0) return ' '.repeat(width);
  let min = Infinity;
  let max = -Infinity;
  for (const value of shown) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const span = max - min;
  const top = BLOCKS.length - 1;
  let line = '';
  for (const value of shown) {
    const level = span === 0 ? Math.floor(top / 2) : Math.round(((value - min) / span) * top);
    line += BLOCKS[level];
  }
  return ' '.repeat(width - shown.length) + line;
}

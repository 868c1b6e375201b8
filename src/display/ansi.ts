/** Terminal control sequences and width arithmetic for coloured text. */
import { stripVTControlCharacters } from 'node:util';

const ESC = '\u001b[';

export const ENTER_ALT_SCREEN = `${ESC}?1049h`;
export const LEAVE_ALT_SCREEN = `${ESC}?1049l`;
export const HIDE_CURSOR = `${ESC}?25l`;
export const SHOW_CURSOR = `${ESC}?25h`;
export const CLEAR_SCREEN = `${ESC}2J`;
export const CLEAR_LINE_END = `${ESC}K`;

/** Moves the cursor to a 1-based row, first column. */
export function moveTo(row: number): string {
  return `${ESC}${row};1H`;
}

/** Columns a string takes on screen (the table only uses single-width characters). */
export function visibleWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

// An SGR or other CSI sequence at the start of the rest of a string.
const CSI = /^\u001b\[[0-9;?]*[A-Za-z]/;

/** Cuts a coloured string to `columns` visible characters, keeping its escape sequences intact. */
export function truncateVisible(text: string, columns: number): string {
  if (visibleWidth(text) <= columns) return text;
  let out = '';
  let shown = 0;
  let rest = text;
  while (rest.length > 0) {
    const escape = CSI.exec(rest);
    if (escape) {
      out += escape[0];
      rest = rest.slice(escape[0].length);
      continue;
    }
    const char = String.fromCodePoint(rest.codePointAt(0)!);
    rest = rest.slice(char.length);
    if (shown < columns) {
      out += char;
      shown += 1;
    }
  }
  return out;
}

/**
 * The full-screen terminal: alternate screen buffer, hidden cursor, raw keys, and redraws that
 * rewrite only the lines that changed. `leave` puts everything back and is safe to call twice; it
 * also runs on process exit, so an unexpected crash does not leave the user's terminal raw and blank.
 */
import {
  CLEAR_LINE_END,
  CLEAR_SCREEN,
  ENTER_ALT_SCREEN,
  HIDE_CURSOR,
  LEAVE_ALT_SCREEN,
  SHOW_CURSOR,
  moveTo,
} from '../display/ansi.ts';

/** The streams a terminal is made of; stdin may not be a terminal (`cmd | stockstream watch`). */
export interface TerminalStreams {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

export interface Terminal {
  columns(): number;
  rows(): number;
  enter(): void;
  draw(lines: readonly string[]): void;
  leave(): void;
  onKey(handler: (key: string) => void): void;
  onResize(handler: () => void): void;
}

const FALLBACK_COLUMNS = 100;
const FALLBACK_ROWS = 30;

export function createTerminal({ input, output }: TerminalStreams): Terminal {
  let active = false;
  let rawKeys = false;
  let previous: readonly string[] = [];
  const keyHandlers: Array<(key: string) => void> = [];
  const resizeHandlers: Array<() => void> = [];

  const onData = (data: Buffer | string) => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    for (const handler of keyHandlers) handler(text);
  };
  const onResize = () => {
    previous = [];
    if (active) output.write(CLEAR_SCREEN);
    for (const handler of resizeHandlers) handler();
  };

  const leave = () => {
    if (!active) return;
    active = false;
    output.off('resize', onResize);
    process.off('exit', leave);
    if (rawKeys) {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      rawKeys = false;
    }
    output.write(SHOW_CURSOR + LEAVE_ALT_SCREEN);
  };

  return {
    columns: () => output.columns || FALLBACK_COLUMNS,
    rows: () => output.rows || FALLBACK_ROWS,

    enter() {
      if (active) return;
      active = true;
      process.on('exit', leave);
      output.write(ENTER_ALT_SCREEN + HIDE_CURSOR + CLEAR_SCREEN);
      output.on('resize', onResize);
      // Raw mode delivers `q` at once and Ctrl-C as a key (not SIGINT), so the quit path is one.
      if (input.isTTY) {
        input.setRawMode(true);
        input.on('data', onData);
        input.resume();
        rawKeys = true;
      }
    },

    draw(lines) {
      if (!active) return;
      let frame = '';
      const count = Math.max(lines.length, previous.length);
      for (let i = 0; i < count; i++) {
        const line = lines[i] ?? '';
        if (line === previous[i]) continue;
        frame += moveTo(i + 1) + line + CLEAR_LINE_END;
      }
      previous = [...lines];
      if (frame !== '') output.write(frame);
    },

    leave,
    onKey: (handler) => keyHandlers.push(handler),
    onResize: (handler) => resizeHandlers.push(handler),
  };
}

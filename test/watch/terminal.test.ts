/**
 * The terminal wrapper on stand-in streams: raw mode on and off, the enter/leave sequences exactly
 * once, and redraws that rewrite only changed lines. (Node resets a raw terminal when the process
 * exits, so the pty tests alone would not notice a missing `setRawMode(false)`.)
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  CLEAR_LINE_END,
  ENTER_ALT_SCREEN,
  HIDE_CURSOR,
  LEAVE_ALT_SCREEN,
  SHOW_CURSOR,
  moveTo,
} from '../../src/display/ansi.ts';
import { createTerminal } from '../../src/watch/terminal.ts';

function streams() {
  const input = Object.assign(new EventEmitter(), {
    isTTY: true,
    rawModes: [] as boolean[],
    paused: false,
    setRawMode(mode: boolean) {
      this.rawModes.push(mode);
      return this;
    },
    resume() {
      this.paused = false;
      return this;
    },
    pause() {
      this.paused = true;
      return this;
    },
  });
  const output = Object.assign(new EventEmitter(), {
    columns: 80,
    rows: 24,
    written: [] as string[],
    write(text: string) {
      this.written.push(text);
      return true;
    },
  });
  // Only the members the terminal uses are there; the casts say so.
  return {
    input,
    output,
    terminal: createTerminal({
      input: input as unknown as NodeJS.ReadStream,
      output: output as unknown as NodeJS.WriteStream,
    }),
  };
}

describe('terminal', () => {
  it('enters raw mode and the alternate screen, and leaves both exactly once', () => {
    const { input, output, terminal } = streams();
    terminal.enter();
    expect(input.rawModes).toEqual([true]);
    expect(output.written.join('')).toContain(ENTER_ALT_SCREEN + HIDE_CURSOR);
    terminal.leave();
    terminal.leave();
    expect(input.rawModes).toEqual([true, false]);
    expect(input.paused).toBe(true);
    expect(output.written.join('').split(SHOW_CURSOR + LEAVE_ALT_SCREEN)).toHaveLength(2);
    expect(input.listenerCount('data')).toBe(0);
  });

  it('hands keys to its handlers while active', () => {
    const { input, terminal } = streams();
    const keys: string[] = [];
    terminal.onKey((key) => keys.push(key));
    terminal.enter();
    input.emit('data', Buffer.from('q'));
    terminal.leave();
    input.emit('data', Buffer.from('x'));
    expect(keys).toEqual(['q']);
  });

  it('rewrites only the lines that changed, and everything after a resize', () => {
    const { output, terminal } = streams();
    terminal.enter();
    output.written.length = 0;
    terminal.draw(['a', 'b', 'c']);
    terminal.draw(['a', 'B', 'c']);
    terminal.draw(['a', 'B']);
    expect(output.written).toEqual([
      `${moveTo(1)}a${CLEAR_LINE_END}${moveTo(2)}b${CLEAR_LINE_END}${moveTo(3)}c${CLEAR_LINE_END}`,
      `${moveTo(2)}B${CLEAR_LINE_END}`,
      `${moveTo(3)}${CLEAR_LINE_END}`,
    ]);
    output.emit('resize');
    output.written.length = 0;
    terminal.draw(['a', 'B']);
    expect(output.written).toEqual([`${moveTo(1)}a${CLEAR_LINE_END}${moveTo(2)}B${CLEAR_LINE_END}`]);
  });
});

/**
 * The full-screen live table: redraws at most `maxFps` times a second, and only when the model
 * changed (its version moved) or the terminal was resized. Keys: `q` or Ctrl-C quit, `s` cycles
 * the sort order.
 */
import type { WatchDisplay } from './display.ts';
import { SORT_FIELDS, type WatchModel } from '../display/live-model.ts';
import { renderTable, type TableOptions } from '../display/table.ts';
import type { Terminal } from './terminal.ts';

/** How to draw (colours, columns, clocks); the size comes from the terminal. */
export type ScreenLook = Omit<TableOptions, 'columns' | 'rows'>;

export interface ScreenOptions {
  model: WatchModel;
  terminal: Terminal;
  look: ScreenLook;
  maxFps?: number;
  now?: () => number;
}

const QUIT_KEYS = new Set(['q', 'Q', '\u0003', '\u0004']);

export function createScreenDisplay(options: ScreenOptions): WatchDisplay {
  const { model, terminal } = options;
  const now = options.now ?? Date.now;
  const minFrameMs = 1000 / (options.maxFps ?? 10);
  let drawnVersion = -1;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let resolveQuit: () => void = () => {};
  const quit = new Promise<void>((resolve) => (resolveQuit = resolve));

  const draw = () => {
    timer = undefined;
    lastDraw = now();
    drawnVersion = model.version;
    terminal.draw(renderTable(model, { ...options.look, columns: terminal.columns(), rows: terminal.rows() }));
  };

  const schedule = () => {
    if (timer !== undefined || model.version === drawnVersion) return;
    timer = setTimeout(draw, Math.max(0, lastDraw + minFrameMs - now()));
  };

  terminal.onKey((key) => {
    if ([...key].some((char) => QUIT_KEYS.has(char))) {
      resolveQuit();
    } else if (key === 's' || key === 'S') {
      const options = model.options;
      options.sort = SORT_FIELDS[(SORT_FIELDS.indexOf(options.sort) + 1) % SORT_FIELDS.length]!;
      model.version += 1;
      schedule();
    }
  });
  terminal.onResize(() => {
    drawnVersion = -1;
    schedule();
  });

  return {
    start() {
      terminal.enter();
      draw();
    },
    tick() {},
    output() {},
    refresh: schedule,
    finish: schedule,
    quit,
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      // One last frame, so what the user saw last is the final state.
      if (model.version !== drawnVersion) draw();
      terminal.leave();
    },
  };
}

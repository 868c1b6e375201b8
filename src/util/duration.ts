const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** True for strings like `500ms`, `2s`, `1m`, `4h`, `30d`. */
export function isDuration(text: string): boolean {
  return DURATION.test(text.trim());
}

/** Parses `500ms`, `2s`, `1m`, `1h`, `30d`, `1w` into milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration — use a number and a unit, like 500ms, 2s, 1m, 4h or 30d`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/**
 * A duration as it was written (`text`, like `15m`) and in milliseconds (`ms`). The config parses
 * each of its durations into one of these once, when it is loaded, so the code reads `.ms` and
 * messages and the printed config keep the user's own words.
 */
export class Duration {
  readonly text: string;
  readonly ms: number;

  constructor(text: string, ms: number) {
    this.text = text;
    this.ms = ms;
  }

  /** Throws on anything `isDuration` refuses. */
  static parse(text: string): Duration {
    return new Duration(text, parseDuration(text));
  }

  /** JSON and YAML (the printed config, --json) show it as written. */
  toJSON(): string {
    return this.text;
  }

  toString(): string {
    return this.text;
  }
}

/** The shortest exact form: 60000 → `1m`, 90000 → `90s`. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

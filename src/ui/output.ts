/** Data goes to stdout: one JSON object per line with --json, readable text otherwise. */
export interface Output {
  readonly json: boolean;
  /** Writes a record: as one NDJSON line with --json, else through `human` (or nothing if it returns undefined). */
  record(value: unknown, human?: (value: unknown) => string | undefined): void;
  line(text: string): void;
}

export function createOutput(json: boolean, stream: NodeJS.WritableStream = process.stdout): Output {
  return {
    json,
    record(value, human) {
      if (json) {
        stream.write(JSON.stringify(value) + '\n');
        return;
      }
      const text = human ? human(value) : JSON.stringify(value, null, 2);
      if (text !== undefined) stream.write(text + '\n');
    },
    line(text) {
      stream.write(text + '\n');
    },
  };
}

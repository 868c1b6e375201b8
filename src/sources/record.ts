/**
 * `--record <file>`: appends every published tick, as the exact JSON of its Kafka message, one per
 * line, so `--source replay --file <file>` later publishes the very same messages.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { UsageError, errorMessage } from '../errors.ts';

export interface Recorder {
  readonly path: string;
  write(lines: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function openRecorder(path: string): Promise<Recorder> {
  const stream: WriteStream = createWriteStream(path, { flags: 'a', encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= error;
  });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new UsageError(
      `--record: cannot write ${path} (${errorMessage(error)})`,
      'pass a file in a directory that exists and is writable',
    );
  }
  const check = () => {
    if (failure)
      throw new UsageError(
        `--record: writing ${path} failed (${errorMessage(failure)})`,
        'check free disk space and permissions',
      );
  };
  return {
    path,
    async write(lines) {
      check();
      if (lines.length === 0) return;
      // Waiting for 'drain' passes a slow disk's backpressure on to the source.
      if (!stream.write(lines.join('\n') + '\n')) await once(stream, 'drain');
      check();
    },
    async close() {
      await new Promise<void>((resolve) => stream.end(resolve));
      check();
    },
  };
}

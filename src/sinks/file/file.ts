/**
 * The `file` sink: every output as one NDJSON line (`{"kind":"bar",...}`) appended to
 * `sinks.file.path` (`--file`), for debugging and golden tests. A file is a log, not a table: after
 * a crash an output may be appended again, so readers keep the last line per key.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { ConfigError, errorMessage } from '../../errors.ts';
import { outputRecord } from '../../display/records.ts';
import type { Sink, SinkModule } from '../types.ts';

export async function createFileSink(config: Config): Promise<Sink> {
  const path = config.sinks.file.path;
  let handle: FileHandle;
  try {
    handle = await open(path, 'a');
  } catch (error) {
    throw new ConfigError(
      `file sink: cannot open ${path} (${errorMessage(error)})`,
      `check that ${dirname(path)} exists and is writable, or pass another --file`,
    );
  }
  const writeTicks = config.sinks.writeTicks;
  return {
    name: 'file',
    accepts: (output) => output.kind !== 'tick' || writeTicks,
    async write(batch) {
      let text = '';
      for (const output of batch) text += JSON.stringify(outputRecord(output)) + '\n';
      // Written to the OS, which keeps it across a crash of this process.
      await handle.write(text);
    },
    close: () => handle.close(),
  };
}

export const fileSink: SinkModule = {
  create: (config) => createFileSink(config),
};

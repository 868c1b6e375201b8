/**
 * How the process ends with respect to its stdout and stderr: everything written reaches the
 * reader before exit, and a reader that goes away (`| head`) ends the process quietly.
 */
import { ExitCode } from '../errors.ts';

const STREAMS = [process.stdout, process.stderr];

/**
 * A closed pipe (EPIPE: the reader exited, as `head` does) means nobody wants more output: end at
 * once with 0, like Unix tools, instead of Node's unhandled-error stack trace.
 */
export function endQuietlyOnBrokenPipe(): void {
  for (const stream of STREAMS) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(ExitCode.ok);
      throw error;
    });
  }
}

/**
 * Resolves once everything written to stdout and stderr has been handed to the OS. A pipe whose
 * reader is slower than us queues writes in memory; `process.exit` would drop that queue.
 */
export async function flushStdio(): Promise<void> {
  await Promise.all(
    STREAMS.map(
      (stream) =>
        new Promise<void>((resolve) => {
          if (stream.writableLength === 0 || stream.destroyed) resolve();
          // A write's callback runs after every earlier write was flushed (or failed).
          else stream.write('', () => resolve());
        }),
    ),
  );
}

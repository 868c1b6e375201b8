/**
 * One websocket connection to the streamer as an async stream of text frames. Frames queue while
 * the consumer is busy publishing; past a high-water mark the socket is paused, so TCP pushes back
 * on Yahoo instead of memory growing.
 */

export interface StreamConnection {
  /** Text frames, as many as arrived since the last batch (at least one), until the socket closes. */
  batches(): AsyncGenerator<string[]>;
  send(text: string): void;
  close(): void;
}

const HIGH_WATER = 10_000;
const LOW_WATER = 1_000;

/** Resolves once the socket is open; rejects when it cannot connect. */
export async function connectStream(
  url: string,
  options: { handshakeTimeoutMs?: number } = {},
): Promise<StreamConnection> {
  // Loaded on first use: `watch` and `produce` with other sources never pay for it at start-up.
  const { default: WebSocket } = await import('ws');
  // Yahoo's streamer expects a browser-like origin.
  const socket = new WebSocket(url, {
    headers: { origin: 'https://finance.yahoo.com' },
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
  });
  const queue: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  socket.on('message', (data, isBinary) => {
    queue.push(isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString());
    if (queue.length >= HIGH_WATER && !socket.isPaused) socket.pause();
    notify();
  });
  socket.on('close', () => {
    closed = true;
    notify();
  });

  const connection: StreamConnection = {
    async *batches() {
      for (;;) {
        if (queue.length > 0) {
          const batch = queue.splice(0, LOW_WATER);
          if (socket.isPaused && queue.length <= LOW_WATER) socket.resume();
          yield batch;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    send: (text) => socket.send(text),
    close: () => socket.terminate(),
  };

  return new Promise((resolve, reject) => {
    const failed = (error: Error) => {
      socket.off('open', opened);
      closed = true;
      reject(error);
    };
    const opened = () => {
      socket.off('error', failed);
      // Errors after the handshake end in 'close', which ends batches(); keep them from being unhandled.
      socket.on('error', () => {});
      resolve(connection);
    };
    socket.once('open', opened);
    socket.once('error', failed);
  });
}

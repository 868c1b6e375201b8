/**
 * kafkajs 2.2.4 schedules its request queue's pending-request check with `throttledUntil - now`
 * even when nothing is throttled (`throttledUntil` is -1 until a broker throttles us), so almost
 * every request sets a timer of about minus the epoch. Node clamps such a delay to 1 ms, and since
 * Node 24 it also prints `TimeoutNegativeWarning` for it (kafkajs issue #1751, unreleased fixes
 * #1755/#1756). This replaces that one method with the same logic and the delay clamped the way
 * Node clamps it, so timing is unchanged and nothing is printed. It is applied only to the
 * version it was written against: another kafkajs keeps its own method (and
 * test/kafka/negative-timeouts.test.ts says so).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PATCHED_VERSION = '2.2.4';
/** kafkajs' own CHECK_PENDING_REQUESTS_INTERVAL (src/network/requestQueue/index.js). */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

let applied: boolean | undefined;

/** Whether the fix is in place (false when kafkajs is not the version it was written for). */
export function avoidNegativeTimeouts(): boolean {
  if (applied !== undefined) return applied;
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_VERSION) return (applied = false);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: RequestQueueInternals;
  };
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    let scheduleAt = this.throttledUntil - Date.now();
    if (!this.throttleCheckTimeoutId) {
      if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL;
      this.throttleCheckTimeoutId = setTimeout(
        () => {
          this.throttleCheckTimeoutId = null;
          this.checkPendingRequests();
        },
        Math.max(1, scheduleAt),
      );
    }
  };
  return (applied = true);
}

/**
 * Fencing a zombie: a consumer frozen (SIGSTOP, a VM pause, a long GC) or cut off from the broker
 * for longer than the group's session timeout may have been replaced by another member, which
 * already stored complete results. When it wakes up, nothing it holds may be written — not a bar,
 * not a dead letter, not a state record — until the group confirmed it is still a member (a
 * heartbeat answered, or a new assignment after rejoining; assigned-partitions.ts then decides per
 * partition whether its in-memory state is still good).
 *
 * The test is on the wall clock at the moment of writing, so it holds even when the first thing
 * the process does after waking is flush a sink buffer, before any timer fired.
 */

/** The session timeout the engine gives its consumer (kafkajs' default, stated so both agree). */
export const SESSION_TIMEOUT_MS = 30_000;
/**
 * No confirmation for this long counts as "membership may have lapsed". Half the session timeout:
 * the coordinator counts from when it received our last heartbeat, we only know when its answer
 * arrived, and closing too early costs only the wait for the next heartbeat (3 s).
 */
export const LAPSE_MS = SESSION_TIMEOUT_MS / 2;

export interface MembershipGate {
  /** The group confirmed our membership (heartbeat answered, group joined). */
  confirm(nowMs: number): void;
  /** Whether writes must wait for a confirmation; the first time in a lapse, `onLapse` says so. */
  lapsed(nowMs: number): boolean;
  /** Resolves at once while membership holds, else once the group confirmed it; rejects if the run's signal aborts first. */
  ready(): Promise<void>;
}

export interface GateOptions {
  /** Aborted when the run gives up on writing (failure, or a stop that ran out of time). */
  signal: AbortSignal;
  /** Membership looks lapsed: said once per lapse. */
  onLapse?(silentMs: number): void;
  now?(): number;
}

export function createMembershipGate({ signal, onLapse = () => {}, now = Date.now }: GateOptions): MembershipGate {
  /** Undefined until the first join: the engine joins the group before anything can be written. */
  let confirmedMs: number | undefined;
  let waiting: Array<() => void> = [];
  let reported = false;

  const lapsed = (nowMs: number) => {
    if (confirmedMs === undefined || nowMs - confirmedMs <= LAPSE_MS) return false;
    if (!reported) {
      reported = true;
      onLapse(nowMs - confirmedMs);
    }
    return true;
  };

  return {
    confirm(nowMs) {
      confirmedMs = nowMs;
      reported = false;
      const resume = waiting;
      waiting = [];
      for (const wake of resume) wake();
    },
    lapsed,
    ready() {
      const nowMs = now();
      if (!lapsed(nowMs)) return Promise.resolve();
      if (signal.aborted) return Promise.reject(notConfirmed());
      return new Promise<void>((resolve, reject) => {
        const abort = () => reject(notConfirmed());
        waiting.push(() => {
          signal.removeEventListener('abort', abort);
          resolve();
        });
        signal.addEventListener('abort', abort, { once: true });
      });
    },
  };
}

function notConfirmed(): Error {
  return new Error('the consumer group did not confirm this consumer still owns its partitions; nothing was written');
}

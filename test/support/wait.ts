/** The one way tests wait for a condition: poll it, never sleep a fixed time. */

/** What a check returns while the condition does not hold yet. */
type NotYet = undefined | false;

/**
 * Polls `check` until it returns a value other than `undefined` or `false` and resolves with that
 * value; fails after `timeoutMs` with `what` and, when given, what `explain` says about the state at
 * that moment. A check that throws ends the wait at once (e.g. the process it watches died).
 */
export async function waitFor<T>(
  check: () => T | NotYet | Promise<T | NotYet>,
  what: string,
  timeoutMs = 45_000,
  explain?: () => string | Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${explain ? `\n${await explain()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

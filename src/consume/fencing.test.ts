import { describe, expect, it } from 'vitest';
import { createMembershipGate, LAPSE_MS } from './fencing.ts';

function gateAt(clock: { now: number }) {
  const lapses: number[] = [];
  const abort = new AbortController();
  const gate = createMembershipGate({
    signal: abort.signal,
    onLapse: (silentMs) => lapses.push(silentMs),
    now: () => clock.now,
  });
  return { gate, lapses, abort };
}

/** Whether `promise` settled by the time pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  let state: 'resolved' | 'rejected' | 'pending' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return state;
}

describe('membership gate', () => {
  it('lets writes through while the group answers', async () => {
    const clock = { now: 0 };
    const { gate, lapses } = gateAt(clock);
    expect(await settled(gate.ready()), 'before the first join').toBe('resolved');
    gate.confirm(1_000);
    clock.now = 1_000 + LAPSE_MS;
    expect(await settled(gate.ready())).toBe('resolved');
    expect(lapses).toEqual([]);
  });

  it('holds every write after a silence past the lapse until the group confirms us again', async () => {
    const clock = { now: 0 };
    const { gate, lapses } = gateAt(clock);
    gate.confirm(0);
    clock.now = 40_000; // woke up from a 40 s freeze: the first thing it tries is a write
    const first = gate.ready();
    const second = gate.ready();
    expect(await settled(first)).toBe('pending');
    expect(await settled(second)).toBe('pending');
    expect(lapses, 'said once').toEqual([40_000]);
    gate.confirm(40_500);
    expect(await settled(first)).toBe('resolved');
    expect(await settled(second)).toBe('resolved');
    expect(await settled(gate.ready())).toBe('resolved');
  });

  it('gives up the held writes when the run stops writing', async () => {
    const clock = { now: 0 };
    const { gate, abort } = gateAt(clock);
    gate.confirm(0);
    clock.now = LAPSE_MS + 1;
    const held = gate.ready();
    abort.abort();
    expect(await settled(held)).toBe('rejected');
    expect(await settled(gate.ready())).toBe('rejected');
  });
});

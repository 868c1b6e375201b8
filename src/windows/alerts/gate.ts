/**
 * Whether a triggered rule may fire: hysteresis (after it fired, a rule re-arms only once its
 * condition has cleared, so a condition that holds for ten bars fires once) and a cooldown in
 * event time per rule and symbol.
 */
export interface GateState {
  armed: boolean;
  /** Event time of the last alert; null before the first. */
  lastFired: number | null;
}

export function createGate(): GateState {
  return { armed: true, lastFired: null };
}

export function passGate(gate: GateState, triggered: boolean, time: number, cooldownMs: number): boolean {
  if (!triggered) {
    gate.armed = true;
    return false;
  }
  if (!gate.armed) return false;
  gate.armed = false;
  // An episode that starts inside the cooldown is swallowed whole, not reported when the cooldown
  // ends while it still holds (it would be old news by then).
  if (gate.lastFired !== null && time - gate.lastFired < cooldownMs) return false;
  gate.lastFired = time;
  return true;
}

export function reviveGate(saved: unknown): GateState {
  const old = saved as Partial<GateState> | undefined;
  if (typeof old?.armed !== 'boolean') return createGate();
  return { armed: old.armed, lastFired: typeof old.lastFired === 'number' ? old.lastFired : null };
}

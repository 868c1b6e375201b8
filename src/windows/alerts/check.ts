/**
 * What every alert rule type provides: a measurement of one closed bar against the rule, with
 * whatever history it needs kept as plain JSON.
 */
import type { Bar } from '../../model.ts';

export interface Measurement {
  triggered: boolean;
  /** The measured value and the threshold it is compared with (see Alert). */
  value: number;
  threshold: number;
  /** Human text; only read when the alert fires. */
  message: string;
}

export interface RuleCheck<S> {
  createState(): S;
  /** The saved history when it fits this rule's parameters, else a fresh one. */
  reviveState(saved: unknown): S;
  /** Undefined while the rule lacks the bars to judge (the rule neither fires nor re-arms). */
  measure(state: S, bar: Bar): Measurement | undefined;
}

export function formatPrice(price: number): string {
  return price >= 1 ? price.toFixed(2) : price.toPrecision(3);
}

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/**
 * Alert rules from `windows.alerts.rules`, evaluated on closed bars of their interval, per symbol,
 * each through a gate with hysteresis and a cooldown.
 */
import type { AlertRule } from '../../config/alert-rules.ts';
import type { Alert, Bar, WindowOutput } from '../../model.ts';
import { savedEntries } from '../saved.ts';
import { intervalOfRule } from '../settings.ts';
import type { BarOperator, BarOperatorModule, OperatorEnv } from '../types.ts';
import type { RuleCheck } from './check.ts';
import { createGate, passGate, reviveGate, type GateState } from './gate.ts';
import { maCrossoverCheck } from './ma-crossover.ts';
import { priceChangeCheck } from './price-change.ts';
import { volatilityCheck } from './volatility.ts';
import { volumeSpikeCheck } from './volume-spike.ts';

interface CompiledRule {
  rule: AlertRule;
  cooldownMs: number;
  /** Null when the rule watches every symbol. */
  symbols: Set<string> | null;
  check: RuleCheck<unknown>;
}

export interface RuleState {
  type: AlertRule['type'];
  gate: GateState;
  history: unknown;
}

export interface AlertsState {
  symbol: string;
  /** By rule name. */
  rules: Record<string, RuleState>;
}

function checkOf(rule: AlertRule): RuleCheck<unknown> {
  switch (rule.type) {
    case 'price-change':
      return priceChangeCheck(rule);
    case 'volume-spike':
      return volumeSpikeCheck(rule);
    case 'volatility':
      return volatilityCheck(rule);
    case 'ma-crossover':
      return maCrossoverCheck(rule);
  }
}

export function createAlertsOperator(rules: AlertRule[], env: OperatorEnv): BarOperator<AlertsState> {
  /** Rules by the label of the bar interval they watch. */
  const byInterval = new Map<string, CompiledRule[]>();
  const byName = new Map<string, CompiledRule>();
  for (const rule of rules) {
    const interval = intervalOfRule(rule, env.settings.intervals);
    if (!interval) continue; // parseWindowSettings already refused the config
    const compiled: CompiledRule = {
      rule,
      cooldownMs: rule.cooldown.ms,
      symbols: rule.symbols ? new Set(rule.symbols) : null,
      check: checkOf(rule),
    };
    byName.set(rule.name, compiled);
    const list = byInterval.get(interval.label) ?? [];
    list.push(compiled);
    byInterval.set(interval.label, list);
  }

  function fire(compiled: CompiledRule, bar: Bar, value: number, threshold: number, message: string): Alert {
    const { rule } = compiled;
    return {
      symbol: bar.symbol,
      rule: rule.name,
      type: rule.type,
      severity: rule.severity,
      interval: bar.interval,
      time: bar.start,
      message,
      value,
      threshold,
    };
  }

  return {
    name: 'alerts',
    createState: (symbol) => ({ symbol, rules: {} }),

    reviveState(symbol, saved) {
      const state: AlertsState = { symbol, rules: {} };
      for (const [name, ruleState] of savedEntries(saved, 'rules')) {
        const compiled = byName.get(name);
        if (!compiled || ruleState.type !== compiled.rule.type) continue;
        state.rules[name] = {
          type: compiled.rule.type,
          gate: reviveGate(ruleState.gate),
          history: compiled.check.reviveState(ruleState.history),
        };
      }
      return state;
    },

    onBar(state, bar, out: WindowOutput[]) {
      const compiledRules = byInterval.get(bar.interval);
      if (!compiledRules) return;
      for (const compiled of compiledRules) {
        if (compiled.symbols && !compiled.symbols.has(bar.symbol)) continue;
        const name = compiled.rule.name;
        const ruleState = (state.rules[name] ??= {
          type: compiled.rule.type,
          gate: createGate(),
          history: compiled.check.createState(),
        });
        const measured = compiled.check.measure(ruleState.history, bar);
        if (!measured || !passGate(ruleState.gate, measured.triggered, bar.start, compiled.cooldownMs)) continue;
        out.push({ kind: 'alert', alert: fire(compiled, bar, measured.value, measured.threshold, measured.message) });
      }
    },
  };
}

export const alertsModule: BarOperatorModule = {
  name: 'alerts',
  stage: 'bars',
  description:
    'Alert rules on closed bars: price change, volume spike, volatility and moving-average crossover, with cooldown and hysteresis.',
  example:
    "windows: { alerts: { rules: [{ name: 'drop-2pct-5m', type: 'price-change', window: '5m', thresholdPct: 2, direction: 'down', severity: 'warning', cooldown: '15m' }] } }",
  create: (windows, env) =>
    windows.alerts.rules.length > 0 ? createAlertsOperator(windows.alerts.rules, env) : undefined,
};

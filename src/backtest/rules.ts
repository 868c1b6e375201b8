/** `backtest --rules <file>`: alert rules to try that are not in the config yet (YAML or JSON, a list). */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ALERT_TYPES, alertRuleSchema, type AlertRule } from '../config/alert-rules.ts';
import { UsageError, errorMessage } from '../errors.ts';

export async function readRules(path: string): Promise<AlertRule[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--rules: cannot read ${path} (${errorMessage(error)})`,
      'pass a YAML or JSON file with a list of alert rules',
    );
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new UsageError(
      `--rules: ${path} is not YAML or JSON (${errorMessage(error)})`,
      'write a list of rules like windows.alerts.rules in the config',
    );
  }
  const parsed = z.array(alertRuleSchema).min(1).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      `--rules: ${path} at ${issue.path.join('.') || 'the top'}: ${issue.message}`,
      `each rule needs a name and a type (${ALERT_TYPES.join(', ')}) with its options`,
    );
  }
  return parsed.data;
}

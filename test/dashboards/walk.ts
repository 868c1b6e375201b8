// Reads the generated dashboard files the way Grafana does, and lists every query in them:
// panel targets, annotation targets and query variables.
import type { Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Config } from '../../src/config/schema.ts';
import { renderGrafanaFiles } from '../../src/dashboards/generate.ts';

export interface DashboardQuery {
  dashboard: string;
  /** Panel title, `annotation:<name>` or `variable:<name>`. */
  where: string;
  datasourceUid: string;
  text: string;
}

interface Target {
  refId?: string;
  datasource?: { uid?: string };
  query?: string;
  rawSql?: string;
}

export function generatedDashboards(config: Config): Dashboard[] {
  return renderGrafanaFiles(config)
    .filter((file) => file.path.startsWith('dashboards/'))
    .map((file) => JSON.parse(file.content) as Dashboard);
}

export function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []) as Panel[];
}

export function variablesOf(dashboard: Dashboard): VariableModel[] {
  return dashboard.templating?.list ?? [];
}

function textOf(target: Target): string {
  const text = target.query ?? target.rawSql;
  if (typeof text !== 'string') throw new Error(`target ${target.refId} has no query text`);
  return text;
}

export function queriesOf(dashboard: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const add = (where: string, datasourceUid: string | undefined, text: string) =>
    out.push({ dashboard: dashboard.uid!, where, datasourceUid: datasourceUid ?? '(none)', text });
  for (const panel of panelsOf(dashboard)) {
    for (const target of (panel.targets ?? []) as Target[])
      add(panel.title ?? '(untitled)', target.datasource?.uid ?? panel.datasource?.uid, textOf(target));
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    const target = annotation.target as Target | undefined;
    if (target)
      add(`annotation:${annotation.name}`, target.datasource?.uid ?? annotation.datasource.uid, textOf(target));
  }
  for (const variable of variablesOf(dashboard)) {
    if (variable.type === 'query') add(`variable:${variable.name}`, variable.datasource?.uid, String(variable.query));
  }
  return out;
}

/** Names of dashboard variables a query uses: `$name`, `${name}`, `${name:format}` (not Grafana's `__` built-ins). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)) {
    const name = match[1] ?? match[2]!;
    if (!name.startsWith('__')) names.add(name);
  }
  return [...names];
}

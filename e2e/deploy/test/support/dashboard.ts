import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { repoRoot } from './apps.js';

const datasource = z.object({ type: z.string(), uid: z.string() });

/** The part of a Grafana dashboard's JSON model these tests read. */
const dashboardSchema = z.looseObject({
  uid: z.string(),
  title: z.string(),
  panels: z.array(z.looseObject({ type: z.string(), title: z.string() })),
});

/** A panel that draws: where it queries, and what. */
const panelSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  datasource,
  targets: z.array(z.looseObject({ datasource, expr: z.string() })),
});

const dashboardFile = resolve(repoRoot, 'infra/observability/grafana/dashboards/capstone.json');

/** The panels of the provisioned dashboard that draw something (rows are only headings). */
export function dashboardPanels(): z.infer<typeof panelSchema>[] {
  return dashboardSchema
    .parse(JSON.parse(readFileSync(dashboardFile, 'utf8')))
    .panels.filter((panel) => panel.type !== 'row')
    .map((panel) => panelSchema.parse(panel));
}

/** Every PromQL expression of the provisioned dashboard. */
export function dashboardExpressions(): string[] {
  return dashboardPanels().flatMap((panel) => panel.targets.map((target) => target.expr));
}

/** The metric names an expression selects: every name followed by a `{…}` matcher. */
export function metricNames(expression: string): string[] {
  return [...expression.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1] ?? '');
}

/** Counting a plan's changes per action and resource type, as one line or a plain-text table. */
import { actionOf, managedChanges, type ChangeAction, type PlanJson } from './model';

/** The actions a summary counts. */
export type CountedAction = Exclude<ChangeAction, 'read'>;

/** Counts of planned actions, overall and per resource type. */
export interface PlanSummary {
  actions: Record<CountedAction, number>;
  byType: Record<string, Record<CountedAction, number>>;
}

const emptyCounts = (): Record<CountedAction, number> => ({ create: 0, update: 0, replace: 0, delete: 0, 'no-op': 0, forget: 0 });

/** Counts the managed-resource changes of a JSON plan per action and per resource type; data sources are ignored. */
export function summarizePlan(planJson: PlanJson): PlanSummary {
  const summary: PlanSummary = { actions: emptyCounts(), byType: {} };
  for (const change of managedChanges(planJson)) {
    const action = actionOf(change.change.actions);
    if (action === 'read') continue;
    summary.actions[action] += 1;
    summary.byType[change.type] ??= emptyCounts();
    summary.byType[change.type][action] += 1;
  }
  return summary;
}

/** Table columns: action and how Terraform words it ("2 to add"). */
const COLUMNS: Array<[CountedAction, string]> = [
  ['create', 'add'],
  ['update', 'change'],
  ['replace', 'replace'],
  ['delete', 'destroy'],
];

/** One line such as "42 to add, 1 to change", or "no changes". */
export function describeChanges(summary: PlanSummary): string {
  const parts = COLUMNS.filter(([action]) => summary.actions[action] > 0).map(([action, label]) => `${summary.actions[action]} to ${label}`);
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

/**
 * A plain-text table of one stack's plan: a headline, then add / change /
 * replace / destroy counts for every resource type that changes, and totals.
 */
export function formatSummary(stackName: string, summary: PlanSummary): string {
  const unchanged = summary.actions['no-op'];
  const headline = `${stackName}: ${describeChanges(summary)}${unchanged > 0 ? `, ${unchanged} unchanged` : ''}`;
  const counts = (actions: Record<CountedAction, number>) => COLUMNS.map(([action]) => String(actions[action]));
  const rows = Object.keys(summary.byType)
    .sort()
    .filter((type) => COLUMNS.some(([action]) => summary.byType[type][action] > 0))
    .map((type) => [type, ...counts(summary.byType[type])]);
  if (rows.length === 0) return headline;
  const table = [['resource type', ...COLUMNS.map(([, label]) => label)], ...rows, ['total', ...counts(summary.actions)]];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [headline, ...table.map((row) => `  ${line(row)}`)].join('\n');
}

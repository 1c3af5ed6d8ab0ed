/** Dashboard: a CloudWatch dashboard laid out from a list of widgets. */
import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { validateProps } from '../core/props';
import { DASHBOARD_DEFAULTS } from './defaults';
import type { MetricAlarm } from './alarm';

/** A metric line of a metric widget. */
export interface DashboardMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** @default none */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** @default the widget's stat */
  readonly stat?: string;
  /** @default CloudWatch's label (metric name and dimensions) */
  readonly label?: string;
  /** Id to use the metric in expressions (lower-case letter first). @default none */
  readonly id?: string;
  /** False hides an input of an expression. @default true */
  readonly visible?: boolean;
}

/** A metric-math line of a metric widget. */
export interface DashboardExpression {
  /** Expression over metric ids of the same widget. */
  readonly expression: string;
  readonly label: string;
  /** Id of the result (lower-case letter first). */
  readonly id: string;
}

export interface MetricWidgetSpec {
  readonly type: 'metric';
  readonly title: string;
  readonly metrics: readonly (DashboardMetric | DashboardExpression)[];
  /** Region of the metrics. @default the dashboard's region */
  readonly region?: string;
  /** @default 'Average' */
  readonly stat?: string;
  /** @default 300 */
  readonly periodSeconds?: number;
  /** @default 'timeSeries' */
  readonly view?: 'timeSeries' | 'singleValue' | 'bar';
  /** @default false */
  readonly stacked?: boolean;
  /** Grid columns (1-24). @default 12 */
  readonly width?: number;
  /** Grid rows. @default 6 */
  readonly height?: number;
}

export interface TextWidgetSpec {
  readonly type: 'text';
  /** Markdown shown in the widget. */
  readonly markdown: string;
  /** @default 24 */
  readonly width?: number;
  /** @default 2 */
  readonly height?: number;
}

export interface AlarmStatusWidgetSpec {
  readonly type: 'alarm';
  readonly title: string;
  readonly alarms: readonly MetricAlarm[];
  /** @default 24 */
  readonly width?: number;
  /** @default 1 + one row per 4 alarms */
  readonly height?: number;
}

export interface AlarmGraphWidgetSpec {
  readonly type: 'alarmGraph';
  /** The alarm whose metric and threshold are drawn. */
  readonly alarm: MetricAlarm;
  /** @default the alarm name */
  readonly title?: string;
  /** Region of the alarm. @default the dashboard's region */
  readonly region?: string;
  /** @default 8 */
  readonly width?: number;
  /** @default 6 */
  readonly height?: number;
}

export type WidgetSpec = MetricWidgetSpec | TextWidgetSpec | AlarmStatusWidgetSpec | AlarmGraphWidgetSpec;

export interface DashboardProps {
  /** Dashboard name (1-255 characters of [A-Za-z0-9_-]). */
  readonly namePrefix: string;
  /** Default region of metric and alarm widgets, e.g. "eu-west-1". */
  readonly region: string;
  /**
   * Widgets, in order; more can be added with addWidget / addAlarmWidgets.
   * @default none
   */
  readonly widgets?: readonly WidgetSpec[];
}

/**
 * A CloudWatch dashboard named `<namePrefix>`. Widgets are laid out in the
 * order added, left to right in rows of 24 columns (a widget that does not
 * fit starts a new row below the tallest widget of the row), so the body is
 * a pure function of the widget list.
 */
export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly region: string;
  private readonly name: string;
  private readonly widgets: WidgetSpec[] = [];

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    validateProps('Dashboard', props, [
      { field: 'namePrefix', valid: (x) => /^[A-Za-z0-9_-]{1,255}$/.test(x.namePrefix), expected: '1-255 characters of [A-Za-z0-9_-]' },
      { field: 'region', valid: (x) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(x.region), expected: 'an AWS region such as eu-west-1' },
    ]);
    this.region = props.region;
    this.name = props.namePrefix;
    (props.widgets ?? []).forEach((w) => this.addWidget(w));
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.namePrefix,
      dashboardBody: Lazy.stringValue({ produce: () => this.renderBody() }),
    });
  }

  get dashboardName(): string {
    return this.name;
  }

  /** Appends a widget. */
  addWidget(widget: WidgetSpec): void {
    validateProps('Dashboard.addWidget', widget, [
      { field: 'width', valid: (x) => x.width === undefined || (Number.isInteger(x.width) && x.width >= 1 && x.width <= DASHBOARD_DEFAULTS.gridColumns), expected: 'a whole number from 1 to 24' },
      { field: 'height', valid: (x) => x.height === undefined || (Number.isInteger(x.height) && x.height >= 1 && x.height <= 1000), expected: 'a whole number from 1 to 1000' },
      { field: 'metrics', valid: (x) => x.type !== 'metric' || x.metrics.length > 0, expected: 'at least one metric' },
      { field: 'alarms', valid: (x) => x.type !== 'alarm' || (x.alarms.length > 0 && x.alarms.length <= 100), expected: '1-100 alarms' },
    ]);
    this.widgets.push(widget);
  }

  /**
   * Adds an alarm-status widget for a set of alarms and, unless `graphs` is
   * false, one graph per alarm (its metric with the threshold line).
   */
  addAlarmWidgets(alarms: readonly MetricAlarm[], options: { readonly title?: string; readonly graphs?: boolean } = {}): void {
    const parents = [...new Set(alarms.map((a) => a.node.scope?.node.id ?? ''))];
    const title = options.title ?? (parents.length === 1 && parents[0] ? `Alarms: ${parents[0].replace(/_/g, '-')}` : 'Alarms');
    this.addWidget({ type: 'alarm', title, alarms });
    if (options.graphs ?? true) alarms.forEach((alarm) => this.addWidget({ type: 'alarmGraph', alarm }));
  }

  /** The dashboard body JSON (alarm ARNs as tokens); for tests and reviewers. */
  renderBody(): string {
    return JSON.stringify({ widgets: layout(this.widgets.map((w) => this.renderWidget(w))) });
  }

  private renderWidget(w: WidgetSpec): RenderedWidget {
    const d = DASHBOARD_DEFAULTS;
    switch (w.type) {
      case 'metric':
        return {
          type: 'metric',
          width: w.width ?? d.metricWidget.width,
          height: w.height ?? d.metricWidget.height,
          properties: {
            title: w.title,
            region: w.region ?? this.region,
            view: w.view ?? 'timeSeries',
            stacked: w.stacked ?? false,
            stat: w.stat ?? d.metricWidget.stat,
            period: w.periodSeconds ?? d.metricWidget.periodSeconds,
            metrics: w.metrics.map(renderMetricLine),
          },
        };
      case 'text':
        return { type: 'text', width: w.width ?? d.textWidget.width, height: w.height ?? d.textWidget.height, properties: { markdown: w.markdown } };
      case 'alarm':
        return {
          type: 'alarm',
          width: w.width ?? d.alarmStatusWidget.width,
          height: w.height ?? 1 + Math.ceil(w.alarms.length / d.alarmStatusWidget.alarmsPerRow),
          properties: { title: w.title, alarms: w.alarms.map((a) => a.alarmArn) },
        };
      case 'alarmGraph':
        return {
          type: 'metric',
          width: w.width ?? d.alarmGraphWidget.width,
          height: w.height ?? d.alarmGraphWidget.height,
          properties: { title: w.title ?? w.alarm.alarmName, region: w.region ?? this.region, view: 'timeSeries', stacked: false, annotations: { alarms: [w.alarm.alarmArn] } },
        };
    }
  }
}

function renderMetricLine(m: DashboardMetric | DashboardExpression): unknown[] {
  if ('expression' in m) return [{ expression: m.expression, label: m.label, id: m.id }];
  const options: Record<string, unknown> = {};
  if (m.stat !== undefined) options.stat = m.stat;
  if (m.label !== undefined) options.label = m.label;
  if (m.id !== undefined) options.id = m.id;
  if (m.visible !== undefined) options.visible = m.visible;
  const dims = Object.entries(m.dimensions ?? {}).flat();
  return [m.namespace, m.metricName, ...dims, ...(Object.keys(options).length ? [options] : [])];
}

interface RenderedWidget {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** Places widgets left to right in rows of 24 columns; a widget that does not fit starts a new row. */
function layout(widgets: readonly RenderedWidget[]): Record<string, unknown>[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return widgets.map((w) => {
    if (x + w.width > DASHBOARD_DEFAULTS.gridColumns) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const placed = { type: w.type, x, y, width: w.width, height: w.height, properties: w.properties };
    x += w.width;
    rowHeight = Math.max(rowHeight, w.height);
    return placed;
  });
}

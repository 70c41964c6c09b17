// Ecology (sosw EcologyManager): a labourer's health is the worst eco status over its health
// metrics, each read through a MetricReader (adapters/cloudwatch-metrics.ts) and mapped through its feelings. All metrics
// of one run are read in as few GetMetricData calls as possible (one per distinct look-back window),
// and a metric shared by several labourers is read once. No datapoints → the metric's
// no_data_status; a failed read → status 0 for the labourers that depend on it (hold back rather
// than flood a dependency we cannot see). A labourer without metrics is healthy (4).
import type { LabourerId } from '../../../shared/contracts/internal.js';
import type { EcoStatus, HealthMetric, MetricSpec, OrchestratorConfig } from '../../../shared/orchestrator/config.js';
import { healthOf } from '../../../shared/orchestrator/policy.js';

export interface MetricQuery {
  key: string;
  metric: MetricSpec;
  lookbackS: number;
}

/** Reads the datapoints of each query over its look-back window ending at nowS. */
export interface MetricReader {
  read(queries: readonly MetricQuery[], nowS: number): Promise<Map<string, number[]>>;
}

export interface MetricReading {
  name: string;
  /** Aggregated value over the window; null when there were no datapoints or the read failed. */
  value: number | null;
  status: EcoStatus;
  note?: 'no_data' | 'read_failed';
}

export interface LabourerHealth {
  status: EcoStatus;
  metrics: MetricReading[];
}

export function metricKey(metric: MetricSpec, lookbackS: number): string {
  const dims = Object.entries(metric.dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${metric.namespace}|${metric.metric_name}|${dims}|${metric.stat}|${metric.period_s}|${lookbackS}`;
}

/** One value from a window's datapoints, consistent with the statistic each datapoint carries. */
export function aggregate(values: readonly number[], stat: MetricSpec['stat']): number | null {
  if (values.length === 0) return null;
  switch (stat) {
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Sum':
    case 'SampleCount':
      return values.reduce((a, b) => a + b, 0);
  }
}

/** Health of every labourer in `ids` (all of them read in one batch of metric reads). */
export async function assessHealth(
  config: OrchestratorConfig,
  ids: readonly LabourerId[],
  reader: MetricReader,
  nowS: number,
): Promise<Map<LabourerId, LabourerHealth>> {
  const queries = new Map<string, MetricQuery>();
  for (const id of ids) {
    for (const metric of Object.values(config.labourers[id]?.health_metrics ?? {})) {
      const key = metricKey(metric.metric, metric.lookback_s);
      queries.set(key, { key, metric: metric.metric, lookbackS: metric.lookback_s });
    }
  }
  let values: Map<string, number[]> | undefined;
  let readError: unknown;
  if (queries.size > 0) {
    try {
      values = await reader.read([...queries.values()], nowS);
    } catch (error) {
      readError = error;
    }
  }
  const out = new Map<LabourerId, LabourerHealth>();
  for (const id of ids) {
    const metrics: MetricReading[] = [];
    let status: EcoStatus = 4;
    for (const [name, metric] of Object.entries(config.labourers[id]?.health_metrics ?? {})) {
      const reading = readingOf(name, metric, values, readError);
      metrics.push(reading);
      status = Math.min(status, reading.status) as EcoStatus;
    }
    out.set(id, { status, metrics });
  }
  return out;
}

function readingOf(name: string, metric: HealthMetric, values: Map<string, number[]> | undefined, readError: unknown): MetricReading {
  if (readError !== undefined || !values) return { name, value: null, status: 0, note: 'read_failed' };
  const value = aggregate(values.get(metricKey(metric.metric, metric.lookback_s)) ?? [], metric.metric.stat);
  if (value === null) return { name, value: null, status: metric.no_data_status, note: 'no_data' };
  return { name, value, status: healthOf(value, metric, name) };
}

// Ecology (sosw EcologyManager): a labourer's health is the worst eco status over its health
// metrics, each read from CloudWatch with GetMetricData and mapped through its feelings. All metrics
// of one run are read in as few GetMetricData calls as possible (one per distinct look-back window),
// and a metric shared by several labourers is read once. No datapoints → the metric's
// no_data_status; a failed read → status 0 for the labourers that depend on it (hold back rather
// than flood a dependency we cannot see). A labourer without metrics is healthy (4).
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { LabourerId } from '../contracts/internal.js';
import type { EcoStatus, HealthMetric, MetricSpec, OrchestratorConfig } from './config.js';
import { healthOf } from './policy.js';

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

/** GetMetricData accepts at most 500 queries per call. */
const MAX_QUERIES_PER_CALL = 500;

export class CloudWatchMetricReader implements MetricReader {
  constructor(private readonly cloudwatch: CloudWatchClient) {}

  async read(queries: readonly MetricQuery[], nowS: number): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    // One call per distinct look-back window (StartTime/EndTime are per call).
    const byWindow = new Map<number, MetricQuery[]>();
    for (const q of queries) byWindow.set(q.lookbackS, [...(byWindow.get(q.lookbackS) ?? []), q]);
    for (const [lookbackS, group] of byWindow) {
      for (let i = 0; i < group.length; i += MAX_QUERIES_PER_CALL) {
        const chunk = group.slice(i, i + MAX_QUERIES_PER_CALL);
        const ids = new Map(chunk.map((q, j) => [`m${j}`, q.key]));
        const dataQueries: MetricDataQuery[] = chunk.map((q, j) => ({
          Id: `m${j}`,
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: q.metric.namespace,
              MetricName: q.metric.metric_name,
              Dimensions: Object.entries(q.metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: q.metric.period_s,
            Stat: q.metric.stat,
          },
        }));
        let token: string | undefined;
        do {
          const page = await this.cloudwatch.send(
            new GetMetricDataCommand({
              StartTime: new Date((nowS - lookbackS) * 1000),
              EndTime: new Date(nowS * 1000),
              MetricDataQueries: dataQueries,
              NextToken: token,
            }),
          );
          for (const result of page.MetricDataResults ?? []) {
            const key = ids.get(result.Id ?? '');
            if (key !== undefined) out.set(key, [...(out.get(key) ?? []), ...(result.Values ?? [])]);
          }
          token = page.NextToken;
        } while (token);
      }
    }
    return out;
  }
}

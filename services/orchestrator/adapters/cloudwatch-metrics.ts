// The orchestrator's MetricReader on CloudWatch: every query of one run in as few GetMetricData calls
// as possible (one per distinct look-back window).
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricQuery, MetricReader } from '../core/ecology.js';

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

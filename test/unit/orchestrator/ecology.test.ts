// Ecology: labourer health from metrics (sosw §9.6.9, §9.6.10), no data, failed reads, GetMetricData.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { aggregate, assessHealth, metricKey, type MetricQuery, type MetricReader } from '../../../services/orchestrator/core/ecology.js';
import { CloudWatchMetricReader } from '../../../services/orchestrator/adapters/cloudwatch-metrics.js';
import { parseOrchestratorConfig } from '../../../shared/orchestrator/config.js';

const metric = (name: string, feelings: Record<string, number>, extra: Record<string, unknown> = {}) => ({
  metric: { namespace: 'Test', metric_name: name, dimensions: { Queue: name } },
  feelings,
  ...extra,
});

class FakeReader implements MetricReader {
  calls: MetricQuery[][] = [];
  constructor(
    private readonly values: Record<string, number[]>,
    private readonly fail = false,
  ) {}
  async read(queries: readonly MetricQuery[]): Promise<Map<string, number[]>> {
    this.calls.push([...queries]);
    if (this.fail) throw new Error('throttled');
    return new Map(queries.map((q) => [q.key, this.values[q.metric.metric_name] ?? []]));
  }
}

test('a labourer without metrics is healthy and no metric is read', async () => {
  const config = parseOrchestratorConfig({});
  const reader = new FakeReader({});
  const health = await assessHealth(config, ['log-syncer', 'migrator'], reader, 1000);
  assert.equal(health.get('log-syncer')?.status, 4);
  assert.equal(health.get('migrator')?.status, 4);
  assert.equal(reader.calls.length, 0);
});

test('status is the worst over metrics: healths 3, 2, 4 → 2, all read in one batch (sosw §9.6.9)', async () => {
  const config = parseOrchestratorConfig({
    labourers: {
      'log-syncer': {
        health_metrics: {
          a: metric('a', { 4: 10, 3: 20, 2: 30 }),
          b: metric('b', { 4: 10, 3: 20, 2: 30 }),
          c: metric('c', { 4: 10, 3: 20, 2: 30 }),
        },
      },
      // The same metric as "a" for another labourer is read once.
      migrator: { health_metrics: { same_as_a: metric('a', { 4: 100 }) } },
    },
  });
  const reader = new FakeReader({ a: [15], b: [25], c: [5] });
  const health = await assessHealth(config, ['log-syncer', 'migrator'], reader, 1000);
  assert.equal(health.get('log-syncer')?.status, 2);
  assert.deepEqual(
    health.get('log-syncer')?.metrics.map((m) => m.status),
    [3, 2, 4],
  );
  assert.equal(health.get('migrator')?.status, 4);
  assert.equal(reader.calls.length, 1);
  assert.equal(reader.calls[0]!.length, 3);
});

test("no datapoints is a defined outcome: the metric's no_data_status (default healthy)", async () => {
  const config = parseOrchestratorConfig({
    labourers: {
      'log-syncer': { health_metrics: { dlq: metric('dlq', { 4: 0, 3: 5 }) } },
      migrator: { health_metrics: { throttles: metric('throttles', { 4: 0 }, { no_data_status: 2 }) } },
    },
  });
  const health = await assessHealth(config, ['log-syncer', 'migrator'], new FakeReader({}), 1000);
  assert.deepEqual(health.get('log-syncer'), { status: 4, metrics: [{ name: 'dlq', value: null, status: 4, note: 'no_data' }] });
  assert.equal(health.get('migrator')?.status, 2);
});

test('a failed metric read holds back the labourers that depend on it, not the others', async () => {
  const config = parseOrchestratorConfig({ labourers: { 'log-syncer': { health_metrics: { dlq: metric('dlq', { 4: 0 }) } } } });
  const health = await assessHealth(config, ['log-syncer', 'migrator'], new FakeReader({}, true), 1000);
  assert.equal(health.get('log-syncer')?.status, 0);
  assert.equal(health.get('log-syncer')?.metrics[0]?.note, 'read_failed');
  assert.equal(health.get('migrator')?.status, 4);
});

test('aggregation follows the statistic', () => {
  assert.equal(aggregate([1, 2, 6], 'Average'), 3);
  assert.equal(aggregate([1, 2, 6], 'Maximum'), 6);
  assert.equal(aggregate([1, 2, 6], 'Minimum'), 1);
  assert.equal(aggregate([1, 2, 6], 'Sum'), 9);
  assert.equal(aggregate([], 'Average'), null);
});

test('GetMetricData window: EndTime now, StartTime now − look-back, period defaults to 60 (sosw §9.6.10)', async () => {
  const sent: any[] = [];
  const fake = {
    send: async (command: any) => {
      sent.push(command.input);
      return { MetricDataResults: command.input.MetricDataQueries.map((q: any) => ({ Id: q.Id, Values: [7, 9] })) };
    },
  } as unknown as CloudWatchClient;
  const config = parseOrchestratorConfig({ labourers: { 'log-syncer': { health_metrics: { m: metric('m', { 4: 10 }) } } } });
  const spec = config.labourers['log-syncer']!.health_metrics.m!;
  const key = metricKey(spec.metric, spec.lookback_s);
  const values = await new CloudWatchMetricReader(fake).read([{ key, metric: spec.metric, lookbackS: spec.lookback_s }], 10_000);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].EndTime.getTime(), 10_000_000);
  assert.equal(sent[0].StartTime.getTime(), (10_000 - 300) * 1000);
  assert.equal(sent[0].MetricDataQueries[0].MetricStat.Period, 60);
  assert.equal(sent[0].MetricDataQueries[0].MetricStat.Stat, 'Average');
  assert.deepEqual(sent[0].MetricDataQueries[0].MetricStat.Metric, {
    Namespace: 'Test',
    MetricName: 'm',
    Dimensions: [{ Name: 'Queue', Value: 'm' }],
  });
  assert.deepEqual(values.get(key), [7, 9]);
});

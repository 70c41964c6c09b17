import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectWorkflow, type WorkflowDocumentBuilder } from '../../../services/data-collectors/core/workflow.js';
import { runCollector } from '../../../services/data-collectors/core/collect.js';
import { findNonFinite, validateDocument } from '../../../services/data-collectors/core/validate.js';
import { yearlyAverageDocument } from '../../../services/data-collectors/core/carbon.js';
import { embeddedRegion } from '../../../services/data-collectors/data/regions.js';
import type { WorkflowDocument } from '../../../shared/contracts/collected-data.js';
import type { WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { NotFoundError, ValidationError } from '../../../shared/errors.js';
import { MemoryStore, fakeClock } from './fakes.js';

const record = { workflow_id: 'wf-0.0.1', home_region: 'aws:us-east-1' } as WorkflowRecord;
const summary = {
  workflow_id: 'wf-0.0.1',
  sync_window: 'summary',
  totalRuns: 3,
  runs: [],
  daily: { '2026-11-30': { invocations: 3, failures: 0 } },
} as unknown as WorkflowSummary;

const builder: WorkflowDocumentBuilder = (s, r, now) => ({
  collected_at: now.toISOString(),
  provenance: { source: 'log-syncer-summary', detail: `${s.totalRuns} runs` },
  workflow_id: r.workflow_id,
  runs: s.totalRuns,
  coldStartPolicy: 'kept',
  homeRegion: r.home_region,
  instances: [],
  edges: [],
  instanceStats: {},
  startHop: { wpdSizeGB: 0 } as unknown as WorkflowDocument['startHop'],
  constraints: {} as WorkflowDocument['constraints'],
  algorithm: 'coarse',
  workflowRuntimeSamplesS: [1.5, 2],
  dailyInvocationCounts: { '2026-11-30': 3 },
});

const source = (withSummary = true) => ({
  record: async (id: string) => (id === record.workflow_id ? record : undefined),
  summary: async () => (withSummary ? summary : undefined),
});

test('workflow collector: record + summary through the injected builder → the workflow document', async () => {
  const store = new MemoryStore();
  await store.put('regions', 'aws:eu-north-1', { region_key: 'aws:eu-north-1', enabled: true });
  await store.put('regions', 'aws:me-south-1', { region_key: 'aws:me-south-1', enabled: false });
  const seen: unknown[][] = [];
  const report = await collectWorkflow('wf-0.0.1', {
    store,
    source: source(),
    clock: fakeClock(),
    build: (s, r, now, regions) => (seen.push([s, r, now, regions]), builder(s, r, now, regions)),
  });
  assert.deepEqual(report.written, ['wf-0.0.1']);
  assert.equal(seen.length, 1);
  // Candidate regions are the enabled regions the regions collector wrote.
  assert.deepEqual(seen[0]![3], ['aws:eu-north-1']);
  const doc = (await store.get<WorkflowDocument>('workflow', 'wf-0.0.1'))!;
  assert.equal(doc.runs, 3);
  assert.equal(doc.collected_at, '2026-12-01T12:30:00.000Z');
});

test('workflow collector: unknown workflow is NotFound; no summary yet is skipped; a NaN document is refused and the previous stays', async () => {
  const store = new MemoryStore();
  await assert.rejects(collectWorkflow('nope-1', { store, source: source(), clock: fakeClock(), build: builder }), NotFoundError);
  const skipped = await collectWorkflow('wf-0.0.1', { store, source: source(false), clock: fakeClock(), build: builder });
  assert.equal(skipped.skipped.length, 1);
  await collectWorkflow('wf-0.0.1', { store, source: source(), clock: fakeClock(), build: builder });
  const bad = await collectWorkflow('wf-0.0.1', {
    store,
    source: source(),
    clock: fakeClock(Date.parse('2026-12-02T00:00:00Z')),
    build: (s, r, n, g) => ({ ...builder(s, r, n, g), workflowRuntimeSamplesS: [Number.NaN] }),
  });
  assert.match(bad.failed[0]!.reason, /workflowRuntimeSamplesS\[0\] is NaN/);
  assert.equal((await store.get<WorkflowDocument>('workflow', 'wf-0.0.1'))!.collected_at, '2026-12-01T12:30:00.000Z');
  // A task whose collector wrote nothing and failed is a retryable failure.
  await assert.rejects(
    runCollector(
      { collector: 'workflow', workflow_id: 'wf-0.0.1' },
      {
        workflow: {
          store,
          source: source(),
          clock: fakeClock(),
          build: () => {
            throw new Error('boom');
          },
        },
      } as never,
      Infinity,
    ),
    /wrote nothing/,
  );
});

test('validation: no NaN, no null, no partial document, no unknown field', () => {
  const doc = yearlyAverageDocument(embeddedRegion('eu-west-1')!, [embeddedRegion('eu-west-1')!], '2026-12-01T00:00:00.000Z')!;
  assert.equal(validateDocument('carbon', doc), doc);
  assert.equal(findNonFinite({ a: [1, { b: null }] }), 'a[1].b is null');
  assert.throws(
    () => validateDocument('carbon', { ...doc, hourlyGCO2ePerKWh: [...doc.hourlyGCO2ePerKWh.slice(1), Number.NaN] }),
    /hourlyGCO2ePerKWh\[23\] is NaN/,
  );
  assert.throws(() => validateDocument('carbon', { ...doc, hourlyGCO2ePerKWh: doc.hourlyGCO2ePerKWh.slice(1) }), ValidationError);
  const { zone: _zone, ...partial } = doc;
  assert.throws(() => validateDocument('carbon', partial), /zone/);
  assert.throws(() => validateDocument('carbon', { ...doc, extra: 1 }), ValidationError);
  assert.throws(() => validateDocument('carbon', { ...doc, overallGCO2ePerKWh: Infinity }), /Infinity/);
});

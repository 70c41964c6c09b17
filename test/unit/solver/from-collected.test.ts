import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSolverInputFromCollected, solveWorkflow } from '../../../shared/solver/index.js';
import { regionDocs, workflowDoc, type FixtureRegion } from '../../fixtures/collected.js';

const mc = { minSamples: 40, maxSamples: 40, batchSize: 40 };
const HOME = 'aws:us-east-1';
const GREEN = 'aws:ca-central-1';
const REGIONS: FixtureRegion[] = [
  { key: HOME, ci: 400 },
  { key: GREEN, ci: 30 },
  { key: 'aws:us-east-2', ci: 500 },
  { key: 'aws:us-west-2', ci: 250 },
];
const wf = (permitted: string[], extra = {}) =>
  workflowDoc({
    workflowId: 'wf-0.0.1',
    home: HOME,
    permitted,
    instances: [{ name: 'wf-0_0_1-a:entry_point:0', succeeding: ['wf-0_0_1-b:0'] }, { name: 'wf-0_0_1-b:0' }],
    ...extra,
  });

describe('buildSolverInputFromCollected', () => {
  it('maps prices, hourly carbon and latency samples into the solver input', () => {
    const docs = regionDocs(REGIONS);
    const { input, dropped } = buildSolverInputFromCollected({ ...docs, workflow: wf([HOME, GREEN]) });
    assert.deepEqual(input.regions, [GREEN, HOME]);
    const green = input.regionData[GREEN]!;
    assert.equal(green.prices!.messageUsdPerRequest, 4e-7, 'SQS request price');
    assert.equal(green.prices!.egressUsdPerGB, 0.02);
    assert.equal(green.carbonIntensityByHour.overall, 30);
    assert.equal(green.carbonIntensityByHour['23'], 30);
    assert.deepEqual(green.latencyS[HOME], [0.05]);
    assert.equal(green.transmissionDistancesKm[HOME], 1000);
    assert.ok(input.regionData['aws:us-west-2'], 'system region data present');
    assert.deepEqual(dropped.map((d) => d.region).sort(), ['aws:us-east-2', 'aws:us-west-2']);
    assert.match(dropped[0]!.reason, /not permitted/);
  });

  it('drops regions with incomplete data and keeps the home region', () => {
    const docs = regionDocs(REGIONS);
    docs.performance = docs.performance.filter((p) => p.region_key !== GREEN);
    docs.carbon = docs.carbon.filter((c) => c.region_key !== HOME);
    const { input, dropped } = buildSolverInputFromCollected({ ...docs, workflow: wf([HOME, GREEN, 'aws:eu-north-1']) });
    assert.deepEqual(input.regions, [HOME]);
    assert.deepEqual(
      dropped.find((d) => d.region === GREEN),
      { region: GREEN, reason: 'no performance document' },
    );
    assert.deepEqual(
      dropped.find((d) => d.region === 'aws:eu-north-1'),
      { region: 'aws:eu-north-1', reason: 'no collected data' },
    );
    assert.ok(input.warnings.some((w) => w.includes(`home region ${HOME}: no carbon document`)));
    for (const i of input.instances) assert.deepEqual(i.permittedRegions, [HOME]);
  });

  it('the solver picks the greener region when it is allowed, and stays home when the config disallows it', async () => {
    const docs = regionDocs(REGIONS);
    const allowed = buildSolverInputFromCollected({ ...docs, workflow: wf([HOME, GREEN]) });
    const r = await solveWorkflow(allowed.input, { hours: [0], calculator: 'simple', monteCarlo: mc, workers: 0 });
    assert.deepEqual(Object.values(r.hours[0]!.placementByInstance), [GREEN, GREEN]);
    assert.ok(r.hours[0]!.metrics.average_carbon < r.hours[0]!.homeMetrics.average_carbon);

    const rules = { 'wf-0_0_1-b:0': { disallowed_regions: [{ provider: 'aws', region: 'ca-central-1' }] } };
    const limited = buildSolverInputFromCollected({ ...docs, workflow: wf([HOME, GREEN]), instanceRules: rules });
    assert.deepEqual(limited.input.instances[1]!.permittedRegions, [HOME]);
    const r2 = await solveWorkflow(limited.input, { hours: [0], calculator: 'simple', monteCarlo: mc, workers: 0 });
    assert.equal(r2.hours[0]!.placementByInstance['wf-0_0_1-b:0'], HOME);
  });

  it('uses the hourly profile of the solve hour', async () => {
    const hourly = new Array<number>(24).fill(600);
    hourly[3] = 20; // greener than home only at 03:00 UTC
    const docs = regionDocs([
      { key: HOME, ci: 400 },
      { key: GREEN, ci: hourly },
    ]);
    const { input } = buildSolverInputFromCollected({ ...docs, workflow: wf([HOME, GREEN]) });
    const r = await solveWorkflow(input, { hours: [3, 12], calculator: 'simple', monteCarlo: mc, workers: 0 });
    assert.deepEqual(Object.values(r.hours.find((h) => h.hour === 3)!.placementByInstance), [GREEN, GREEN]);
    assert.deepEqual(Object.values(r.hours.find((h) => h.hour === 12)!.placementByInstance), [HOME, HOME]);
  });
});

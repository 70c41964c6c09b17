import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../shared/errors.js';
import {
  importSolverInput,
  loadSolverInput,
  readDataFolder,
  type StoredTables,
  type StoredWorkflow,
} from '../../../shared/solver/importer.js';
import { FIXTURES } from './helpers.js';

const KIB = 1 / (1024 * 1024);
const load = (shape: string) => loadSolverInput(`${FIXTURES}data`, `${FIXTURES}${shape}.json`);
const rawWorkflow = (shape: string): StoredWorkflow => JSON.parse(readFileSync(`${FIXTURES}${shape}.json`, 'utf8'));

describe('importer of the Python tables', () => {
  it('keeps the region order of available_regions_table and reads the workflow config (a JSON string)', async () => {
    const input = await load('map_reduce');
    const tables = await readDataFolder(`${FIXTURES}data`);
    assert.deepEqual(input.regions, Object.keys(tables.availableRegions));
    assert.equal(input.regions.length, 12);
    assert.equal(input.homeRegion, 'aws:us-east-1');
    assert.equal(input.instances.length, 11);
    assert.equal(input.edges.length, 16);
    assert.equal(input.algorithm, 'stochastic');
    assert.deepEqual(input.constraints.priorityOrder, ['carbon', 'runtime', 'cost']);
  });

  it('honours per-instance permitted regions', async () => {
    const input = await load('integration_test_workflow');
    const first = input.instances.find((i) => i.name.includes('First'))!;
    assert.deepEqual(first.permittedRegions, ['aws:us-east-1', 'aws:us-east-2', 'aws:ca-central-1']);
    assert.equal(first.memoryMB, 256);
    assert.equal(input.instances.find((i) => i.name.includes('Second'))!.permittedRegions.length, 12);
  });

  it('reads the keys the collectors write (SNS/DynamoDB prices, sync and SNS-only sizes)', async () => {
    const input = await load('integration_test_workflow');
    const prices = input.regionData['aws:sa-east-1']!.prices!;
    assert.equal(prices.messageUsdPerRequest, 0.7e-6);
    assert.equal(prices.dynamoReadUsdPerRU, 0.2235e-6);
    assert.ok(Math.abs(prices.dynamoWriteUsdPerWU - 1.1175e-6) < 1e-18, `write price ${prices.dynamoWriteUsdPerWU}`);
    const toSync = input.edges.find((e) => e.to.includes('Fifth:sync:'))!;
    assert.ok(toSync.syncSizeGB! > 30 * KIB && toSync.syncSizeGB! < 40 * KIB, `sync size ${toSync.syncSizeGB}`);
    assert.ok(Math.abs(toSync.snsOnlySizeGB! - 1.6 * KIB) < 1e-12, `SNS-only size ${toSync.snsOnlySizeGB}`);
    const withSkip = input.edges.find((e) => e.to.includes('Sixth'))!;
    assert.equal(withSkip.nonExecution.length, 1);
    assert.ok(withSkip.nonExecution[0]!.syncNode.includes('Seventh:sync:'), withSkip.nonExecution[0]!.syncNode);
  });

  it('parses Python float keys numerically, converts the 150 ms latency fallback, honours the configured algorithm', async () => {
    const tables = await readDataFolder(`${FIXTURES}data`);
    const perf = structuredClone(tables.performance) as Record<string, any>;
    perf['aws:us-east-1'].transmission_latency['aws:eu-north-1'] = { latency_distribution: [150, 150, 150, 150, 150, 150, 150], unit: 's' };
    const wf = rawWorkflow('map_reduce');
    const config = JSON.parse(wf.workflow_config as string);
    config.deployment_algorithm = 'coarse_grained_deployment_algorithm';
    const wi = wf.workflow_instance_table_value as any;
    const edge =
      wi.instance_summary['map_reduce-0_0_1-input_processor:entry_point:0'].to_instance['map_reduce-0_0_1-mapper:input_processor_0_0:1'];
    edge.regions_to_regions['aws:us-east-1']['aws:us-east-1'].transfer_size_gb_to_transfer_latencies_s = { '9.5367431640625e-06': [0.1] };
    const input = importSolverInput({ ...tables, performance: perf } as StoredTables, { ...wf, workflow_config: config });
    assert.deepEqual(input.regionData['aws:us-east-1']!.latencyS['aws:eu-north-1'], [0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15]);
    assert.equal(input.algorithm, 'coarse');
    const pair = input.edges[0]!.latencies['aws:us-east-1']!['aws:us-east-1']!;
    assert.equal(pair.bySizeGB[0]!.sizeGB, 10 * KIB);
  });

  it('names the file and the field of a bad value', async () => {
    const tables = await readDataFolder(`${FIXTURES}data`);
    const wf = rawWorkflow('dna_visualization');
    const wi = structuredClone(wf.workflow_instance_table_value) as any;
    wi.instance_summary['dna_visualization-0_0_1-visualize:entry_point:0'].executions.at_region['aws:us-east-1'].durations_s[3] = 'slow';
    assert.throws(
      () => importSolverInput(tables, { ...wf, workflow_instance_table_value: wi }, { workflowFile: 'wf.json' }),
      (e: Error) =>
        e instanceof ValidationError &&
        e.message.startsWith(
          'wf.json: field "workflow_instance_table_value.instance_summary.dna_visualization-0_0_1-visualize:entry_point:0.executions.at_region.aws:us-east-1.durations_s[3]"',
        ),
    );
    // Auxiliary rows are checked whole (no field path per value) but a bad value is still named.
    const mr = rawWorkflow('map_reduce');
    const aux = (w: any) =>
      w.instance_summary['map_reduce-0_0_1-input_processor:entry_point:0'].executions.at_region['aws:us-east-1'].auxiliary_data['1'];
    const badValue = structuredClone(mr.workflow_instance_table_value) as any;
    aux(badValue)[1][4] = 'fast';
    assert.throws(
      () => importSolverInput(tables, { ...mr, workflow_instance_table_value: badValue }, { workflowFile: 'mr.json' }),
      /mr\.json: field "[^"]*executions\.at_region\.aws:us-east-1\.auxiliary_data\.1\[1\]\[4\]": expected a finite number or null, got "fast"/,
    );
    const badRow = structuredClone(mr.workflow_instance_table_value) as any;
    aux(badRow)[2] = 0.5;
    assert.throws(
      () => importSolverInput(tables, { ...mr, workflow_instance_table_value: badRow }, { workflowFile: 'mr.json' }),
      /mr\.json: field "[^"]*auxiliary_data\.1\[2\]": expected an array, got 0\.5/,
    );
    const badPrices = structuredClone(tables.providerRegion) as Record<string, any>;
    badPrices['aws:us-east-2'].execution_cost.compute_cost.x86_64 = '0.1';
    assert.throws(
      () => importSolverInput({ ...tables, providerRegion: badPrices }, wf, { dataDir: 'data' }),
      /data\/provider_region_table\.json: field "aws:us-east-2\.execution_cost\.compute_cost\.x86_64": expected a finite number/,
    );
    await assert.rejects(
      loadSolverInput('/nonexistent-dir', `${FIXTURES}dna_visualization.json`),
      /nonexistent-dir\/available_regions_table\.json: cannot be read/,
    );
  });

  it('refuses a home region that is not a candidate', async () => {
    const tables = await readDataFolder(`${FIXTURES}data`);
    const wf = rawWorkflow('dna_visualization');
    const config = JSON.parse(wf.workflow_config as string);
    config.home_region = { provider: 'aws', region: 'mars-1' };
    assert.throws(() => importSolverInput(tables, { ...wf, workflow_config: config }), /home_region.*aws:mars-1 is not a candidate/);
  });

  it('accepts a workflow without observations yet and says so', async () => {
    const tables = await readDataFolder(`${FIXTURES}data`);
    const wf = rawWorkflow('dna_visualization');
    const input = importSolverInput(tables, { ...wf, workflow_instance_table_value: {} });
    assert.equal(input.edges.length, 0);
    assert.equal(input.startHop.wpdAtFunctionProbability, 1);
    assert.match(input.warnings.join('\n'), /no observed durations .*visualize:entry_point:0/);
  });
});

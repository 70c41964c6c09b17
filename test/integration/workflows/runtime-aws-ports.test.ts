// The runtime's DynamoDB state table and S3 payload store (real conditional writes on moto) under
// the small_sync_example truth table with every message delivered twice, and a large payload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, createControlPlane, type Moto } from './moto.js';
import { clients } from '../../../shared/aws/clients.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { simulateWorkflow } from '../../../shared/runtime/memory.js';
import { DynamoStateStore, S3PayloadStore } from '../../../shared/runtime/aws.js';
import { createSyncTable } from '../../../shared/workflows/resources.js';
import { controlPlaneFromEnv } from '../../../shared/workflows/env.js';
import * as smallSync from '../../../examples/small_sync_example/app.js';
import * as mapReduce from '../../../examples/map_reduce/app.js';

let moto: Moto;
let state: DynamoStateStore;
let payloads: S3PayloadStore;

before(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.env);
  Object.assign(process.env, await createControlPlane('caribou-ports'));
  const deps = {
    controlPlane: controlPlaneFromEnv(),
    clients,
    now: () => new Date(),
    progress: () => undefined,
    sleep: async () => undefined,
  };
  await createSyncTable('caribou-sync-test', 'us-east-1', deps, []);
  state = new DynamoStateStore('caribou-sync-test', 'us-east-1');
  payloads = new S3PayloadStore(process.env.CARIBOU_ARTIFACTS_BUCKET!, 'us-east-1');
});
after(async () => moto?.stop());

test('small_sync_example truth table on DynamoDB with every message delivered twice', async () => {
  const deployed = { workflow: smallSync.workflow, dag: analyzeProject('examples/small_sync_example').dag };
  for (const e1 of [true, false]) {
    for (const e2 of [true, false]) {
      for (const e3 of [true, false]) {
        const run = await simulateWorkflow(
          deployed,
          { execute_1: e1, execute_2: e2, execute_3: e3 },
          { state, payloads, duplicateEveryMessage: true, random: () => 0.5 },
        );
        const ran = run.executed.map((i) => deployed.dag.instances[i]!.function_name).sort();
        const expected = [
          'initial_function',
          ...(e1 || e2 || e3 ? ['secondSyncFunction'] : []),
          ...(e1 || e2 ? ['syncFunction'] : []),
        ].sort();
        assert.deepEqual(ran, expected, `execute ${e1}/${e2}/${e3}`);
        assert.ok(run.duplicatesIgnored > 0);
      }
    }
  }
});

test('map_reduce on DynamoDB and S3 with a sync payload over the item limit', async () => {
  const deployed = { workflow: mapReduce.workflow, dag: analyzeProject('examples/map_reduce').dag };
  // 6 mappers each send counts of ~9,000 distinct words: every sync payload goes to S3.
  const text = Array.from({ length: 54_000 }, (_, i) => `word${i}`).join(' ');
  const run = await simulateWorkflow(deployed, { text }, { state, payloads, duplicateEveryMessage: true });
  assert.deepEqual(run.results['map_reduce-0_0_1-output_processor:sync:15'], { words: 54_000, total: 54_000 });
  const upload = run.log.lines.find((l) => l.event === 'INVOKING_SUCCESSOR' && l.upload_by_reference === true);
  assert.ok(upload, 'a sync payload travelled by reference');
});

// The four examples through the `caribou` command in local mode: deploy, a second deploy refused,
// run --wait --json, remove; nothing left behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startWorkflowSuite, resourcesOf, NO_RESOURCES, type WorkflowSuite } from '../integration/workflows/local.js';

let suite: WorkflowSuite;
before(async () => {
  suite = await startWorkflowSuite('wf-cli');
});
after(async () => suite?.local.stop());

async function caribou(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/caribou.js', ...args], {
      env: { ...process.env, ...suite.env },
      maxBuffer: 8 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const EXAMPLES: [string, unknown, string[]][] = [
  ['small_sync_example', { execute_1: false }, ['initial_function', 'secondSyncFunction', 'syncFunction']],
  ['image_processing', { desired_transformations: ['flip', 'blur'] }, ['get_requests', 'image_processor', 'image_processor']],
  ['text_2_speech_censoring', { message: 'heck' }, ['censor', 'encoding', 'get_input', 'profanity', 'text_2_speech']],
  ['map_reduce', { text: 'a b c' }, ['input_processor', 'mapper', 'output_processor', 'reducer', 'shuffler']],
];

for (const [example, input, functions] of EXAMPLES) {
  test(`caribou deploy / run --wait --json / remove: ${example}`, async () => {
    const id = `${example}-0.0.1`;
    const deployed = await caribou(['deploy', `examples/${example}`]);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, new RegExp(`Deployed ${id.replaceAll('.', '\\.')} to aws:us-east-1`));
    if (example === 'small_sync_example') {
      const again = await caribou(['deploy', `examples/${example}`]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already deployed: bump the version/);
    }

    const run = await caribou(['run', id, '-a', JSON.stringify(input), '--wait', '--json', '--timeout', '60']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as {
      run_id: string;
      status: string;
      instances: { instance: string; function: string; region: string; duration_s: number }[];
    };
    assert.equal(report.status, 'succeeded');
    assert.match(report.run_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(report.instances.map((i) => i.function).sort(), functions);
    for (const instance of report.instances) {
      assert.equal(instance.region, 'aws:us-east-1');
      assert.ok(instance.duration_s >= 0);
      assert.ok(instance.instance.startsWith(`${example}-0_0_1-${instance.function}:`));
    }

    const removed = await caribou(['remove', id]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(await resourcesOf(example, id, suite.deps), NO_RESOURCES);
    if (example === 'small_sync_example') {
      const twice = await caribou(['remove', id]);
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /is not deployed/);
    }
  });
}

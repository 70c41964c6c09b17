// `terraform validate` of the synthesized stack, offline, with the real terraform binary and the
// provider mirror these machines carry. Without terraform this test fails and says how to install it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { terraform } from '../../../terraform/runner.js';
import { synthToTemp } from './synth-helper.js';

const synthP = synthToTemp('cbvalid', 'us-west-2');
after(async () => (await synthP).cleanup());

test('terraform validate accepts the synthesized stack', { timeout: 120_000 }, async () => {
  const { stackDir } = await synthP;
  await terraform(['init', '-backend=false', '-input=false', '-no-color'], { cwd: stackDir });
  const result = await terraform(['validate', '-json', '-no-color'], { cwd: stackDir });
  const report = JSON.parse(result.output) as { valid: boolean; error_count: number; warning_count: number; diagnostics: unknown[] };
  assert.equal(report.valid, true, JSON.stringify(report.diagnostics));
  assert.equal(report.error_count, 0);
});

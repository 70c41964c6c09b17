import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hourText, solveCommand } from '../../../cli/commands/solve.js';
import type { SolvedHour } from '../../../shared/solver/index.js';

const FIXTURES = new URL('../../fixtures/solver/', import.meta.url).pathname;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'caribou-solve-reason-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** map_reduce with the given hard constraints, written as a workflow file. */
function workflowWithHard(name: string, hard: Record<string, { type: 'absolute' | 'relative'; value: number }>): string {
  const wf = JSON.parse(readFileSync(`${FIXTURES}map_reduce.json`, 'utf8'));
  const config = JSON.parse(wf.workflow_config);
  config.constraints.hard_resource_constraints = hard;
  wf.workflow_config = JSON.stringify(config);
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(wf));
  return file;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const code = await solveCommand.run(argv, { out: (l) => out.push(l), err: () => {} });
  return { code, out: out.join('\n') };
}

const metrics = { average_carbon: 1, average_cost: 1e-6, average_runtime: 1, tail_carbon: 2, tail_cost: 2e-6, tail_runtime: 2 };

describe('caribou solve: why a plan is not the search best', () => {
  it('an unmeetable hard limit: the hour falls back to home, text says why and JSON carries reason and verification', async () => {
    const file = workflowWithHard('unmeetable', { runtime: { type: 'absolute', value: 0.001 } });
    const common = [
      '--data',
      `${FIXTURES}data`,
      '--workflow',
      file,
      '--hours',
      '0',
      '--algorithm',
      'coarse',
      '--samples',
      '50',
      '--workers',
      '0',
    ];
    const text = await run(common);
    assert.equal(text.code, 0);
    assert.match(
      text.out,
      /hour 0: carbon reduction 0\.0% vs home \(no deployment met the hard constraints: home kept\)\n {2}why: no deployment met the hard constraints in the search; the home deployment is kept/,
    );
    const json = JSON.parse((await run([...common, '--json'])).out);
    const h = json.hours['0'];
    assert.equal(h.fell_back_to_home, true);
    assert.equal(h.reason, 'no deployment met the hard constraints in the search; the home deployment is kept');
    assert.ok('verification' in h, 'the key is always present (null when finalists were not re-evaluated)');
  });

  it('a meetable hard limit: finalists are re-evaluated and JSON reports the verification', async () => {
    const file = workflowWithHard('meetable', { cost: { type: 'relative', value: 101 } });
    const r = await run([
      '--data',
      `${FIXTURES}data`,
      '--workflow',
      file,
      '--hours',
      '6',
      '--algorithm',
      'coarse',
      '--samples',
      '50',
      '--workers',
      '0',
      '--json',
    ]);
    assert.equal(r.code, 0);
    const h = JSON.parse(r.out).hours['6'];
    assert.equal(h.fell_back_to_home, false);
    assert.ok(h.verification.deployments >= 1);
    assert.ok(h.verification.samplesPerDeployment >= 2000);
    assert.ok(h.verification.confidence > 0.99);
    assert.ok(h.reason === null || /hard constraint/.test(h.reason));
  });

  it('a replaced finalist is explained in the text output, with the re-evaluation', () => {
    const h: SolvedHour = {
      hour: 12,
      placement: [1],
      placementByInstance: { f: 'aws:eu-north-1' },
      metrics,
      homeMetrics: { ...metrics, average_carbon: 4 },
      evaluations: 30,
      samples: 6000,
      seconds: 0.1,
      candidates: 12,
      fellBackToHome: false,
      timedOut: false,
      reason:
        "the search's best deployment broke a hard constraint's 99.9% confidence bound on 4000 common draws (tail_cost); the best compliant finalist is chosen",
      verification: { deployments: 5, samplesPerDeployment: 4000, confidence: 0.999 },
    };
    assert.deepEqual(hourText(h).slice(0, 3), [
      'hour 12: carbon reduction 75.0% vs home',
      "  why: the search's best deployment broke a hard constraint's 99.9% confidence bound on 4000 common draws (tail_cost); the best compliant finalist is chosen",
      '  f -> aws:eu-north-1',
    ]);
    assert.equal(hourText(h).at(-1), '  metrics re-evaluated: 5 deployment(s) on 4000 common draws, hard limits at 99.9% confidence');
    const plain = hourText({ ...h, reason: undefined, verification: undefined } as SolvedHour);
    assert.ok(!plain.some((l) => l.startsWith('  why:') || l.includes('re-evaluated')), 'nothing to explain: no extra lines');
  });
});

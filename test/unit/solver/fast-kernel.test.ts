// The fast calculator's two sample loops (fast-kernel.ts): the generic one that serves a workflow's
// first samples in a process and the generated one compiled after KERNEL_POLICY.generateAfterSamples
// must give bit-identical results, so when the switch happens cannot change a plan.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FastCalculator } from '../../../shared/solver/calculators/index.js';
import { KERNEL_POLICY } from '../../../shared/solver/calculators/fast-kernel.js';
import { loadSolverInput } from '../../../shared/solver/importer.js';
import { prepareModel, type PreparedModel } from '../../../shared/solver/model.js';
import { Rng } from '../../../shared/solver/rng.js';
import type { EvaluationResult } from '../../../shared/solver/types.js';
import { FIXTURES } from './helpers.js';

const defaultPolicy = KERNEL_POLICY.generateAfterSamples;
after(() => {
  KERNEL_POLICY.generateAfterSamples = defaultPolicy;
});

/** Home, the farthest permitted region everywhere, and random placements, at three hours. */
function evaluations(m: PreparedModel, samples: number): EvaluationResult[] {
  const calc = new FastCalculator(m, { seed: 11, minSamples: samples, maxSamples: samples });
  const rng = new Rng(3);
  const placements = [new Array<number>(m.N).fill(m.home), m.permitted.map((p) => p[p.length - 1]!)];
  for (let k = 0; k < 6; k++) placements.push(m.permitted.map((p) => p[rng.index(p.length)]!));
  const out: EvaluationResult[] = [];
  for (const hour of [0, 9, 17]) {
    calc.setHour(hour);
    for (const p of placements) out.push(calc.evaluate(p));
  }
  return out;
}

describe('fast calculator kernels', () => {
  for (const workflow of ['map_reduce', 'integration_test_workflow']) {
    it(`generic and generated loops give bit-identical metrics (${workflow})`, async () => {
      const m = prepareModel(await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}${workflow}.json`));
      KERNEL_POLICY.generateAfterSamples = Infinity; // generic only
      const generic = evaluations(m, 300);
      KERNEL_POLICY.generateAfterSamples = 0; // generated from the first sample on
      const generated = evaluations(m, 300);
      assert.equal(generated.length, generic.length);
      generated.forEach((r, i) => assert.deepEqual(r, generic[i], `evaluation ${i}`));
    });
  }
});

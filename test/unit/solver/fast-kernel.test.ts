// The fast calculator's sample loops (fast-kernel.ts): the WebAssembly kernel generated per
// topology (wasm-codegen.ts, the default) and the generic JavaScript loop must give bit-identical
// results, so which one runs cannot change a plan.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { FastCalculator } from '../../../shared/solver/calculators/index.js';
import { KERNEL_POLICY } from '../../../shared/solver/calculators/fast-kernel.js';
import { loadSolverInput } from '../../../shared/solver/importer.js';
import { prepareModel, type PreparedModel } from '../../../shared/solver/model.js';
import { Rng } from '../../../shared/solver/rng.js';
import type { EvaluationResult } from '../../../shared/solver/types.js';
import { caseArb } from './generators.js';
import { FIXTURES, SHAPES } from './helpers.js';

const defaultPolicy = { ...KERNEL_POLICY };
after(() => Object.assign(KERNEL_POLICY, defaultPolicy));

/** Home, the farthest permitted region everywhere, and random placements, at three hours. */
function evaluations(m: PreparedModel, samples: number | 'adaptive', randomPlacements = 6): EvaluationResult[] {
  // Adaptive: batches of 100 up to 2,000 samples with a convergence target no run meets, so the
  // kernels' random streams and latency pools grow across calls (the WebAssembly host moves them).
  const options =
    samples === 'adaptive'
      ? { minSamples: 100, maxSamples: 2000, batchSize: 100, relativeCIHalfWidth: 1e-6 }
      : { minSamples: samples, maxSamples: samples };
  const calc = new FastCalculator(m, { seed: 11, ...options });
  const rng = new Rng(3);
  const placements = [new Array<number>(m.N).fill(m.home), m.permitted.map((p) => p[p.length - 1]!)];
  for (let k = 0; k < randomPlacements; k++) placements.push(m.permitted.map((p) => p[rng.index(p.length)]!));
  const out: EvaluationResult[] = [];
  for (const hour of [0, 9, 17]) {
    calc.setHour(hour);
    for (const p of placements) out.push(calc.evaluate(p));
  }
  return out;
}

function withKernel<T>(kernel: 'js' | 'wasm', run: () => T): T {
  KERNEL_POLICY.kernel = kernel;
  try {
    return run();
  } finally {
    Object.assign(KERNEL_POLICY, defaultPolicy);
  }
}

function assertSame(actual: EvaluationResult[], expected: EvaluationResult[], label: string) {
  assert.equal(actual.length, expected.length);
  actual.forEach((r, i) => assert.deepEqual(r, expected[i], `${label}: evaluation ${i}`));
}

describe('fast calculator kernels', () => {
  it('serves every sample with the WebAssembly kernel by default', () => {
    assert.equal(defaultPolicy.kernel, 'wasm');
  });

  for (const workflow of SHAPES) {
    it(`WebAssembly and JavaScript loops give bit-identical metrics (${workflow})`, async () => {
      const m = prepareModel(await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}${workflow}.json`));
      // 2,500 samples: more than one 1,024-sample chunk of the WebAssembly host per evaluation.
      const generic = withKernel('js', () => evaluations(m, 2500));
      assertSame(
        withKernel('wasm', () => evaluations(m, 2500)),
        generic,
        'wasm',
      );
    });
  }

  it('WebAssembly and JavaScript loops agree when streams and pools grow batch by batch (map_reduce)', async () => {
    const m = prepareModel(await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}map_reduce.json`));
    const generic = withKernel('js', () => evaluations(m, 'adaptive'));
    assert.ok(generic.every((r) => r.samples === 2000));
    assertSame(
      withKernel('wasm', () => evaluations(m, 'adaptive')),
      generic,
      'wasm',
    );
  });

  it('WebAssembly and generic JavaScript agree on generated workflows (fan-outs, sync nodes, restrictions)', () => {
    let tried = 0;
    fc.assert(
      fc.property(caseArb({ minInstances: 1, maxInstances: 6, maxRegions: 6, restrictions: true }), (c) => {
        tried += 1;
        const m = prepareModel(c.input);
        const generic = withKernel('js', () => evaluations(m, 250, 3));
        assertSame(
          withKernel('wasm', () => evaluations(m, 250, 3)),
          generic,
          c.description,
        );
      }),
      { numRuns: 60 },
    );
    assert.equal(tried, 60);
  });
});

// Scan of the search-quality property over many generator seeds (too slow for the unit tier):
//   node --import tsx test/unit/solver/quality-scan.ts [firstSeed] [seeds] [runs] [minInstances maxInstances minRegions maxRegions]
// Prints every case where a check of compareSearches fails, as [generator seed, run], and totals.
import fc from 'fast-check';
import { caseArb } from './generators.js';
import { compareSearches } from './quality-compare.js';

const [first = 0, seeds = 43, runs = 150, minInstances = 1, maxInstances = 4, minRegions = 3, maxRegions = 6] = process.argv
  .slice(2)
  .map(Number);
const shape = { restrictions: true, soft: true, minInstances, maxInstances, minRegions, maxRegions };
const arb = fc.tuple(caseArb(shape), fc.integer({ min: 0, max: 1000 }));
let cases = 0;
let misses = 0;
let evaluations = 0;
const t0 = performance.now();
for (let genSeed = first; genSeed < first + seeds; genSeed++) {
  const sample = fc.sample(arb, { seed: genSeed, numRuns: runs });
  sample.forEach(([c, seed], k) => {
    const r = compareSearches(c.input, c.hour, seed);
    if (!r) return;
    cases++;
    evaluations += r.stochasticEvaluations;
    if (r.failures.length > 0) {
      misses++;
      console.log(`[${genSeed}, ${k + 1}] ${c.description}, ${r.deployments} deployments: ${r.failures.join('; ')}`);
    }
  });
}
console.log(
  `${misses} misses in ${cases} cases; stochastic ${(evaluations / cases).toFixed(1)} evaluations per case; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

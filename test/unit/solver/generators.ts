// fast-check generators of small solver inputs (1–4 instances, 3–12 regions) for the guarantee and
// search-quality property tests, plus the direct one-hour solve they run.
import fc from 'fast-check';
import { createCalculator } from '../../../shared/solver/calculators/index.js';
import { prepareModel } from '../../../shared/solver/model.js';
import { solveHour, type HourSolution } from '../../../shared/solver/solve-hour.js';
import type { AlgorithmName, CalculatorOptions, Constraint, Constraints, MetricName, SolverInput } from '../../../shared/solver/types.js';
import { syntheticInput, type SynthEdge, type SynthInstance, type SynthRegion } from './helpers.js';

export const REGION_KEYS = [
  'aws:us-east-1',
  'aws:us-east-2',
  'aws:us-west-1',
  'aws:us-west-2',
  'aws:ca-central-1',
  'aws:eu-north-1',
  'aws:eu-west-1',
  'aws:eu-west-2',
  'aws:eu-central-1',
  'aws:ap-south-1',
  'aws:ap-northeast-1',
  'aws:sa-east-1',
];

export interface Case {
  input: SolverInput;
  hour: number;
  description: string;
}

export interface CaseShape {
  minInstances?: number;
  maxInstances?: number;
  minRegions?: number;
  maxRegions?: number;
  /** Restrict some instances to subsets of the regions (home always kept). */
  restrictions?: boolean;
  /** Hard constraints (absolute ones are given as a factor of home's tail, resolved later). */
  hard?: boolean;
  soft?: boolean;
}

const metric = fc.constantFrom<MetricName>('cost', 'runtime', 'carbon');

export function caseArb(
  shape: CaseShape = {},
): fc.Arbitrary<Case & { hardSpec: Array<{ metric: MetricName; type: 'absolute' | 'relative'; factor: number }> }> {
  const { minInstances = 1, maxInstances = 3, minRegions = 3, maxRegions = 5 } = shape;
  return fc
    .record({
      R: fc.integer({ min: minRegions, max: maxRegions }),
      N: fc.integer({ min: minInstances, max: maxInstances }),
      hour: fc.integer({ min: 0, max: 23 }),
      fanOut: fc.boolean(),
      hourly: fc.boolean(),
      ci: fc.array(fc.integer({ min: 15, max: 650 }), { minLength: 12, maxLength: 12 }),
      ciAtHour: fc.array(fc.integer({ min: 15, max: 650 }), { minLength: 12, maxLength: 12 }),
      egress: fc.array(fc.constantFrom(0.01, 0.02, 0.05, 0.09), { minLength: 12, maxLength: 12 }),
      base: fc.array(fc.double({ min: 0.2, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
      speed: fc.array(fc.double({ min: 0.75, max: 1.5, noNaN: true }), { minLength: 48, maxLength: 48 }),
      spread: fc.array(fc.double({ min: 0, max: 0.6, noNaN: true }), { minLength: 4, maxLength: 4 }),
      memoryMB: fc.array(fc.constantFrom(128, 512, 1024, 3008), { minLength: 4, maxLength: 4 }),
      sizeGB: fc.constantFrom(1e-6, 1e-4, 5e-3),
      restrict: fc.array(fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), { minLength: 4, maxLength: 4 }),
      restrictOn: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      hard: fc.array(
        fc.record({
          metric,
          type: fc.constantFrom<'absolute' | 'relative'>('absolute', 'relative'),
          factor: fc.double({ min: 0.9, max: 1.2, noNaN: true }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      soft: fc.array(fc.record({ metric, value: fc.integer({ min: 90, max: 130 }) }), { minLength: 1, maxLength: 2 }),
    })
    .map((g) => {
      const keys = REGION_KEYS.slice(0, g.R);
      const regions: SynthRegion[] = keys.map((key, r) => ({
        key,
        ci: g.hourly ? { overall: g.ci[r]!, [String(g.hour)]: g.ciAtHour[r]! } : g.ci[r]!,
        egressUsdPerGB: g.egress[r]!,
      }));
      const instances: SynthInstance[] = [];
      const edges: SynthEdge[] = [];
      for (let i = 0; i < g.N; i++) {
        const pred = i === 0 ? undefined : g.fanOut ? 0 : i - 1;
        const name = i === 0 ? 'f0:entry_point:0' : `f${i}:f${pred}_0_0:${i}`;
        const durations: Record<string, number[]> = {};
        keys.forEach((k, r) => {
          const d = g.base[i]! * g.speed[i * 12 + r]!;
          durations[k] = [d, d * (1 + g.spread[i]! / 2), d * (1 + g.spread[i]!)];
        });
        const permitted = shape.restrictions && g.restrictOn[i] ? keys.filter((_, r) => r === 0 || g.restrict[i]![r]) : undefined;
        instances.push({ name, durations, memoryMB: g.memoryMB[i]!, ...(permitted ? { permitted } : {}) });
        if (pred !== undefined) edges.push({ from: instances[pred]!.name, to: name, sizesGB: [g.sizeGB, g.sizeGB * 2] });
      }
      const soft: Constraints['soft'] = {};
      if (shape.soft) for (const s of g.soft) soft[s.metric] = { type: 'relative', value: s.value };
      const input = syntheticInput({ regions, instances, edges, startSizesGB: [g.sizeGB], constraints: { soft } });
      return {
        input,
        hour: g.hour,
        hardSpec: shape.hard ? g.hard : [],
        description: `${g.N} instances × ${g.R} regions, hour ${g.hour}${g.hourly ? ' (hourly CI)' : ''}${g.fanOut ? ', fan-out' : ', chain'}`,
      };
    });
}

/** Adaptive Monte Carlo as in production, small enough for unit tests. */
export const ADAPTIVE: Omit<CalculatorOptions, 'seed'> = { minSamples: 100, maxSamples: 800, batchSize: 100, relativeCIHalfWidth: 0.02 };

/** Turns hard-constraint specs into limits: absolute ones as a factor of home's tail on 2,000 draws. */
export function withHardLimits(
  input: SolverInput,
  hour: number,
  spec: Array<{ metric: MetricName; type: 'absolute' | 'relative'; factor: number }>,
): SolverInput {
  const hard: Constraints['hard'] = {};
  const calc = createCalculator('go', prepareModel(input), { seed: 99, minSamples: 2000, maxSamples: 2000, batchSize: 2000 });
  calc.setHour(hour);
  const home = calc.evaluate(new Array<number>(input.instances.length).fill(input.regions.indexOf(input.homeRegion)));
  for (const s of spec) {
    const c: Constraint =
      s.type === 'relative'
        ? { type: 'relative', value: Math.round(s.factor * 1000) / 10 }
        : { type: 'absolute', value: s.factor * home[`tail_${s.metric}`] };
    hard[s.metric] = c;
  }
  return { ...input, constraints: { ...input.constraints, hard } };
}

export function solveOne(
  input: SolverInput,
  hour: number,
  algorithm: AlgorithmName,
  seed: number,
  mc = ADAPTIVE,
  verifySamples?: number,
): HourSolution {
  const model = prepareModel(input);
  const calculator = createCalculator('go', model, { ...mc, seed });
  return solveHour(model, calculator, {
    hour,
    algorithm,
    seed,
    budgetMs: Infinity,
    constraints: input.constraints,
    ...(verifySamples ? { verifySamples } : {}),
  });
}

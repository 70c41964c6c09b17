import { loadSolverInput } from './shared/solver/importer.js';
import { prepareModel } from './shared/solver/model.js';
import { FastCalculator } from './shared/solver/calculators/fast.js';
const F = 'test/fixtures/solver';
const input = await loadSolverInput(`${F}/data`, `${F}/map_reduce.json`);
const m = prepareModel(input);
const f = new FastCalculator(m, { seed: 7, minSamples: 2000, maxSamples: 2000 });
f.setHour(12);
const ps = [new Array(m.N).fill(m.home), m.permitted.map((p) => p[p.length - 1]!)];
for (let i = 0; i < 100; i++) f.evaluate(ps[i % 2]!);
const best: number[] = [];
for (let r = 0; r < 5; r++) { const c0 = process.cpuUsage(); for (let i = 0; i < 200; i++) f.evaluate(ps[i % 2]!); const c = process.cpuUsage(c0); best.push((c.user + c.system) / 1000 / 200); }
console.log('cpu ms/eval', Math.min(...best).toFixed(3), best.map((x) => x.toFixed(3)).join(' '), f.evaluate(ps[0]!).average_carbon);

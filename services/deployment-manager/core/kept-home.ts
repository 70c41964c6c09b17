// Why an instance stayed at home when a greener permitted region existed: the solver only keeps
// placements that meet every hard constraint (on the 95th-percentile metrics), so an instance the
// carbon objective would move but that stays home is explained by re-evaluating the plan with that
// one instance moved to the greenest permitted region and naming the constraint it breaks.
import { createCalculator, prepareModel, type SolveResult } from '../../../shared/solver/index.js';
import type { StagedPlan } from '../../../shared/contracts/staged-plan.js';
import type { CalculatorType, Constraint, MetricName, PlanMetrics, SolverInput } from '../../../shared/solver/types.js';

/** The solver's reasons per solve hour (fallback to home, replaced finalist), for the staged plan. */
export function hourReasons(result: SolveResult): NonNullable<StagedPlan['hour_reasons']> {
  return result.hours
    .filter((h) => h.reason !== undefined)
    .map((h) => ({ hour: h.hour, reason: h.reason!, ...(h.verification ? { verification: h.verification } : {}) }));
}

export interface KeptHome {
  instance: string;
  reason: string;
}

function brokenHard(m: PlanMetrics, home: PlanMetrics, hard: SolverInput['constraints']['hard']): string | undefined {
  for (const [metric, c] of Object.entries(hard) as Array<[MetricName, Constraint | undefined]>) {
    if (!c) continue;
    const key = `tail_${metric}` as const;
    const limit = c.type === 'absolute' ? c.value : (c.value * home[key]) / 100;
    if (m[key] > limit) {
      const how = c.type === 'absolute' ? `limit ${c.value}` : `limit ${c.value}% of home = ${limit.toPrecision(4)}`;
      return `hard ${metric} constraint: p95 ${metric} ${m[key].toPrecision(4)} > ${how}`;
    }
  }
  return undefined;
}

export function explainKeptHome(input: SolverInput, result: SolveResult, calculator: CalculatorType, seed = 0): KeptHome[] {
  const model = prepareModel(input);
  const calc = createCalculator(calculator, model, { seed });
  const reasons = new Map<string, { reason: string; hours: number[] }>();
  const note = (instance: string, reason: string, hour: number) => {
    const seen = reasons.get(instance);
    if (seen) seen.hours.push(hour);
    else reasons.set(instance, { reason, hours: [hour] });
  };
  for (const h of result.hours) {
    if (h.fellBackToHome) {
      // The solver says which check failed (search, or the finalists' confidence bound).
      for (const name of model.instanceNames) note(name, h.reason ?? 'no placement met the hard constraints; home kept', h.hour);
      continue;
    }
    const ci = model.carbonIntensity(h.hour).regions;
    calc.setHour(h.hour);
    model.instanceNames.forEach((name, i) => {
      if (h.placement[i] !== model.home) return;
      const greener = model.permitted[i]!.filter((r) => ci[r]! < ci[model.home]!).sort((a, b) => ci[a]! - ci[b]!);
      const target = greener[0];
      if (target === undefined) return;
      const moved = h.placement.slice();
      moved[i] = target;
      const broken = brokenHard(calc.evaluate(moved), h.homeMetrics, input.constraints.hard);
      if (broken)
        note(name, `${model.regionKeys[target]} (${ci[target]} vs home ${ci[model.home]} gCO2e/kWh) breaks the ${broken}`, h.hour);
    });
  }
  return [...reasons].map(([instance, r]) => ({
    instance,
    reason: `${r.reason} (solve hour${r.hours.length > 1 ? 's' : ''} ${r.hours.join(', ')})`,
  }));
}

// Fine-grained: every combination of permitted regions (last instance varies fastest). Exponential,
// so it refuses up front when the product of permitted-set sizes is above a limit.
import { ValidationError } from '../../errors.js';
import { FINE_GRAINED_MAX_DEPLOYMENTS } from '../constants.js';
import { failsHardConstraints, type Candidate } from '../ranker.js';
import { pastDeadline, type SearchContext } from './context.js';

export function deploymentCount(permitted: number[][]): number {
  return permitted.reduce((n, p) => n * p.length, 1);
}

export function fineGrained(ctx: SearchContext, limit = FINE_GRAINED_MAX_DEPLOYMENTS): Candidate[] {
  const total = deploymentCount(ctx.permitted);
  if (total > limit) {
    throw new ValidationError(
      `fine-grained search refused: ${total.toExponential(2)} deployments (${ctx.permitted.map((p) => p.length).join('×')} permitted regions per instance) exceed the limit of ${limit}; use the stochastic or coarse algorithm`,
    );
  }
  const out: Candidate[] = [];
  const digits = new Array<number>(ctx.N).fill(0);
  for (let n = 0; n < total; n++) {
    if (pastDeadline(ctx)) break;
    const placement = digits.map((d, i) => ctx.permitted[i]![d]!);
    const isHome = placement.every((r) => r === ctx.home);
    const metrics = isHome ? ctx.homeMetrics : ctx.calculator.evaluate(placement);
    if (!failsHardConstraints(metrics, ctx.homeMetrics, ctx.constraints.hard)) out.push({ placement, metrics });
    for (let i = ctx.N - 1; i >= 0; i--) {
      if (++digits[i]! < ctx.permitted[i]!.length) break;
      digits[i] = 0;
    }
  }
  return out;
}

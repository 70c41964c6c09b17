// Coarse-grained: every instance in the same region, for each region permitted to all instances.
import { failsHardConstraints, type Candidate } from '../ranker.js';
import { pastDeadline, type SearchContext } from './context.js';

export function coarseGrained(ctx: SearchContext): Candidate[] {
  const out: Candidate[] = [];
  for (let r = 0; r < ctx.R; r++) {
    if (!ctx.permitted.every((p) => p.includes(r))) continue;
    if (pastDeadline(ctx)) break;
    const placement = new Array<number>(ctx.N).fill(r);
    const metrics = r === ctx.home ? ctx.homeMetrics : ctx.calculator.evaluate(placement);
    if (!failsHardConstraints(metrics, ctx.homeMetrics, ctx.constraints.hard)) out.push({ placement, metrics });
  }
  return out;
}

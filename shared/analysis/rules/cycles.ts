// Rule `cycle`: the calls reachable from the entry point form no cycle (DFS over call sites,
// self-calls included); Caribou has no loops between functions.
import type { AnalyzedFunction } from '../source-analysis.js';
import type { AnalysisContext } from './context.js';

export function cycleRules(ctx: AnalysisContext): void {
  const { byName } = ctx.functions;
  const entry = [...byName.values()].find((f) => f.entryPoint);
  if (!entry) return;
  const state = new Map<string, 'visiting' | 'done'>();
  const dfs = (fn: AnalyzedFunction) => {
    state.set(fn.name, 'visiting');
    for (const site of fn.callSites) {
      const s = state.get(site.target);
      if (s === 'visiting') {
        ctx.diagnostics.push({
          ...site.location,
          rule: 'cycle',
          message: `cycle: ${fn.name} calls ${site.target}, which is already on the path from the entry point`,
          hint: 'workflows are acyclic; restructure the calls (Caribou has no loops between functions)',
        });
      } else if (s === undefined) dfs(byName.get(site.target)!);
    }
    state.set(fn.name, 'done');
  };
  dfs(entry);
}

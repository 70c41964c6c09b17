// Rules on the entry point: exactly one function has entryPoint: true, and it is not a
// synchronization node (no-entry-point, no-functions, several-entry-points, sync-entry-point).
import type { AnalysisContext } from './context.js';

export function entryPointRules(ctx: AnalysisContext): void {
  const { diagnostics } = ctx;
  const workflowAt = ctx.loc(ctx.workflow!.newExpression);
  const functions = [...ctx.functions.byName.values()];
  const entries = functions.filter((f) => f.entryPoint);
  if (functions.length > 0 && entries.length === 0) {
    diagnostics.push({
      ...workflowAt,
      rule: 'no-entry-point',
      message: 'no entry point: no function has entryPoint: true',
      hint: 'mark exactly one function with entryPoint: true',
    });
  }
  if (functions.length === 0 && diagnostics.length === 0) {
    diagnostics.push({
      ...workflowAt,
      rule: 'no-functions',
      message: 'the workflow registers no function',
      hint: 'register functions with workflow.serverlessFunction',
    });
  }
  for (const extra of entries.slice(1)) {
    diagnostics.push({
      ...extra.location,
      rule: 'several-entry-points',
      message: `several entry points (${entries.map((e) => e.name).join(', ')})`,
      hint: 'exactly one function may have entryPoint: true',
    });
  }
  for (const entry of entries) {
    if (entry.isSync) {
      diagnostics.push({
        ...entry.location,
        rule: 'sync-entry-point',
        message: `entry point "${entry.name}" is a synchronization node (it calls getPredecessorData)`,
        hint: 'the entry point has no predecessors; move getPredecessorData to a later function',
      });
    }
  }
}

// Static analysis of a workflow's source with the TypeScript compiler API: finds the workflow, its
// registered functions and every successor call site (following helper functions a handler calls,
// also across the project's own modules), and rejects patterns the runtime cannot honour. The rules
// live in rules/, one module per family; this driver runs them in order on one shared context
// (each reads what the ones before it found). Adding a rule module is one line in RULES.
import path from 'node:path';
import { WorkflowAnalysisError } from './diagnostics.js';
import type { SourceAnalysis } from './source-analysis.js';
import { createContext, type AnalysisContext } from './rules/context.js';
import { workflowRules } from './rules/workflow.js';
import { functionRules } from './rules/functions.js';
import { callSiteRules } from './rules/call-sites.js';
import { entryPointRules } from './rules/entry-points.js';
import { cycleRules } from './rules/cycles.js';

export type { AnalyzedFunction, CallSite, SourceAnalysis } from './source-analysis.js';

/** A rule family: reads the context, adds diagnostics (and, for the first ones, what it found). */
export type AnalysisRule = (ctx: AnalysisContext) => void;

/** In order: the workflow first (it stops the analysis when there is none), then its functions. */
export const RULES: readonly AnalysisRule[] = [workflowRules, functionRules, callSiteRules, entryPointRules, cycleRules];

export function analyzeSource(entryFile: string, projectDir = path.dirname(entryFile)): SourceAnalysis {
  const ctx = createContext(entryFile, projectDir);
  for (const rule of RULES) rule(ctx);
  if (ctx.diagnostics.length > 0) throw new WorkflowAnalysisError(ctx.diagnostics);
  const workflow = ctx.workflow!;
  return {
    file: ctx.absEntry,
    workflowName: workflow.name,
    workflowVersion: workflow.version,
    workflowLocation: ctx.loc(workflow.newExpression),
    functions: [...ctx.functions.byName.values()],
  };
}

// Rules on the workflow itself: exactly one `const x = new CaribouWorkflow({ name, version })` with
// literal options (workflow-not-const, no-workflow, several-workflows, workflow-options). Without a
// workflow nothing else can be analysed: no-workflow stops the analysis.
import ts from 'typescript';
import { WorkflowAnalysisError } from '../diagnostics.js';
import type { AnalysisContext } from './context.js';
import { evalLiteral, LiteralError } from './literal.js';

export function workflowRules(ctx: AnalysisContext): void {
  const { report } = ctx;
  const workflowDecls: { decl: ts.VariableDeclaration; call: ts.NewExpression }[] = [];
  ctx.visitAll((node) => {
    if (!ts.isNewExpression(node)) return;
    const callee = node.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (name !== 'CaribouWorkflow') return;
    if (ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) workflowDecls.push({ decl: node.parent, call: node });
    else
      report(
        node,
        'workflow-not-const',
        'new CaribouWorkflow(...) must initialise a variable',
        'write `export const workflow = new CaribouWorkflow({ name, version })`',
      );
  });
  if (workflowDecls.length === 0) {
    report(
      ctx.entrySource,
      'no-workflow',
      'no `new CaribouWorkflow({ name, version })` found in the workflow source',
      'create the workflow once at the top of app.ts',
    );
    throw new WorkflowAnalysisError(ctx.diagnostics);
  }
  for (const extra of workflowDecls.slice(1)) {
    report(
      extra.call,
      'several-workflows',
      'a project defines exactly one CaribouWorkflow',
      'keep one workflow per project; split others into their own project',
    );
  }
  const { decl: workflowDecl, call: workflowNew } = workflowDecls[0]!;
  ctx.workflow = { name: '', version: '', symbol: ctx.resolve(workflowDecl.name), newExpression: workflowNew };
  try {
    const arg = workflowNew.arguments?.[0];
    if (!arg) throw new LiteralError(workflowNew, 'new CaribouWorkflow needs an options object { name, version }');
    const value = evalLiteral(ctx, arg) as { name?: unknown; version?: unknown };
    if (typeof value?.name !== 'string') throw new LiteralError(arg, 'workflow name must be a string literal');
    if (typeof value?.version !== 'string') throw new LiteralError(arg, 'workflow version must be a string literal');
    ctx.workflow.name = value.name;
    ctx.workflow.version = value.version;
  } catch (error) {
    if (!(error instanceof LiteralError)) throw error;
    report(
      error.node,
      'workflow-options',
      error.message,
      'write new CaribouWorkflow({ name: "my_workflow", version: "0.0.1" }) with literal values',
    );
  }
}

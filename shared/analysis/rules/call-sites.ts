// Rules on successor calls: every `workflow.invokeServerlessFunction(fn, …)` runs on every execution
// of a handler, in the same order (not inside a branch, loop, try, short-circuit or callback), names
// a registered function, and is reached from a handler; helpers a handler calls are followed (also
// across the project's modules) and inlined at their call position (nested-registration,
// invoke-in-conditional, unknown-callee, handler-called-directly, recursive-helper,
// invoke-outside-handler). Sets each function's callSites and isSync.
import ts from 'typescript';
import type { CallSite } from '../source-analysis.js';
import { functionLikeOf, skipParens, type AnalysisContext } from './context.js';

const HINT_CONDITION =
  'always execute the call and pass the condition as its third argument: workflow.invokeServerlessFunction(fn, payload, condition)';

/** The construct between `node` and the handler `root` that may skip or repeat it, if any. */
function forbiddenContext(node: ts.Node, root: ts.Node): string | undefined {
  let child: ts.Node = node;
  let p: ts.Node | undefined = node.parent;
  while (p && p !== root) {
    if (ts.isIfStatement(p) && child !== p.expression) return 'an `if` statement';
    if (ts.isConditionalExpression(p) && child !== p.condition) return 'a conditional (ternary) expression';
    if (ts.isSwitchStatement(p) && child !== p.expression) return 'a `switch` statement';
    if ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && child !== p.expression) return 'a loop';
    if (ts.isForStatement(p) && child !== p.initializer) return 'a loop';
    if (ts.isWhileStatement(p) || ts.isDoStatement(p)) return 'a loop';
    if (ts.isTryStatement(p) || ts.isCatchClause(p)) return 'a `try` statement';
    if (
      ts.isBinaryExpression(p) &&
      child === p.right &&
      [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(p.operatorToken.kind)
    ) {
      return 'a short-circuit (&&, ||, ??) operand';
    }
    if (ts.isFunctionLike(p)) return 'a callback (a function nested in the handler)';
    child = p;
    p = p.parent;
  }
  return undefined;
}

interface Collected {
  callSites: CallSite[];
  usesPredecessorData: boolean;
}

export function callSiteRules(ctx: AnalysisContext): void {
  const { report, resolve, declarationOf, inProject } = ctx;
  const { bySymbol, handlers, invokeNodes } = ctx.functions;
  const visitedInvokes = new Set<ts.CallExpression>();

  const stackContainsRecursion = (helper: ts.SignatureDeclaration): boolean => {
    let found = false;
    const body = (helper as ts.FunctionLikeDeclaration).body;
    const seen = new Set<ts.Node>();
    const walk = (node: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(node)) {
        const callee = skipParens(node.expression);
        if (ts.isIdentifier(callee)) {
          const fnLike = functionLikeOf(declarationOf(resolve(callee)));
          if (fnLike === helper) found = true;
          else if (fnLike && inProject(fnLike) && !seen.has(fnLike)) {
            seen.add(fnLike);
            const b = (fnLike as ts.FunctionLikeDeclaration).body;
            if (b) walk(b);
          }
        }
      }
      ts.forEachChild(node, walk);
    };
    if (body) walk(body);
    return found;
  };

  const collect = (fnNode: ts.SignatureDeclaration, stack: ts.SignatureDeclaration[]): Collected => {
    const out: Collected = { callSites: [], usesPredecessorData: false };
    const body = (fnNode as ts.FunctionLikeDeclaration).body;
    if (!body) return out;
    const walk = (node: ts.Node): void => {
      // Arguments are evaluated before the call itself: visit children first.
      ts.forEachChild(node, walk);
      if (!ts.isCallExpression(node)) return;
      const method = ctx.sdkMethod(node);
      if (method === 'getPredecessorData') {
        out.usesPredecessorData = true;
        return;
      }
      if (method === 'serverlessFunction') {
        report(
          node,
          'nested-registration',
          'serverlessFunction must be called at module top level',
          'register every function once, outside handlers',
        );
        return;
      }
      if (method === 'invokeServerlessFunction') {
        visitedInvokes.add(node);
        const where = forbiddenContext(node, fnNode);
        if (where)
          report(
            node,
            'invoke-in-conditional',
            `invokeServerlessFunction inside ${where}: successor calls must run on every execution, in the same order`,
            HINT_CONDITION,
          );
        const first = node.arguments[0];
        const target = first && ts.isIdentifier(skipParens(first)) ? bySymbol.get(resolve(skipParens(first))!) : undefined;
        if (!target) {
          report(
            first ?? node,
            'unknown-callee',
            'the first argument of invokeServerlessFunction is not a function registered with workflow.serverlessFunction',
            'pass the const returned by workflow.serverlessFunction directly (no aliases, properties or expressions)',
          );
          return;
        }
        out.callSites.push({ target: target.name, conditional: node.arguments.length >= 3, location: ctx.loc(node) });
        return;
      }
      // A helper: a function declared in the project, called by name.
      const callee = skipParens(node.expression);
      if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return;
      const decl = declarationOf(resolve(ts.isPropertyAccessExpression(callee) ? callee.name : callee));
      if (!decl || !inProject(decl)) return;
      const helper = functionLikeOf(decl);
      if (!helper) return;
      if ([...handlers.values()].includes(helper)) {
        report(
          node,
          'handler-called-directly',
          'a handler calls another registered function directly',
          'use workflow.invokeServerlessFunction to call another function of the workflow',
        );
        return;
      }
      if (stack.includes(helper)) return; // recursion: reported at the outer call if the helper invokes anything
      const inner = collect(helper, [...stack, helper]);
      if (inner.callSites.length > 0) {
        const where = forbiddenContext(node, fnNode);
        if (where)
          report(node, 'invoke-in-conditional', `this call to a helper that invokes successors is inside ${where}`, HINT_CONDITION);
        if (stackContainsRecursion(helper)) {
          report(
            node,
            'recursive-helper',
            'a recursive helper invokes successors: the number of calls cannot be known statically',
            'invoke successors from a non-recursive function',
          );
        }
      }
      out.callSites.push(...inner.callSites);
      out.usesPredecessorData ||= inner.usesPredecessorData;
    };
    walk(body);
    return out;
  };

  for (const [fn, handler] of handlers) {
    const collected = collect(handler, [handler]);
    fn.callSites = collected.callSites;
    fn.isSync = collected.usesPredecessorData;
  }
  for (const node of invokeNodes) {
    if (!visitedInvokes.has(node)) {
      report(
        node,
        'invoke-outside-handler',
        'invokeServerlessFunction is not reached from any registered handler',
        'call it inside a handler (or a helper a handler calls)',
      );
    }
  }
}

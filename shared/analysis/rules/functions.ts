// Rules on registered functions: `const f = workflow.serverlessFunction(options, handler)` at module
// level with literal options, a valid unique name, well-formed environment variables (no reserved
// keys) and a handler the analysis can follow (function-not-const, function-options, function-name,
// duplicate-function, reserved-env, handler). Fills ctx.functions for the rules after it.
import ts from 'typescript';
import { FUNCTION_NAME_RE } from '../names.js';
import type { EnvironmentVariable, RegionsAndProviders } from '../../sdk/types.js';
import type { AnalyzedFunction } from '../source-analysis.js';
import { functionLikeOf, skipParens, type AnalysisContext } from './context.js';
import { evalLiteral, LiteralError } from './literal.js';

function handlerNode(ctx: AnalysisContext, arg: ts.Expression | undefined): ts.SignatureDeclaration | undefined {
  if (!arg) return undefined;
  const node = skipParens(arg);
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return node;
  if (ts.isIdentifier(node)) {
    const decl = ctx.declarationOf(ctx.resolve(node));
    if (decl && ctx.inProject(decl)) return functionLikeOf(decl);
  }
  return undefined;
}

export function functionRules(ctx: AnalysisContext): void {
  const { report } = ctx;
  const { byName, bySymbol, handlers, invokeNodes } = ctx.functions;
  ctx.visitAll((node) => {
    if (!ts.isCallExpression(node)) return;
    const method = ctx.sdkMethod(node);
    if (method === 'invokeServerlessFunction') invokeNodes.push(node);
    if (method !== 'serverlessFunction') return;
    const parent = node.parent;
    if (!ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name) || !(ts.getCombinedNodeFlags(parent) & ts.NodeFlags.Const)) {
      report(
        node,
        'function-not-const',
        'the result of workflow.serverlessFunction must be assigned to a const',
        'write `const myFunction = workflow.serverlessFunction({...}, handler)` so successors can invoke it',
      );
      return;
    }
    let options: Record<string, unknown> = {};
    try {
      const arg = node.arguments[0];
      if (!arg) throw new LiteralError(node, 'serverlessFunction needs an options object');
      const value = evalLiteral(ctx, arg);
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new LiteralError(arg, 'options must be an object');
      options = value as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof LiteralError)) throw error;
      report(
        error.node,
        'function-options',
        error.message,
        'pass the options as an object literal of literal values (consts holding literals are fine)',
      );
      return;
    }
    const name = options.name;
    if (typeof name !== 'string' || !FUNCTION_NAME_RE.test(name)) {
      report(
        node.arguments[0]!,
        'function-name',
        `function name ${JSON.stringify(name)} is invalid: 1-20 letters, digits or _ expected`,
        'shorten the name; it becomes part of the Lambda name `<stack>_<workflow>-<version>-<name>_aws-<region>` (64 chars max)',
      );
      return;
    }
    if (byName.has(name)) {
      report(node, 'duplicate-function', `a function named "${name}" is already registered`, 'give every function a unique name');
      return;
    }
    if (options.entryPoint !== undefined && typeof options.entryPoint !== 'boolean') {
      report(node.arguments[0]!, 'function-options', 'entryPoint must be a boolean', 'write entryPoint: true on the entry function only');
    }
    const env = (options.environmentVariables ?? []) as EnvironmentVariable[];
    if (!Array.isArray(env) || env.some((v) => typeof v?.key !== 'string' || typeof v?.value !== 'string')) {
      report(
        node.arguments[0]!,
        'function-options',
        'environmentVariables must be a list of { key, value } strings',
        'write environmentVariables: [{ key: "NAME", value: "value" }]',
      );
    } else {
      for (const v of env) {
        if (v.key.includes('AWS_REGION') || v.key.startsWith('CARIBOU_')) {
          report(
            node.arguments[0]!,
            'reserved-env',
            `environment variable "${v.key}" is reserved`,
            'AWS_REGION and CARIBOU_* are set by the platform; choose another key',
          );
        }
      }
    }
    const rp = (options.regionsAndProviders ?? null) as RegionsAndProviders | null;
    const handler = handlerNode(ctx, node.arguments[1]);
    if (!handler) {
      report(
        node.arguments[1] ?? node,
        'handler',
        'the handler must be a function (arrow, function expression, or the name of a function declared in the project)',
        'pass the handler inline or name a function declared in this project',
      );
      return;
    }
    const fn: AnalyzedFunction = {
      name,
      variable: parent.name.text,
      entryPoint: options.entryPoint === true,
      isSync: false,
      regionsAndProviders: rp,
      environmentVariables: Array.isArray(env) ? env : [],
      callSites: [],
      location: ctx.loc(node),
    };
    const symbol = ctx.resolve(parent.name);
    if (symbol) bySymbol.set(symbol, fn);
    byName.set(name, fn);
    handlers.set(fn, handler);
  });
}

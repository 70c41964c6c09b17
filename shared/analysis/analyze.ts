// Static analysis of a workflow's source with the TypeScript compiler API: finds the workflow, its
// registered functions and every successor call site (following helper functions a handler calls,
// also across the project's own modules), and rejects patterns the runtime cannot honour.
import path from 'node:path';
import ts from 'typescript';
import type { AnalysisDiagnostic, SourceLocation } from './diagnostics.js';
import { WorkflowAnalysisError } from './diagnostics.js';
import { FUNCTION_NAME_RE } from './names.js';
import type { EnvironmentVariable, RegionsAndProviders } from '../sdk/types.js';

export interface CallSite {
  /** Name of the invoked function. */
  target: string;
  /** True when a `condition` argument was passed (the call may be skipped at run time). */
  conditional: boolean;
  location: SourceLocation;
}

export interface AnalyzedFunction {
  name: string;
  /** The const the handle was assigned to (the symbol successors invoke it by). */
  variable: string;
  entryPoint: boolean;
  /** True when the handler (or a helper it calls) uses getPredecessorData. */
  isSync: boolean;
  regionsAndProviders: RegionsAndProviders | null;
  environmentVariables: EnvironmentVariable[];
  /** Successor calls in the order they execute (helpers inlined at their call position). */
  callSites: CallSite[];
  location: SourceLocation;
}

export interface SourceAnalysis {
  file: string;
  workflowName: string;
  workflowVersion: string;
  workflowLocation: SourceLocation;
  functions: AnalyzedFunction[];
}

const SDK_METHODS = new Set(['serverlessFunction', 'invokeServerlessFunction', 'getPredecessorData']);

class LiteralError extends Error {
  constructor(readonly node: ts.Node, message: string) {
    super(message);
  }
}

export function analyzeSource(entryFile: string, projectDir = path.dirname(entryFile)): SourceAnalysis {
  const absEntry = path.resolve(entryFile);
  const root = path.resolve(projectDir) + path.sep;
  const program = ts.createProgram([absEntry], {
    noLib: true,
    types: [],
    allowJs: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const diagnostics: AnalysisDiagnostic[] = [];
  const entrySource = program.getSourceFile(absEntry);
  if (!entrySource) {
    throw new WorkflowAnalysisError([
      { file: absEntry, line: 1, column: 1, rule: 'no-source', message: 'workflow source file not found', hint: 'run from the project folder that holds app.ts' },
    ]);
  }
  const projectFiles = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && path.resolve(f.fileName).startsWith(root) && !f.fileName.includes(`${path.sep}node_modules${path.sep}`));

  const loc = (node: ts.Node): SourceLocation => {
    const sf = node.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { file: path.relative(process.cwd(), sf.fileName) || sf.fileName, line: line + 1, column: character + 1 };
  };
  const report = (node: ts.Node, rule: string, message: string, hint: string) => diagnostics.push({ ...loc(node), rule, message, hint });

  const resolve = (node: ts.Node): ts.Symbol | undefined => {
    let symbol = checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol;
  };
  const declarationOf = (symbol: ts.Symbol | undefined): ts.Declaration | undefined => symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  const inProject = (node: ts.Node) => projectFiles.includes(node.getSourceFile());

  // --- the workflow --------------------------------------------------------------------------
  const workflowDecls: { decl: ts.VariableDeclaration; call: ts.NewExpression }[] = [];
  const visitAll = (visit: (node: ts.Node) => void) => {
    for (const sf of projectFiles) {
      const walk = (node: ts.Node) => {
        visit(node);
        ts.forEachChild(node, walk);
      };
      walk(sf);
    }
  };
  visitAll((node) => {
    if (!ts.isNewExpression(node)) return;
    const callee = node.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (name !== 'CaribouWorkflow') return;
    if (ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) workflowDecls.push({ decl: node.parent, call: node });
    else report(node, 'workflow-not-const', 'new CaribouWorkflow(...) must initialise a variable', 'write `export const workflow = new CaribouWorkflow({ name, version })`');
  });
  if (workflowDecls.length === 0) {
    report(entrySource, 'no-workflow', 'no `new CaribouWorkflow({ name, version })` found in the workflow source', 'create the workflow once at the top of app.ts');
    throw new WorkflowAnalysisError(diagnostics);
  }
  for (const extra of workflowDecls.slice(1)) {
    report(extra.call, 'several-workflows', 'a project defines exactly one CaribouWorkflow', 'keep one workflow per project; split others into their own project');
  }
  const { decl: workflowDecl, call: workflowNew } = workflowDecls[0]!;
  const workflowSymbol = resolve(workflowDecl.name);
  let workflowName = '';
  let workflowVersion = '';
  try {
    const arg = workflowNew.arguments?.[0];
    if (!arg) throw new LiteralError(workflowNew, 'new CaribouWorkflow needs an options object { name, version }');
    const value = evalLiteral(arg) as { name?: unknown; version?: unknown };
    if (typeof value?.name !== 'string') throw new LiteralError(arg, 'workflow name must be a string literal');
    if (typeof value?.version !== 'string') throw new LiteralError(arg, 'workflow version must be a string literal');
    workflowName = value.name;
    workflowVersion = value.version;
  } catch (error) {
    if (!(error instanceof LiteralError)) throw error;
    report(error.node, 'workflow-options', error.message, 'write new CaribouWorkflow({ name: "my_workflow", version: "0.0.1" }) with literal values');
  }

  const isWorkflowRef = (expr: ts.Expression) => ts.isIdentifier(expr) && workflowSymbol !== undefined && resolve(expr) === workflowSymbol;
  const sdkMethod = (node: ts.CallExpression): string | undefined => {
    const callee = node.expression;
    if (ts.isPropertyAccessExpression(callee) && SDK_METHODS.has(callee.name.text) && isWorkflowRef(callee.expression)) return callee.name.text;
    return undefined;
  };

  // --- literal evaluation (options must be static) -----------------------------------------------
  function evalLiteral(node: ts.Node, depth = 0): unknown {
    if (depth > 20) throw new LiteralError(node, 'value nests too deeply');
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node)) {
      return evalLiteral(node.expression, depth + 1);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (node.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text);
    if (ts.isArrayLiteralExpression(node)) return node.elements.map((e) => evalLiteral(e, depth + 1));
    if (ts.isObjectLiteralExpression(node)) {
      const out: Record<string, unknown> = {};
      for (const prop of node.properties) {
        if (ts.isPropertyAssignment(prop) && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) {
          out[prop.name.text] = evalLiteral(prop.initializer, depth + 1);
        } else if (ts.isShorthandPropertyAssignment(prop)) {
          out[prop.name.text] = evalIdentifier(prop.name, depth);
        } else throw new LiteralError(prop, 'only plain `key: value` properties can be read statically');
      }
      return out;
    }
    if (ts.isIdentifier(node)) {
      if (node.text === 'undefined') return undefined;
      return evalIdentifier(node, depth);
    }
    throw new LiteralError(node, `this value must be a literal (string, number, boolean, null, array or object), found ${ts.SyntaxKind[node.kind]}`);
  }
  function evalIdentifier(id: ts.Identifier, depth: number): unknown {
    const symbol = checker.getShorthandAssignmentValueSymbol(id.parent) ?? resolve(id);
    const decl = declarationOf(symbol);
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) {
      try {
        return evalLiteral(decl.initializer, depth + 1);
      } catch (error) {
        if (error instanceof LiteralError) throw new LiteralError(id, `"${id.text}" is not a const with a literal value (${error.message})`);
        throw error;
      }
    }
    throw new LiteralError(id, `"${id.text}" is not a const with a literal value`);
  }

  // --- registered functions ----------------------------------------------------------------------
  const bySymbol = new Map<ts.Symbol, AnalyzedFunction>();
  const handlers = new Map<AnalyzedFunction, ts.SignatureDeclaration>();
  const byName = new Map<string, AnalyzedFunction>();
  const invokeNodes: ts.CallExpression[] = [];
  visitAll((node) => {
    if (!ts.isCallExpression(node)) return;
    const method = sdkMethod(node);
    if (method === 'invokeServerlessFunction') invokeNodes.push(node);
    if (method !== 'serverlessFunction') return;
    const parent = node.parent;
    if (!ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name) || !(ts.getCombinedNodeFlags(parent) & ts.NodeFlags.Const)) {
      report(node, 'function-not-const', 'the result of workflow.serverlessFunction must be assigned to a const', 'write `const myFunction = workflow.serverlessFunction({...}, handler)` so successors can invoke it');
      return;
    }
    let options: Record<string, unknown> = {};
    try {
      const arg = node.arguments[0];
      if (!arg) throw new LiteralError(node, 'serverlessFunction needs an options object');
      const value = evalLiteral(arg);
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new LiteralError(arg, 'options must be an object');
      options = value as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof LiteralError)) throw error;
      report(error.node, 'function-options', error.message, 'pass the options as an object literal of literal values (consts holding literals are fine)');
      return;
    }
    const name = options.name;
    if (typeof name !== 'string' || !FUNCTION_NAME_RE.test(name)) {
      report(node.arguments[0]!, 'function-name', `function name ${JSON.stringify(name)} is invalid: 1-20 letters, digits or _ expected`, 'shorten the name; it becomes part of the Lambda name `<stack>_<workflow>-<version>-<name>_aws-<region>` (64 chars max)');
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
      report(node.arguments[0]!, 'function-options', 'environmentVariables must be a list of { key, value } strings', 'write environmentVariables: [{ key: "NAME", value: "value" }]');
    } else {
      for (const v of env) {
        if (v.key.includes('AWS_REGION') || v.key.startsWith('CARIBOU_')) {
          report(node.arguments[0]!, 'reserved-env', `environment variable "${v.key}" is reserved`, 'AWS_REGION and CARIBOU_* are set by the platform; choose another key');
        }
      }
    }
    const rp = (options.regionsAndProviders ?? null) as RegionsAndProviders | null;
    const handler = handlerNode(node.arguments[1]);
    if (!handler) {
      report(node.arguments[1] ?? node, 'handler', 'the handler must be a function (arrow, function expression, or the name of a function declared in the project)', 'pass the handler inline or name a function declared in this project');
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
      location: loc(node),
    };
    const symbol = resolve(parent.name);
    if (symbol) bySymbol.set(symbol, fn);
    byName.set(name, fn);
    handlers.set(fn, handler);
  });

  function functionLikeOf(decl: ts.Node | undefined): ts.SignatureDeclaration | undefined {
    if (!decl) return undefined;
    if (ts.isFunctionDeclaration(decl) || ts.isArrowFunction(decl) || ts.isFunctionExpression(decl) || ts.isMethodDeclaration(decl)) {
      return decl.body ? decl : undefined;
    }
    if (ts.isVariableDeclaration(decl) && decl.initializer) {
      const init = skipParens(decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
    return undefined;
  }
  function skipParens(node: ts.Expression): ts.Expression {
    while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
    return node;
  }
  function handlerNode(arg: ts.Expression | undefined): ts.SignatureDeclaration | undefined {
    if (!arg) return undefined;
    const node = skipParens(arg);
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return node;
    if (ts.isIdentifier(node)) {
      const decl = declarationOf(resolve(node));
      if (decl && inProject(decl)) return functionLikeOf(decl);
    }
    return undefined;
  }

  // --- successor call sites ---------------------------------------------------------------------
  const visitedInvokes = new Set<ts.CallExpression>();
  const forbiddenContext = (node: ts.Node, root: ts.Node): string | undefined => {
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
  };
  const HINT_CONDITION = 'always execute the call and pass the condition as its third argument: workflow.invokeServerlessFunction(fn, payload, condition)';

  interface Collected {
    callSites: CallSite[];
    usesPredecessorData: boolean;
  }
  const collect = (fnNode: ts.SignatureDeclaration, stack: ts.SignatureDeclaration[]): Collected => {
    const out: Collected = { callSites: [], usesPredecessorData: false };
    const body = (fnNode as ts.FunctionLikeDeclaration).body;
    if (!body) return out;
    const walk = (node: ts.Node): void => {
      // Arguments are evaluated before the call itself: visit children first.
      ts.forEachChild(node, walk);
      if (!ts.isCallExpression(node)) return;
      const method = sdkMethod(node);
      if (method === 'getPredecessorData') {
        out.usesPredecessorData = true;
        return;
      }
      if (method === 'serverlessFunction') {
        report(node, 'nested-registration', 'serverlessFunction must be called at module top level', 'register every function once, outside handlers');
        return;
      }
      if (method === 'invokeServerlessFunction') {
        visitedInvokes.add(node);
        const where = forbiddenContext(node, fnNode);
        if (where) report(node, 'invoke-in-conditional', `invokeServerlessFunction inside ${where}: successor calls must run on every execution, in the same order`, HINT_CONDITION);
        const first = node.arguments[0];
        const target = first && ts.isIdentifier(skipParens(first)) ? bySymbol.get(resolve(skipParens(first))!) : undefined;
        if (!target) {
          report(first ?? node, 'unknown-callee', 'the first argument of invokeServerlessFunction is not a function registered with workflow.serverlessFunction', 'pass the const returned by workflow.serverlessFunction directly (no aliases, properties or expressions)');
          return;
        }
        out.callSites.push({ target: target.name, conditional: node.arguments.length >= 3, location: loc(node) });
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
        report(node, 'handler-called-directly', 'a handler calls another registered function directly', 'use workflow.invokeServerlessFunction to call another function of the workflow');
        return;
      }
      if (stack.includes(helper)) return; // recursion: reported at the outer call if the helper invokes anything
      const inner = collect(helper, [...stack, helper]);
      if (inner.callSites.length > 0) {
        const where = forbiddenContext(node, fnNode);
        if (where) report(node, 'invoke-in-conditional', `this call to a helper that invokes successors is inside ${where}`, HINT_CONDITION);
        if (stackContainsRecursion(helper)) {
          report(node, 'recursive-helper', 'a recursive helper invokes successors: the number of calls cannot be known statically', 'invoke successors from a non-recursive function');
        }
      }
      out.callSites.push(...inner.callSites);
      out.usesPredecessorData ||= inner.usesPredecessorData;
    };
    walk(body);
    return out;
  };
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

  for (const [fn, handler] of handlers) {
    const collected = collect(handler, [handler]);
    fn.callSites = collected.callSites;
    fn.isSync = collected.usesPredecessorData;
  }
  for (const node of invokeNodes) {
    if (!visitedInvokes.has(node)) {
      report(node, 'invoke-outside-handler', 'invokeServerlessFunction is not reached from any registered handler', 'call it inside a handler (or a helper a handler calls)');
    }
  }

  // --- entry point rules -------------------------------------------------------------------------
  const functions = [...byName.values()];
  const entries = functions.filter((f) => f.entryPoint);
  if (functions.length > 0 && entries.length === 0) {
    diagnostics.push({ ...loc(workflowNew), rule: 'no-entry-point', message: 'no entry point: no function has entryPoint: true', hint: 'mark exactly one function with entryPoint: true' });
  }
  if (functions.length === 0 && diagnostics.length === 0) {
    diagnostics.push({ ...loc(workflowNew), rule: 'no-functions', message: 'the workflow registers no function', hint: 'register functions with workflow.serverlessFunction' });
  }
  for (const extra of entries.slice(1)) {
    diagnostics.push({ ...extra.location, rule: 'several-entry-points', message: `several entry points (${entries.map((e) => e.name).join(', ')})`, hint: 'exactly one function may have entryPoint: true' });
  }
  for (const entry of entries) {
    if (entry.isSync) {
      diagnostics.push({ ...entry.location, rule: 'sync-entry-point', message: `entry point "${entry.name}" is a synchronization node (it calls getPredecessorData)`, hint: 'the entry point has no predecessors; move getPredecessorData to a later function' });
    }
  }
  // --- cycles (DFS over call sites, self-calls included) ---------------------------------------------
  const entry = entries[0];
  if (entry) {
    const state = new Map<string, 'visiting' | 'done'>();
    const dfs = (fn: AnalyzedFunction) => {
      state.set(fn.name, 'visiting');
      for (const site of fn.callSites) {
        const s = state.get(site.target);
        if (s === 'visiting') {
          diagnostics.push({ ...site.location, rule: 'cycle', message: `cycle: ${fn.name} calls ${site.target}, which is already on the path from the entry point`, hint: 'workflows are acyclic; restructure the calls (Caribou has no loops between functions)' });
        } else if (s === undefined) dfs(byName.get(site.target)!);
      }
      state.set(fn.name, 'done');
    };
    dfs(entry);
  }

  if (diagnostics.length > 0) throw new WorkflowAnalysisError(diagnostics);
  return { file: absEntry, workflowName, workflowVersion, workflowLocation: loc(workflowNew), functions };
}

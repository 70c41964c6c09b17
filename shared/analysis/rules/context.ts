// What every analysis rule works on: the TypeScript program of the project, node helpers, the
// diagnostics found so far, and what earlier rules found (the workflow, then its functions). The
// rules run in order (analyze.ts), each reading what the ones before it filled in.
import path from 'node:path';
import ts from 'typescript';
import type { AnalysisDiagnostic, SourceLocation } from '../diagnostics.js';
import { WorkflowAnalysisError } from '../diagnostics.js';
import type { AnalyzedFunction } from '../source-analysis.js';

const SDK_METHODS = new Set(['serverlessFunction', 'invokeServerlessFunction', 'getPredecessorData']);

/** The workflow found by the workflow rule. */
export interface FoundWorkflow {
  name: string;
  version: string;
  symbol: ts.Symbol | undefined;
  /** The `new CaribouWorkflow(...)` expression (its location anchors workflow-level diagnostics). */
  newExpression: ts.NewExpression;
}

export interface AnalysisContext {
  absEntry: string;
  entrySource: ts.SourceFile;
  checker: ts.TypeChecker;
  diagnostics: AnalysisDiagnostic[];
  loc(node: ts.Node): SourceLocation;
  report(node: ts.Node, rule: string, message: string, hint: string): void;
  resolve(node: ts.Node): ts.Symbol | undefined;
  declarationOf(symbol: ts.Symbol | undefined): ts.Declaration | undefined;
  inProject(node: ts.Node): boolean;
  /** Visits every node of the project's own source files. */
  visitAll(visit: (node: ts.Node) => void): void;
  /** Which SDK method of the workflow a call is (`workflow.serverlessFunction(...)`, …), if any. */
  sdkMethod(node: ts.CallExpression): string | undefined;
  /** Set by the workflow rule (which stops the analysis when there is none). */
  workflow?: FoundWorkflow;
  /** Filled by the functions rule. */
  functions: {
    byName: Map<string, AnalyzedFunction>;
    bySymbol: Map<ts.Symbol, AnalyzedFunction>;
    handlers: Map<AnalyzedFunction, ts.SignatureDeclaration>;
    /** Every `workflow.invokeServerlessFunction(...)` call in the project. */
    invokeNodes: ts.CallExpression[];
  };
}

export function skipParens(node: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
  return node;
}

/** The function-like declaration with a body behind a declaration (a function, or a const holding one). */
export function functionLikeOf(decl: ts.Node | undefined): ts.SignatureDeclaration | undefined {
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

export function createContext(entryFile: string, projectDir: string): AnalysisContext {
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
  const entrySource = program.getSourceFile(absEntry);
  if (!entrySource) {
    throw new WorkflowAnalysisError([
      {
        file: absEntry,
        line: 1,
        column: 1,
        rule: 'no-source',
        message: 'workflow source file not found',
        hint: 'run from the project folder that holds app.ts',
      },
    ]);
  }
  const projectFiles = program
    .getSourceFiles()
    .filter(
      (f) =>
        !f.isDeclarationFile && path.resolve(f.fileName).startsWith(root) && !f.fileName.includes(`${path.sep}node_modules${path.sep}`),
    );

  const diagnostics: AnalysisDiagnostic[] = [];
  const loc = (node: ts.Node): SourceLocation => {
    const sf = node.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { file: path.relative(process.cwd(), sf.fileName) || sf.fileName, line: line + 1, column: character + 1 };
  };
  const resolve = (node: ts.Node): ts.Symbol | undefined => {
    let symbol = checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol;
  };
  const ctx: AnalysisContext = {
    absEntry,
    entrySource,
    checker,
    diagnostics,
    loc,
    report: (node, rule, message, hint) => diagnostics.push({ ...loc(node), rule, message, hint }),
    resolve,
    declarationOf: (symbol) => symbol?.valueDeclaration ?? symbol?.declarations?.[0],
    inProject: (node) => projectFiles.includes(node.getSourceFile()),
    visitAll: (visit) => {
      for (const sf of projectFiles) {
        const walk = (node: ts.Node) => {
          visit(node);
          ts.forEachChild(node, walk);
        };
        walk(sf);
      }
    },
    sdkMethod: (node) => {
      const callee = node.expression;
      const symbol = ctx.workflow?.symbol;
      const isWorkflowRef = (expr: ts.Expression) => ts.isIdentifier(expr) && symbol !== undefined && resolve(expr) === symbol;
      if (ts.isPropertyAccessExpression(callee) && SDK_METHODS.has(callee.name.text) && isWorkflowRef(callee.expression))
        return callee.name.text;
      return undefined;
    },
    functions: { byName: new Map(), bySymbol: new Map(), handlers: new Map(), invokeNodes: [] },
  };
  return ctx;
}

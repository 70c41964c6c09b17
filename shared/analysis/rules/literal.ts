// Literal evaluation: the options of the workflow and of its functions must be static (literals, or
// consts holding literals), so the analysis can read them without running the code.
import ts from 'typescript';
import type { AnalysisContext } from './context.js';

export class LiteralError extends Error {
  constructor(
    readonly node: ts.Node,
    message: string,
  ) {
    super(message);
  }
}

export function evalLiteral(ctx: AnalysisContext, node: ts.Node, depth = 0): unknown {
  if (depth > 20) throw new LiteralError(node, 'value nests too deeply');
  if (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    return evalLiteral(ctx, node.expression, depth + 1);
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand))
    return -Number(node.operand.text);
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((e) => evalLiteral(ctx, e, depth + 1));
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const prop of node.properties) {
      if (ts.isPropertyAssignment(prop) && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) {
        out[prop.name.text] = evalLiteral(ctx, prop.initializer, depth + 1);
      } else if (ts.isShorthandPropertyAssignment(prop)) {
        out[prop.name.text] = evalIdentifier(ctx, prop.name, depth);
      } else throw new LiteralError(prop, 'only plain `key: value` properties can be read statically');
    }
    return out;
  }
  if (ts.isIdentifier(node)) {
    if (node.text === 'undefined') return undefined;
    return evalIdentifier(ctx, node, depth);
  }
  throw new LiteralError(
    node,
    `this value must be a literal (string, number, boolean, null, array or object), found ${ts.SyntaxKind[node.kind]}`,
  );
}

function evalIdentifier(ctx: AnalysisContext, id: ts.Identifier, depth: number): unknown {
  const symbol = ctx.checker.getShorthandAssignmentValueSymbol(id.parent) ?? ctx.resolve(id);
  const decl = ctx.declarationOf(symbol);
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) {
    try {
      return evalLiteral(ctx, decl.initializer, depth + 1);
    } catch (error) {
      if (error instanceof LiteralError) throw new LiteralError(id, `"${id.text}" is not a const with a literal value (${error.message})`);
      throw error;
    }
  }
  throw new LiteralError(id, `"${id.text}" is not a const with a literal value`);
}

// Every `assert.ok` / `assert(...)` retried by `eventually()` must carry a message. Without one,
// Node builds the message by re-reading and re-parsing the test file at the call site, which under
// tsx's loader hooks can cost minutes of CPU per failed attempt (nodejs/node#52962, #52677): a
// single early miss then outlives eventually()'s deadline. It made the local runtime's throttle
// test fail whenever its mapping case ran after the synchronous Invoke case, and looked like a
// runtime bug (a mapping "not processed within 90 s" that had been processed in 2 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const testRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** `file:line` of each message-less truthiness assert inside an `eventually(...)` argument. */
function messageLessAssertsInEventually(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const isTruthinessAssert = (callee: ts.Expression) =>
    (ts.isIdentifier(callee) && callee.text === 'assert') ||
    (ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      callee.expression.text === 'assert' &&
      callee.name.text === 'ok');
  const visit = (node: ts.Node, insideEventually: boolean): void => {
    if (ts.isCallExpression(node)) {
      if (insideEventually && isTruthinessAssert(node.expression) && node.arguments.length < 2) {
        found.push(`${path.relative(testRoot, fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
      }
      if (ts.isIdentifier(node.expression) && node.expression.text === 'eventually') {
        for (const arg of node.arguments) visit(arg, true);
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, insideEventually));
  };
  visit(source, false);
  return found;
}

test('the check finds a message-less assert.ok or assert() inside eventually() and accepts one with a message', () => {
  const sample = [
    'await eventually(async () => assert.ok(await ready()));',
    'await eventually(async () => { assert(x); });',
    "await eventually(async () => assert.ok(await ready(), 'not ready yet'));",
    'assert.ok(outside);',
  ].join('\n');
  assert.deepEqual(messageLessAssertsInEventually(path.join(testRoot, 'sample.ts'), sample), ['sample.ts:1', 'sample.ts:2']);
});

test('no test retries a message-less assert.ok / assert() in eventually()', () => {
  const offenders = testFiles(testRoot).flatMap((file) => messageLessAssertsInEventually(file, readFileSync(file, 'utf8')));
  assert.deepEqual(offenders, [], `give these asserts a message: ${offenders.join(', ')}`);
});

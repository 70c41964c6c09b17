import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DOC, docWithTable } from '../../../scripts/iam-table.js';

test('docs/operations.md lists exactly the IAM statements of the manifest', () => {
  const doc = readFileSync(DOC, 'utf8');
  assert.equal(doc, docWithTable(doc), 'the IAM table is stale: run `node --import tsx scripts/iam-table.ts --write`');
});

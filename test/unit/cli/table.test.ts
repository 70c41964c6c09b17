// `--output table` draws the command's JSON document, as the AWS CLI does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable, tableFromOutput } from '../../../cli/lib/table.js';
import { main } from '../../../cli/main-core.js';

test('a list of objects is one table with a column per key; missing keys are empty cells', () => {
  assert.deepEqual(
    renderTable([
      { workflow_id: 'a-0.0.1', runs: 3 },
      { workflow_id: 'bb-0.0.2', home: 'us-east-1' },
    ]),
    [
      '+-------------+------+-----------+',
      '| workflow_id | runs | home      |',
      '+-------------+------+-----------+',
      '| a-0.0.1     | 3    |           |',
      '| bb-0.0.2    |      | us-east-1 |',
      '+-------------+------+-----------+',
    ],
  );
});

test('an object is key/value rows with a titled sub-table per list of objects; other nesting is compact JSON', () => {
  assert.deepEqual(renderTable({ workflow: 'demo', regions: ['us-east-1'], runs: [{ id: 'r1' }] }), [
    '+----------+---------------+',
    '| workflow | demo          |',
    '| regions  | ["us-east-1"] |',
    '+----------+---------------+',
    '+------+',
    '| runs |',
    '+------+',
    '| id   |',
    '+------+',
    '| r1   |',
    '+------+',
  ]);
});

test('output that is not one JSON document passes through unchanged', () => {
  assert.deepEqual(tableFromOutput(['hello', 'world']), ['hello', 'world']);
});

test("--output table draws the command's JSON document (and --version's)", async () => {
  for (const argv of [
    ['--output', 'table', '--version'],
    ['--output', 'table', 'version'],
  ]) {
    const out: string[] = [];
    const status = await main(argv, { out: (l) => out.push(l), err: () => {} }, {});
    assert.equal(status, 0);
    assert.ok(
      out.every((l) => /^[+|]/.test(l)),
      `${argv.join(' ')}: every line is part of a table: ${out.join('\n')}`,
    );
    assert.ok(
      out.some((l) => /^\| version +\| \d+\.\d+\.\d+ +\|$/.test(l)),
      `${argv.join(' ')}: a version row`,
    );
  }
});

// The contracts accept only what the system can act on, and say which field is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAction } from '../../../shared/contracts/validate.js';
import { RUN_ARGUMENT_MAX_BYTES, RUN_ARGUMENT_MAX_DEPTH } from '../../../shared/contracts/actions.js';
import { ValidationError } from '../../../shared/errors.js';
import { routeAction } from '../../../services/action-router/core.js';
import { fakeDeps } from '../router/fakes.js';

const rda = (event: Record<string, unknown>) => ({
  action: 'internal_action',
  type: 'run_deployment_algorithm',
  event: { workflow_id: 'wf-0.0.1', deployment_metrics_calculator_type: 'simple', solve_hours: [0], leftover_tokens: 1, ...event },
});
const meta = (m: Record<string, unknown>) => ({
  action: 'internal_action',
  type: 'sync_workflow',
  event: { workflow_id: 'wf-1' },
  meta: { idempotency_key: 'k', root_id: 'r', hop: 1, ...m },
});
const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

const refused: Array<[string, unknown, RegExp]> = [
  ['workflow_id "a-.."', { action: 'remove', workflow_id: 'a-..' }, /field "workflow_id": expected "<workflow_name>-<version>"/],
  ['workflow_id with an empty version segment', { action: 'remove', workflow_id: 'a-1..2' }, /field "workflow_id"/],
  ['workflow_id with a leading dot', { action: 'remove', workflow_id: 'a-.1' }, /field "workflow_id"/],
  ['workflow name longer than the deployer allows', { action: 'remove', workflow_id: `${'n'.repeat(26)}-1` }, /field "workflow_id"/],
  ['version longer than 32', { action: 'remove', workflow_id: `a-${'1'.repeat(33)}` }, /field "workflow_id"/],
  ['unknown key on an action', { action: 'list', verbose: true }, /field "verbose": unexpected field/],
  ['unknown key on run', { action: 'run', workflow_id: 'a-1', arguments: {} }, /field "arguments": unexpected field/],
  [
    'unknown key in an internal event',
    { action: 'internal_action', type: 'sync_workflow', event: { workflow_id: 'a-1', force: true } },
    /field "event.force": unexpected field/,
  ],
  ['unknown key in meta', meta({ extra: 1 }), /field "meta.extra": unexpected field/],
  [
    '100,000 solve hours',
    rda({ solve_hours: Array.from({ length: 100_000 }, (_, i) => i % 24) }),
    /field "event.solve_hours": expected at most 24 solve hours/,
  ],
  ['a repeated solve hour', rda({ solve_hours: [3, '3'] }), /field "event.solve_hours": expected each hour at most once/],
  ['negative leftover_tokens', rda({ leftover_tokens: -1 }), /field "event.leftover_tokens": expected a number of tokens >= 0/],
  ['unbounded root_id', meta({ root_id: 'r'.repeat(129) }), /field "meta.root_id": expected 1-128 characters/],
  ['root_id with spaces', meta({ root_id: 'a b' }), /field "meta.root_id"/],
  ['idempotency_key with a newline', meta({ idempotency_key: 'k\n' }), /field "meta.idempotency_key"/],
  ['task_id too long', meta({ task_id: 't'.repeat(200) }), /field "meta.task_id"/],
  ['fractional hop', meta({ hop: 1.5 }), /field "meta.hop": expected an integer hop count/],
  [
    `argument nested ${RUN_ARGUMENT_MAX_DEPTH + 1} deep`,
    { action: 'run', workflow_id: 'a-1', argument: nested(RUN_ARGUMENT_MAX_DEPTH + 1) },
    /field "argument": nested deeper than 32 levels/,
  ],
  [
    'argument nested 100,000 deep',
    { action: 'run', workflow_id: 'a-1', argument: nested(100_000) },
    /field "argument": nested deeper than 32 levels/,
  ],
  [
    'argument as a deeply nested JSON string',
    { action: 'run', workflow_id: 'a-1', argument: `${'{"a":'.repeat(40)}1${'}'.repeat(40)}` },
    /field "argument": nested deeper/,
  ],
  [
    'argument larger than one SQS message can carry',
    { action: 'run', workflow_id: 'a-1', argument: { blob: 'x'.repeat(RUN_ARGUMENT_MAX_BYTES) } },
    /field "argument": \d+ bytes serialized; at most 200000/,
  ],
];

for (const [name, payload, message] of refused) {
  test(`refused: ${name}`, () => {
    assert.throws(
      () => parseAction(payload),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError, String(error));
        assert.match(error.message, message);
        return true;
      },
    );
  });
}

test('accepted at the bounds: depth 32, 24 distinct hours, 0 tokens, 128-character ids, dotted versions', () => {
  parseAction({ action: 'run', workflow_id: 'a-1', argument: nested(RUN_ARGUMENT_MAX_DEPTH) });
  parseAction(rda({ solve_hours: Array.from({ length: 24 }, (_, i) => String(i)), leftover_tokens: 0 }));
  parseAction(meta({ root_id: 'r'.repeat(128), idempotency_key: 'a1-B2_c.3:4#5/6', task_id: '0123456789abcdef0123456789abcdef' }));
  for (const id of ['image_processing-0.0.1', 'workflow_name-version_number', 'wf_0-1.0', `${'n'.repeat(25)}-${'9'.repeat(32)}`]) {
    parseAction({ action: 'remove', workflow_id: id });
  }
});

test('the router answers 400 to a 100,000-deep argument, without touching the workflow client', async () => {
  let runs = 0;
  const deps = fakeDeps({ workflows: { run: async () => ((runs += 1), { runId: 'x' }), remove: async () => {} } });
  const body = `{"action":"run","workflow_id":"a-1","argument":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const answer = await routeAction(JSON.parse(body), deps);
  assert.equal(answer.status, 400);
  assert.match(String(answer.message), /field "argument": nested deeper than 32 levels/);
  assert.equal(runs, 0);
});

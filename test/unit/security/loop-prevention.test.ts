// Loop prevention, proven from the declarations: every EventBridge rule and consumer comes from the
// manifest (terraform/manifest.ts), every emission from EMITS (shared/contracts/internal.ts). The
// system is simulated with the real router core, hop arithmetic (childCausation, as the
// TaskDispatcher applies it), release format (messageOf), consumer checks (parseInternalDelivery)
// and emission guard (followUp), with every handler emitting every type it may, twice. No internal
// event can cause itself past the hop limit, whatever the emission graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { routeAction } from '../../../services/action-router/core.js';
import { SERVICES, type ServiceSpec } from '../../../shared/manifest/services.js';
import {
  EMITS,
  INTERNAL_EVENT_SOURCE,
  LABOURER_OF_TYPE,
  MAX_INTERNAL_HOPS,
  PUBLIC_ACTION_DETAIL_TYPE,
  PUBLIC_ACTION_SOURCE,
  internalDetailType,
  type DispatchResult,
  type Dispatcher,
  type InternalActionMessage,
  type WorkItem,
} from '../../../shared/contracts/internal.js';
import { INTERNAL_ACTION_TYPES, type InternalActionType } from '../../../shared/contracts/actions.js';
import { childCausation, followUp } from '../../../shared/guards/loop-guard.js';
import { messageOf } from '../../../services/orchestrator/core/releaser.js';
import type { TaskRow } from '../../../shared/orchestrator/task-store.js';
import { parseInternalDelivery } from '../../../shared/labourer/consumer.js';
import { LoopGuardError } from '../../../shared/errors.js';
import { SEED_ACTIONS } from '../../fixtures/seed-actions.js';
import { fakeDeps } from '../router/fakes.js';

const EVENT_OF: Record<InternalActionType, Record<string, unknown>> = {
  sync_workflow: { workflow_id: 'wf-0.0.1' },
  collect_data: { collector: 'provider' },
  check_workflow: { workflow_id: 'wf-0.0.1', deployment_metrics_calculator_type: 'simple' },
  run_deployment_algorithm: {
    workflow_id: 'wf-0.0.1',
    deployment_metrics_calculator_type: 'simple',
    solve_hours: [0, 6],
    leftover_tokens: 3,
  },
  re_deploy_workflow: { workflow_id: 'wf-0.0.1' },
};

/** EventBridge matching of the manifest's patterns (exact values per key, as our rules use). */
const matches = (pattern: ServiceSpec['rules'][number]['pattern'], event: { source: string; 'detail-type': string }) =>
  pattern.source.includes(event.source) && pattern['detail-type'].includes(event['detail-type']);
const consumersOf = (event: { source: string; 'detail-type': string }) =>
  SERVICES.filter((s) => s.rules.some((r) => matches(r.pattern, event)));

test('manifest: each internal type reaches exactly its owner, only from the orchestrator; public actions reach only the router', () => {
  for (const type of INTERNAL_ACTION_TYPES) {
    const released = { source: INTERNAL_EVENT_SOURCE, 'detail-type': internalDetailType(type) };
    assert.deepEqual(
      consumersOf(released).map((s) => s.id),
      [LABOURER_OF_TYPE[type]],
      type,
    );
    assert.ok(SERVICES.find((s) => s.id === LABOURER_OF_TYPE[type])!.consumes.includes(type));
    // The same detail-type from any other source reaches nobody (a forged emitter is not routed).
    for (const source of [PUBLIC_ACTION_SOURCE, 'caribou.log-syncer', 'aws.events'])
      assert.deepEqual(consumersOf({ source, 'detail-type': internalDetailType(type) }), []);
  }
  assert.deepEqual(
    consumersOf({ source: PUBLIC_ACTION_SOURCE, 'detail-type': PUBLIC_ACTION_DETAIL_TYPE }).map((s) => s.id),
    ['action-router'],
  );
  assert.deepEqual(
    consumersOf({ source: INTERNAL_EVENT_SOURCE, 'detail-type': PUBLIC_ACTION_DETAIL_TYPE }),
    [],
    'released internal events never re-enter the router',
  );
  for (const service of SERVICES)
    for (const rule of service.rules)
      assert.ok(!rule.pattern.source.includes('*') && rule.pattern.source.length > 0, `${service.id}/${rule.name}`);
});

test('manifest: only the orchestrator may put events on the bus; everyone else emits through the Dispatcher (tasks)', () => {
  const putters = SERVICES.filter((s) => s.permissions.some((p) => p.actions.includes('events:PutEvents'))).map((s) => s.id);
  assert.deepEqual(putters, ['orchestrator']);
  assert.deepEqual(SERVICES.find((s) => s.id === 'orchestrator')!.rules, [], 'the orchestrator consumes no bus events');
});

test('followUp refuses every emission EMITS does not declare, and every emission past the hop limit', () => {
  for (const parentType of INTERNAL_ACTION_TYPES) {
    for (const type of INTERNAL_ACTION_TYPES) {
      const parent = {
        action: 'internal_action',
        type: parentType,
        event: EVENT_OF[parentType],
        meta: { idempotency_key: 'k', root_id: 'r', hop: 1 },
      } as InternalActionMessage;
      if (EMITS[parentType].includes(type)) {
        assert.deepEqual(followUp(parent, type, EVENT_OF[type] as never).parent, { root_id: 'r', hop: 1 });
        assert.throws(
          () => followUp({ ...parent, meta: { ...parent.meta, hop: MAX_INTERNAL_HOPS } }, type, EVENT_OF[type] as never),
          LoopGuardError,
        );
      } else {
        assert.throws(() => followUp(parent, type, EVENT_OF[type] as never), /may not emit/);
      }
    }
  }
});

/** Strongly connected emission cycles (including self-loops) of an emission graph. */
function cycles(emits: Record<InternalActionType, readonly InternalActionType[]>): InternalActionType[] {
  return INTERNAL_ACTION_TYPES.filter((start) => {
    const seen = new Set<InternalActionType>();
    const stack = [...emits[start]];
    while (stack.length) {
      const t = stack.pop()!;
      if (t === start) return true;
      if (!seen.has(t)) seen.add(t), stack.push(...emits[t]);
    }
    return false;
  });
}

interface Outcome {
  tasks: number;
  maxHop: number;
  refusedAtLimit: number;
  hopsByType: Partial<Record<InternalActionType, number>>;
}

/** Runs the control plane on the declarations until no work is left (fails if it does not stop). */
async function simulate(
  roots: unknown[],
  emits: Record<InternalActionType, readonly InternalActionType[]>,
  fanOut = 2,
  useFollowUp = true,
): Promise<Outcome> {
  const queue: TaskRow[] = [];
  let n = 0;
  const dispatcher: Dispatcher = {
    async dispatch(items: readonly WorkItem[]): Promise<DispatchResult> {
      const causations = items.map((item) => childCausation(item.parent)); // as TaskDispatcher
      const rows = items.map((item, i) => ({
        task_id: `t${++n}`,
        labourer_id: LABOURER_OF_TYPE[item.type],
        type: item.type,
        event: item.event as Record<string, unknown>,
        ...causations[i]!,
        created_at: 0,
        greenfield: 0,
        attempts: 1,
      }));
      queue.push(...rows);
      return { task_ids: rows.map((r) => r.task_id) };
    },
  };
  const deps = fakeDeps({
    dispatcher,
    available: ['log-syncer', 'data-collectors', 'deployment-manager', 'migrator'],
    listWorkflowIds: async () => ['wf-0.0.1'],
    listStagedWorkflowIds: async () => ['wf-0.0.1'],
  });
  for (const root of roots) await routeAction(root, deps);
  const out: Outcome = { tasks: 0, maxHop: 0, refusedAtLimit: 0, hopsByType: {} };
  while (queue.length) {
    assert.ok(++out.tasks < 100_000, 'the simulated control plane did not stop: a loop');
    const row = queue.shift()!;
    const detail = messageOf(row);
    const released = { id: row.task_id, source: INTERNAL_EVENT_SOURCE, 'detail-type': internalDetailType(row.type), detail };
    const [consumer, ...others] = consumersOf(released);
    assert.ok(consumer && others.length === 0);
    const message = parseInternalDelivery(JSON.stringify(released), consumer.consumes);
    out.maxHop = Math.max(out.maxHop, message.meta.hop);
    out.hopsByType[message.type] = Math.max(out.hopsByType[message.type] ?? 0, message.meta.hop);
    for (const type of emits[message.type]) {
      for (let copy = 0; copy < fanOut; copy++) {
        try {
          const item = useFollowUp
            ? followUp(message, type, EVENT_OF[type] as never)
            : ({ type, event: EVENT_OF[type], parent: { root_id: message.meta.root_id, hop: message.meta.hop } } as WorkItem);
          await dispatcher.dispatch([item]);
        } catch (error) {
          assert.ok(error instanceof LoopGuardError, String(error));
          out.refusedAtLimit += 1;
        }
      }
    }
  }
  return out;
}

const ROOTS = [...Object.values(SEED_ACTIONS), { action: 'data_collect', collector: 'all' }];

test('the declared system: every root action stops within the hop limit; the self-emitting sync_workflow chain is cut at the limit', async (t) => {
  assert.deepEqual(cycles(EMITS), ['sync_workflow'], 'the emission graph has exactly the declared self-loop');
  const out = await simulate(ROOTS, EMITS);
  t.diagnostic(
    `declared system: ${out.tasks} tasks from ${ROOTS.length} roots, max hop ${out.maxHop}, ${out.refusedAtLimit} emissions refused at the limit, hops by type ${JSON.stringify(out.hopsByType)}`,
  );
  assert.equal(out.maxHop, MAX_INTERNAL_HOPS, 'the sync_workflow chain reaches the limit and no further');
  assert.ok(out.refusedAtLimit > 0);
  assert.equal(out.hopsByType.run_deployment_algorithm, 2, 'check_workflow (hop 1) -> run_deployment_algorithm (hop 2), no further');
});

test('forged causation: an internal_action sent to the router with hop >= the limit is refused (400), nothing dispatched', async () => {
  for (let hop = 1; hop <= MAX_INTERNAL_HOPS + 3; hop++) {
    const forged = { ...SEED_ACTIONS.internal_sync_workflow, meta: { idempotency_key: 'k', root_id: 'forged', hop } };
    const out = await simulate([forged], EMITS);
    if (hop >= MAX_INTERNAL_HOPS) assert.equal(out.tasks, 0, `hop ${hop}`);
    else assert.equal(out.maxHop, MAX_INTERNAL_HOPS, `hop ${hop}`);
  }
});

test('any emission graph (random EMITS, cycles of every length) stops within the hop limit under the same guard', async (t) => {
  let tried = 0;
  const graph = fc.record(
    Object.fromEntries(INTERNAL_ACTION_TYPES.map((type) => [type, fc.subarray([...INTERNAL_ACTION_TYPES])])) as Record<
      InternalActionType,
      fc.Arbitrary<InternalActionType[]>
    >,
  );
  await fc.assert(
    fc.asyncProperty(graph, async (emits) => {
      tried += 1;
      const out = await simulate(ROOTS, emits, 1, false);
      assert.ok(out.maxHop <= MAX_INTERNAL_HOPS);
    }),
    { numRuns: 40 },
  );
  t.diagnostic(`random emission graphs: ${tried} tried`);
});

// fast-check arbitraries shared by the fuzz tests: valid actions and internal events of every
// contract (built from the same rules the contracts state), and hostile mutations of them.
import fc from 'fast-check';
import type { InternalActionType } from '../../../shared/contracts/actions.js';

const word = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_]{${min},${max}}$`));
export const validWorkflowId = fc
  .tuple(word(1, 25), fc.array(word(1, 6), { minLength: 1, maxLength: 4 }))
  .map(([name, segments]) => `${name}-${segments.join('.')}`)
  .filter((id) => id.length - id.indexOf('-') - 1 <= 32);
export const validId = fc.stringMatching(/^[A-Za-z0-9._:#/@+=-]{1,128}$/);
const calculator = fc.constantFrom('simple', 'go');
const hours = fc
  .uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 24 })
  .chain((hs) => fc.tuple(...hs.map((h) => fc.constantFrom<number | string>(h, String(h)))));

/** A bounded JSON value (depth ≤ 4), as a run's argument. */
export const jsonValue = fc.jsonValue({ maxDepth: 4 });

export const internalEventOf: Record<InternalActionType, fc.Arbitrary<Record<string, unknown>>> = {
  sync_workflow: fc.record({ workflow_id: validWorkflowId }),
  check_workflow: fc.record({ workflow_id: validWorkflowId, deployment_metrics_calculator_type: calculator }),
  run_deployment_algorithm: fc.record({
    workflow_id: validWorkflowId,
    deployment_metrics_calculator_type: calculator,
    solve_hours: hours,
    leftover_tokens: fc.integer({ min: 0, max: 1_000_000 }),
  }),
  re_deploy_workflow: fc.record({ workflow_id: validWorkflowId }),
  collect_data: fc.oneof(
    fc.record({ collector: fc.constantFrom('provider', 'carbon', 'performance') }),
    fc.record({ collector: fc.constant('workflow'), workflow_id: validWorkflowId }),
  ),
};

export const internalType = fc.constantFrom<InternalActionType>(
  'sync_workflow',
  'check_workflow',
  'run_deployment_algorithm',
  're_deploy_workflow',
  'collect_data',
);

export const meta = (maxHop: number) =>
  fc.record(
    {
      idempotency_key: validId,
      root_id: validId,
      hop: fc.integer({ min: 1, max: maxHop }),
      task_id: validId,
      attempt: fc.integer({ min: 1, max: 1000 }),
    },
    { requiredKeys: ['idempotency_key', 'root_id', 'hop'] },
  );

export const internalActionMessage = (maxHop: number) =>
  internalType.chain((type) =>
    fc.record({ action: fc.constant('internal_action'), type: fc.constant(type), event: internalEventOf[type], meta: meta(maxHop) }),
  );

/** Every public action of the seed, valid. */
export const validAction: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constant({ action: 'list' }),
  fc.constant({ action: 'version' }),
  fc.record({ action: fc.constant('run'), workflow_id: validWorkflowId, argument: jsonValue }, { requiredKeys: ['action', 'workflow_id'] }),
  fc.record({ action: fc.constant('remove'), workflow_id: validWorkflowId }),
  fc.constant({ action: 'log_sync' }),
  fc.oneof(
    fc.record({ action: fc.constant('data_collect'), collector: fc.constantFrom('provider', 'carbon', 'performance', 'all') }),
    fc.record({ action: fc.constant('data_collect'), collector: fc.constant('workflow'), workflow_id: validWorkflowId }),
  ),
  fc.record({ action: fc.constant('manage_deployments'), deployment_metrics_calculator_type: calculator }, { requiredKeys: ['action'] }),
  fc.constant({ action: 'run_deployment_migrator' }),
  internalType.chain((type) =>
    fc.record({ action: fc.constant('internal_action'), type: fc.constant(type), event: internalEventOf[type] }),
  ),
);

/** Nonsense of every JSON shape, including keys that collide with prototype names. */
const hostileKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'action', 'type', 'event', 'meta', 'workflow_id'),
);
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, key: hostileKey, withNullPrototype: true, withBigInt: false }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, Number.MAX_SAFE_INTEGER + 2),
);

/** Replaces, deletes or adds one field somewhere in a valid value (one level into nested objects). */
export function mutate(base: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc
    .tuple(base, fc.nat(), fc.constantFrom('replace', 'delete', 'add'), junk, fc.string({ minLength: 1, maxLength: 10 }))
    .map(([value, n, how, replacement, newKey]) => {
      const copy = structuredClone(value) as Record<string, unknown>;
      const targets: Array<Record<string, unknown>> = [copy];
      for (const v of Object.values(copy)) if (v && typeof v === 'object' && !Array.isArray(v)) targets.push(v as Record<string, unknown>);
      const target = targets[n % targets.length]!;
      const keys = Object.keys(target);
      const key = keys.length ? keys[n % keys.length]! : newKey;
      if (how === 'replace') target[key] = replacement;
      else if (how === 'delete') delete target[key];
      else target[keys.includes(newKey) ? `${newKey}_x` : newKey] = replacement;
      return copy;
    });
}

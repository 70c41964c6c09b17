// run_deployment_algorithm: solve the workflow for the hours the budget paid for, stage the plan for
// the migrator, then record the bookkeeping — in that order, so a crash between the two re-solves
// (the next check is still due) rather than losing a plan.
import type { InternalMeta } from '../../../shared/contracts/actions.js';
import type { PlanMetrics } from '../../../shared/contracts/placement.js';
import type { StagedPlan } from '../../../shared/contracts/staged-plan.js';
import { NotFoundError } from '../../../shared/errors.js';
import { solveForDeploymentManager, type SolveResult } from '../../../shared/solver/index.js';
import type { AlgorithmName } from '../../../shared/solver/types.js';
import { runsSeenToday, sigmoidDelayS } from './budget.js';
import { explainKeptHome, hourReasons } from './kept-home.js';
import { solverInputFor } from './inputs.js';
import type { DeploymentManagerPorts } from './ports.js';

export interface RunAlgorithmEvent {
  workflow_id: string;
  deployment_metrics_calculator_type: 'simple' | 'go';
  solve_hours: number[];
  leftover_tokens: number;
  deployment_algorithm?: AlgorithmName | undefined;
}

/** Seconds kept back from the Lambda's remaining time for staging, bookkeeping and reporting. */
export const SOLVE_TIME_RESERVE_S = 60;
/** Ceiling of one solve's wall-clock budget, s (the Python system's remote solve timeout). */
export const MAX_SOLVE_BUDGET_S = 800;
/** Floor of the budget: even a nearly spent invocation evaluates home and the coarse pass. */
export const MIN_SOLVE_BUDGET_S = 5;

export function solveBudgetS(remainingMs: number): number {
  return Math.min(MAX_SOLVE_BUDGET_S, Math.max(MIN_SOLVE_BUDGET_S, remainingMs / 1000 - SOLVE_TIME_RESERVE_S));
}

function meanMetrics(all: PlanMetrics[]): PlanMetrics {
  const keys = ['average_carbon', 'average_cost', 'average_runtime', 'tail_carbon', 'tail_cost', 'tail_runtime'] as const;
  const out = {} as PlanMetrics;
  for (const k of keys) out[k] = all.reduce((a, m) => a + m[k], 0) / Math.max(1, all.length);
  return out;
}

export interface RunAlgorithmResult {
  workflow_id: string;
  outcome: 'not deployed' | 'staged';
  detail: Record<string, unknown>;
}

export async function runDeploymentAlgorithm(
  ports: DeploymentManagerPorts,
  event: RunAlgorithmEvent,
  meta: Pick<InternalMeta, 'idempotency_key' | 'task_id'>,
): Promise<RunAlgorithmResult> {
  const id = event.workflow_id;
  const now = ports.now();
  const record = await ports.workflows.get(id);
  if (!record) return { workflow_id: id, outcome: 'not deployed', detail: {} };
  const workflow = await ports.collected.workflow(id);
  if (!workflow) throw new NotFoundError(`no workflow document for ${id} in the collector-data table; run the workflow collector first`);
  const { input, dropped } = await solverInputFor(ports, record, workflow);
  if (event.deployment_algorithm) input.algorithm = event.deployment_algorithm;

  const expirySeconds = sigmoidDelayS(event.leftover_tokens);
  const budgetSeconds = solveBudgetS(ports.remainingMs());
  const solved = await solveForDeploymentManager({
    input,
    calculator: event.deployment_metrics_calculator_type,
    solveHours: event.solve_hours,
    budgetSeconds,
    expirySeconds,
    now,
  });
  const result: SolveResult = solved.result;
  const keptHome = explainKeptHome(input, result, event.deployment_metrics_calculator_type);
  const noData = dropped.map((d) => `${d.region}: ${d.reason}`);
  const reasons = hourReasons(result);

  const staged: StagedPlan = {
    workflow_id: id,
    staged_at: now.toISOString(),
    plan: solved.plan,
    solved_by_task: meta.task_id ?? meta.idempotency_key,
    solver: {
      algorithm: result.algorithm,
      calculator: result.calculator,
      durationS: result.timing.seconds,
      evaluations: result.timing.evaluations,
    },
    kept_home: keptHome,
    ...(reasons.length > 0 ? { hour_reasons: reasons } : {}),
    candidate_regions: input.regions,
    expected: { plan: meanMetrics(result.hours.map((h) => h.metrics)), home: meanMetrics(result.hours.map((h) => h.homeMetrics)) },
  };
  await ports.staging.put(staged);

  const nextCheck = new Date(now.getTime() + expirySeconds * 1000).toISOString();
  const previous = record.deployment_manager;
  const detail = {
    solve_hours: result.hours.map((h) => h.hour),
    algorithm: result.algorithm,
    calculator: result.calculator,
    budget_s: budgetSeconds,
    duration_s: Number(result.timing.seconds.toFixed(3)),
    evaluations: result.timing.evaluations,
    expiry_time: solved.plan.expiry_time,
    tokens_left_gCO2e: event.leftover_tokens,
    kept_home: keptHome,
    ...(reasons.length > 0 ? { hour_reasons: reasons.map((r) => `hour ${r.hour}: ${r.reason}`) } : {}),
    regions_not_candidates: noData,
    timed_out_hours: result.hours.filter((h) => h.timedOut).map((h) => h.hour),
  };
  await ports.workflows.writeState(id, {
    ...(previous ?? {}),
    last_solved_at: now.toISOString(),
    tokens_left_gCO2e: event.leftover_tokens,
    next_check_at: nextCheck,
    runs_at_last_solve: runsSeenToday(workflow.dailyInvocationCounts, now),
    last_decision: { at: now.toISOString(), outcome: 'solved', detail },
  });
  return { workflow_id: id, outcome: 'staged', detail };
}

// check_workflow (caribou-spec §6): collect the workflow's statistics, budget its tokens, and when
// a solve is affordable hand run_deployment_algorithm to the orchestrator. Fixes over the Python
// system: the bookkeeping of an unaffordable check keeps last solve and tokens (Python overwrote the
// item with next_check alone, losing both and re-counting 30 days of runs); the algorithm the budget
// chose travels with the event and is used; tokens are gCO2e, not unit-less.
import type { InternalMeta } from '../../../shared/contracts/actions.js';
import type { DeploymentManagerState } from '../../../shared/contracts/staged-plan.js';
import {
  DEFAULT_GRID_GCO2E_PER_KWH,
  MINIMAL_SOLVE_RUNS,
  REACH_KM,
  affordability,
  algorithmToRun,
  income,
  runsSince,
  sigmoidDelayS,
  solveCostGCO2e,
  solveHours,
} from './budget.js';
import { solverInputFor } from './inputs.js';
import type { DeploymentManagerPorts } from './ports.js';

export interface CheckWorkflowEvent {
  workflow_id: string;
  deployment_metrics_calculator_type: 'simple' | 'go';
}

export type CheckOutcome = 'not deployed' | 'not due' | 'not enough data' | 'not affordable' | 'solve requested';

export interface CheckResult {
  workflow_id: string;
  outcome: CheckOutcome;
  detail: Record<string, unknown>;
}

const round = (x: number, digits = 6) => Number(x.toFixed(digits));

export async function checkWorkflow(
  ports: DeploymentManagerPorts,
  event: CheckWorkflowEvent,
  meta: Pick<InternalMeta, 'root_id' | 'hop'>,
): Promise<CheckResult> {
  const id = event.workflow_id;
  const now = ports.now();
  const at = now.toISOString();
  const record = await ports.workflows.get(id);
  if (!record) return { workflow_id: id, outcome: 'not deployed', detail: {} };
  const previous: DeploymentManagerState = record.deployment_manager ?? { tokens_left_gCO2e: 0, runs_at_last_solve: 0 };
  if (previous.next_check_at && now.getTime() < Date.parse(previous.next_check_at)) {
    return { workflow_id: id, outcome: 'not due', detail: { next_check_at: previous.next_check_at } };
  }

  const record_ = async (
    outcome: CheckOutcome,
    detail: Record<string, unknown>,
    changes: Partial<DeploymentManagerState> = {},
  ): Promise<CheckResult> => {
    await ports.workflows.writeState(id, { ...previous, ...changes, last_checked_at: at, last_decision: { at, outcome, detail } });
    return { workflow_id: id, outcome, detail };
  };

  const workflow = await ports.collectWorkflow(id);
  if (!workflow || workflow.runs === 0) return record_('not enough data', { runs: workflow?.runs ?? 0, reason: 'no synced runs' });
  const newRuns = runsSince(workflow.dailyInvocationCounts, previous.last_solved_at, previous.runs_at_last_solve, now);
  if (!previous.last_solved_at && newRuns < MINIMAL_SOLVE_RUNS) {
    return record_('not enough data', { new_runs: newRuns, needed: MINIMAL_SOLVE_RUNS });
  }

  const { input } = await solverInputFor(ports, record, workflow);
  const homeDistances = input.regionData[input.homeRegion]?.transmissionDistancesKm ?? {};
  const reachable = input.regions.filter((r) => r === input.homeRegion || (homeDistances[r] ?? Infinity) <= REACH_KM);
  const intensities = reachable
    .map((r) => input.regionData[r]?.carbonIntensityByHour.overall)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const earned = income({ reachableIntensitiesGCO2ePerKWh: intensities, runtimeSamplesS: input.workflowRuntimeSamplesS, newRuns });
  const systemCI = input.regionData[input.systemRegion]?.carbonIntensityByHour.overall ?? DEFAULT_GRID_GCO2E_PER_KWH;
  const carried = previous.tokens_left_gCO2e ?? 0;
  const budget = earned.tokensGCO2e + carried;
  const instances = input.instances.length;
  const figures = {
    new_runs: newRuns,
    reachable_regions: reachable,
    spread_gCO2e_per_kWh: round(earned.spreadGCO2ePerKWh),
    mean_runtime_s: round(earned.meanRuntimeS),
    income_gCO2e: round(earned.tokensGCO2e),
    carried_gCO2e: round(carried),
    budget_gCO2e: round(budget),
    instances,
    system_region: input.systemRegion,
    system_gCO2e_per_kWh: systemCI,
  };

  const choice = affordability(budget, instances, systemCI);
  if (!choice) {
    const deficit = solveCostGCO2e(instances, 1, 'coarse', systemCI) - budget;
    const next = new Date(now.getTime() + sigmoidDelayS(deficit) * 1000).toISOString();
    // Last solve, tokens and the run count stay: the next check counts income from the same base.
    return record_(
      'not affordable',
      { ...figures, cheapest_solve_gCO2e: round(solveCostGCO2e(instances, 1, 'coarse', systemCI)), deficit_gCO2e: round(deficit) },
      { next_check_at: next },
    );
  }

  const algorithm = algorithmToRun(choice.algorithm, input.algorithm);
  const hours = solveHours(choice.solvesPerDay);
  // The seed's event carries whole tokens: the fraction of a gram left is dropped, never credited.
  const leftover = Math.floor(choice.leftoverGCO2e);
  const result = await record_('solve requested', {
    ...figures,
    solves_per_day: choice.solvesPerDay,
    afforded_algorithm: choice.algorithm,
    algorithm,
    cost_gCO2e: round(choice.costGCO2e),
    leftover_gCO2e: leftover,
    solve_hours: hours,
  });
  await ports.dispatcher.dispatch([
    {
      type: 'run_deployment_algorithm',
      event: {
        workflow_id: id,
        deployment_metrics_calculator_type: event.deployment_metrics_calculator_type,
        solve_hours: hours,
        leftover_tokens: leftover,
        deployment_algorithm: algorithm,
      },
      parent: { root_id: meta.root_id, hop: meta.hop },
    },
  ]);
  return result;
}

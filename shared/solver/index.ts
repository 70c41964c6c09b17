// Public entry of the deployment solver (a pure library: no AWS).
import type { PlacementPlan } from '../contracts/placement.js';
import { toPlacementPlan } from './plan.js';
import { solveWorkflow, type SolveResult } from './solve.js';
import type { CalculatorType, SolverInput } from './types.js';

export * from './types.js';
export { DATA_FILES, importSolverInput, loadSolverInput, readDataFolder, readWorkflowFile } from './importer.js';
export type { StoredTables, StoredWorkflow } from './importer.js';
export { buildSolverInputFromCollected, carbonByHourFrom, instanceRulesFromDag, regionPricesFrom } from './from-collected.js';
export type { CollectedDocuments, CollectedSolverInput, DroppedRegion, RegionRule } from './from-collected.js';
export { solveWorkflow, validateHours } from './solve.js';
export type { SolveOptions, SolveResult, SolvedHour } from './solve.js';
export { toPlacementPlan, toStagingArea, pythonTime } from './plan.js';
export type { PlanOptions, StagingAreaValue } from './plan.js';
export { prepareModel } from './model.js';
export type { PreparedModel } from './model.js';
export { createCalculator, FastCalculator, SimpleCalculator } from './calculators/index.js';
export { failsHardConstraints, rankCandidates, softViolations } from './ranker.js';
export { GUARANTEE_DEFAULTS, recheckPlan, Verifier } from './guarantee.js';
export type { RecheckResult, VerifiedMetrics } from './guarantee.js';
export { exhaustiveOptimum } from './algorithms/exhaustive.js';
export type { ExhaustiveParams, ExhaustiveResult } from './algorithms/exhaustive.js';
export type { HourSolution } from './solve-hour.js';
export * as formulas from './formulas.js';

export interface DeploymentManagerSolveRequest {
  input: SolverInput;
  /** deployment_metrics_calculator_type of the run_deployment_algorithm event; "go" = the fast one. */
  calculator: CalculatorType;
  /** Solve hours, numeric (the event's strings are parsed by the caller). */
  solveHours: number[];
  /** Wall-clock budget of the whole solve in seconds, divided equally across hours. */
  budgetSeconds: number;
  /** Seconds until the plan expires (the manager's int(86400 × σ(leftover tokens))). */
  expirySeconds?: number;
  seed?: number;
  now?: Date;
}

export interface DeploymentManagerSolveResult {
  plan: PlacementPlan;
  timing: SolveResult['timing'];
  result: SolveResult;
}

/** What the deployment manager calls for `run_deployment_algorithm`. */
export async function solveForDeploymentManager(req: DeploymentManagerSolveRequest): Promise<DeploymentManagerSolveResult> {
  const hours = req.solveHours.length > 0 ? req.solveHours : [0];
  const result = await solveWorkflow(req.input, {
    hours,
    calculator: req.calculator,
    seed: req.seed ?? 0,
    budgetMsPerHour: (req.budgetSeconds * 1000) / hours.length,
  });
  const planOptions: { now?: Date; expirySeconds?: number } = {};
  if (req.now) planOptions.now = req.now;
  if (req.expirySeconds !== undefined) planOptions.expirySeconds = req.expirySeconds;
  return { plan: toPlacementPlan(result, planOptions), timing: result.timing, result };
}

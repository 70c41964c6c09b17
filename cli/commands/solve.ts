// `caribou solve`: plans a workflow from a data folder and a workflow file in the Python system's
// stored format, and prints per hour the chosen regions, the metrics, the home metrics and timing.
import { resolve } from 'node:path';
import { UsageError } from '../../shared/errors.js';
import { loadSolverInput, solveWorkflow } from '../../shared/solver/index.js';
import type { AlgorithmName, CalculatorType, PlanMetrics, SolvedHour } from '../../shared/solver/index.js';
import { parseCommandArgs } from '../lib/args.js';
import { commandProgress } from '../lib/progress.js';
import type { CliIO, Command } from '../lib/command.js';

const HELP = `Usage: caribou solve --data <dir> --workflow <file> [options]
       caribou solve --collected --workflow-id <id> [options]

Plans where each instance of a workflow runs, per solve hour, with the deployment solver.

Input, either:
  --collected           the collectors' documents in the collector-data table (regions, provider,
                        carbon, performance, and the workflow document of --workflow-id), with
                        the deployed config's region rules from the workflows table
  --workflow-id <id>    with --collected: the workflow to plan
or:
  --data <dir>          folder with available_regions_table.json, carbon_region_table.json,
                        performance_region_table.json, provider_region_table.json and
                        provider_table.json (table key → stored value, Python format)
  --workflow <file>     {"workflow_id", "workflow_config", "workflow_instance_table_value"}

Options:
  --hours <list>        UTC solve hours, comma-separated (default 0,6,12,18)
  --algorithm <name>    coarse | fine | stochastic (default: the workflow config's, else stochastic)
  --calculator <name>   simple | go (default go: the fast calculator)
  --seed <n>            random seed (default 0); equal seeds give equal plans
  --budget <seconds>    wall-clock budget per solve hour (default unlimited)
  --samples <n>         fixed Monte Carlo samples per evaluation (default: 200..2000, stop at ±5%)
  --workers <n|auto>    threads solving hours with the go calculator, the main one included:
                        n > 1 adds n - 1 worker threads; 0 or 1 = main thread alone (default
                        auto: one per core on machines with 4+ cores, else the main thread)
  --json                print one JSON object instead of text
  -h, --help            this help

Metrics are per run: carbon in gCO2e, cost in USD, runtime in seconds. An hour whose plan fell
back to home or whose best search candidate failed the hard-constraint re-check says why ("why:";
JSON "reason"); "verification" gives the re-evaluation the metrics come from. On a terminal,
progress (steps with elapsed time) goes to stderr.`;

function parseHours(text: string): number[] {
  const hours = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (hours.length === 0 || hours.some((h) => !Number.isInteger(h) || h < 0 || h > 23)) {
    throw new UsageError(`--hours: expected comma-separated integer hours 0..23, got "${text}"`);
  }
  return hours;
}

function parsePositive(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name}: expected a ${integer ? 'non-negative integer' : 'non-negative number'}, got "${text}"`);
  }
  return n;
}

function fmt(m: PlanMetrics): string {
  return `carbon ${m.average_carbon.toPrecision(4)} g (p95 ${m.tail_carbon.toPrecision(4)}), cost $${m.average_cost.toPrecision(4)} (p95 ${m.tail_cost.toPrecision(4)}), runtime ${m.average_runtime.toFixed(3)} s (p95 ${m.tail_runtime.toFixed(3)})`;
}

/** The text block of one solve hour; `why:` names a fallback or a replaced finalist (HourSolution.reason). */
export function hourText(h: SolvedHour): string[] {
  const reduction = h.homeMetrics.average_carbon > 0 ? (1 - h.metrics.average_carbon / h.homeMetrics.average_carbon) * 100 : 0;
  const lines = [
    `hour ${h.hour}: carbon reduction ${reduction.toFixed(1)}% vs home${h.fellBackToHome ? ' (no deployment met the hard constraints: home kept)' : ''}${h.timedOut ? ' (budget reached)' : ''}`,
  ];
  if (h.reason) lines.push(`  why: ${h.reason}`);
  for (const [instance, region] of Object.entries(h.placementByInstance)) lines.push(`  ${instance} -> ${region}`);
  lines.push(`  plan: ${fmt(h.metrics)}`, `  home: ${fmt(h.homeMetrics)}`);
  lines.push(`  ${h.evaluations} evaluations, ${h.samples} samples, ${h.seconds.toFixed(3)} s`);
  if (h.verification) {
    const v = h.verification;
    lines.push(
      `  metrics re-evaluated: ${v.deployments} deployment(s) on ${v.samplesPerDeployment} common draws, hard limits at ${v.confidence * 100}% confidence`,
    );
  }
  return lines;
}

export const solveCommand: Command = {
  name: 'solve',
  summary: 'plan per-hour regions of a workflow from Python-format table data (deployment solver)',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(
      argv,
      {
        data: { type: 'string' },
        workflow: { type: 'string' },
        hours: { type: 'string' },
        algorithm: { type: 'string' },
        calculator: { type: 'string' },
        seed: { type: 'string' },
        budget: { type: 'string' },
        samples: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
        collected: { type: 'boolean' },
        'workflow-id': { type: 'string' },
      },
      false,
    );
    if (values.collected) {
      if (!values['workflow-id']) throw new UsageError('--collected needs --workflow-id <id>');
      if (values.data || values.workflow) throw new UsageError('--collected reads the tables; do not give --data/--workflow');
    } else {
      if (!values.data) throw new UsageError('--data <dir> is required (or --collected --workflow-id <id>)');
      if (!values.workflow) throw new UsageError('--workflow <file> is required');
    }
    const algorithm = values.algorithm;
    if (algorithm !== undefined && !['coarse', 'fine', 'stochastic'].includes(algorithm)) {
      throw new UsageError(`--algorithm: expected coarse, fine or stochastic, got "${algorithm}"`);
    }
    const calculator = values.calculator ?? 'go';
    if (calculator !== 'simple' && calculator !== 'go') throw new UsageError(`--calculator: expected simple or go, got "${calculator}"`);
    const hours = parseHours(values.hours ?? '0,6,12,18');
    const seed = parsePositive('seed', values.seed, true) ?? 0;
    const budget = parsePositive('budget', values.budget, false);
    const samples = parsePositive('samples', values.samples, true);
    if (samples === 0) throw new UsageError('--samples: expected at least 1');
    const workers = values.workers === undefined || values.workers === 'auto' ? 'auto' : parsePositive('workers', values.workers, true)!;

    const progress = commandProgress();
    const input = await progress.step(values.collected ? 'read the collected data' : 'read the table data', 'cli', async () => {
      const value = values.collected
        ? await (await import('./solve-collected.js')).loadCollectedInput(values['workflow-id']!, io)
        : await loadSolverInput(resolve(values.data!), resolve(values.workflow!));
      return { value, detail: `${value.instances.length} instances, ${value.regions.length} candidate regions` };
    });
    const result = await progress.step(`solve ${hours.length} hour(s)`, 'deployment solver', async () => {
      const value = await solveWorkflow(input, {
        hours,
        calculator: calculator as CalculatorType,
        seed,
        workers,
        ...(algorithm ? { algorithm: algorithm as AlgorithmName } : {}),
        ...(budget !== undefined ? { budgetMsPerHour: budget * 1000 } : {}),
        ...(samples !== undefined ? { monteCarlo: { minSamples: samples, maxSamples: samples } } : {}),
      });
      return { value, detail: `${value.algorithm}, ${value.timing.evaluations} deployments evaluated` };
    });

    if (values.json) {
      const out = {
        workflow_id: result.workflowId,
        algorithm: result.algorithm,
        calculator: result.calculator,
        seed: result.seed,
        hours: Object.fromEntries(
          result.hours.map((h) => [
            String(h.hour),
            {
              placement: h.placementByInstance,
              metrics: h.metrics,
              home_metrics: h.homeMetrics,
              carbon_reduction: h.homeMetrics.average_carbon > 0 ? 1 - h.metrics.average_carbon / h.homeMetrics.average_carbon : 0,
              evaluations: h.evaluations,
              samples: h.samples,
              seconds: h.seconds,
              timed_out: h.timedOut,
              fell_back_to_home: h.fellBackToHome,
              reason: h.reason ?? null,
              verification: h.verification ?? null,
            },
          ]),
        ),
        timing: { seconds: result.timing.seconds, evaluations: result.timing.evaluations, samples: result.timing.samples },
        warnings: input.warnings,
      };
      io.out(JSON.stringify(out, null, 2));
      return 0;
    }

    io.out(
      `workflow ${result.workflowId}: ${input.instances.length} instances, ${input.regions.length} candidate regions, home ${input.homeRegion}`,
    );
    io.out(`algorithm ${result.algorithm}, calculator ${result.calculator}, seed ${result.seed}`);
    for (const w of input.warnings) io.out(`warning: ${w}`);
    for (const h of result.hours) {
      io.out('');
      for (const line of hourText(h)) io.out(line);
    }
    io.out('');
    io.out(
      `total ${result.timing.seconds.toFixed(3)} s, ${result.timing.evaluations} deployments evaluated, ${result.timing.samples} samples drawn`,
    );
    return 0;
  },
};

// bench/orchestrator: 1,000 tasks through the orchestrator on the local-mode emulator (moto 5.2.1 on
// loopback with the EventBridge JSONPath cache, as local mode runs it): dispatch, release within
// the labourer's limit, completion reports, archive. Measures tasks released and completed per
// second, and AWS API requests per task attributed to each component. The orchestrator and a
// zero-work test labourer run in this process: the orchestrator's cycle is the service's code, the
// labourer is the production labourer handler (shared/labourer/consumer.ts: checks, idempotency
// records, run-and-report), so `labourer_reports` counts its idempotency calls too; the Lambda
// runtime's own polling of the labourer's queue is counted separately, as AWS does it.
// Writes bench/results/orchestrator.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallCounter, startMoto } from '../../testkit/orchestrator/moto.js';
import { MemoryLog, testConfig } from '../../testkit/orchestrator/support.js';
import { OrchestratorDriver, TestLabourer, until, wire } from '../../testkit/orchestrator/system.js';
import { DynamoTaskStore } from '../../shared/orchestrator/task-store.js';
import { SqsNudger, TaskDispatcher } from '../../shared/orchestrator/dispatcher.js';
import { CloudWatchMetricReader } from '../../services/orchestrator/adapters/cloudwatch-metrics.js';
import { commitInfo } from '../provenance.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const TASKS = Number(process.env.BENCH_ORCHESTRATOR_TASKS ?? 1000);
const LIMITS = (process.env.BENCH_ORCHESTRATOR_LIMITS ?? '10,50').split(',').map(Number);
const WORK_MS = Number(process.env.BENCH_ORCHESTRATOR_WORK_MS ?? 0);

const perTask = (counter: CallCounter) => Object.fromEntries([...counter.calls].sort().map(([op, n]) => [op, +(n / TASKS).toFixed(3)]));
const round = (x: number, digits = 1) => +x.toFixed(digits);

/** Mean latency per operation over several counters (the emulator's, on this machine). */
function latencyByOperation(counters: CallCounter[]): Record<string, number> {
  const totals = new Map<string, { n: number; ms: number }>();
  for (const c of counters) {
    for (const [op, n] of c.calls) {
      const t = totals.get(op) ?? { n: 0, ms: 0 };
      totals.set(op, { n: t.n + n, ms: t.ms + (c.ms.get(op) ?? 0) });
    }
  }
  return Object.fromEntries([...totals].sort().map(([op, t]) => [op, round(t.ms / t.n, 1)]));
}

export async function run(): Promise<unknown> {
  const moto = await startMoto();
  const cases = [];
  try {
    for (const limit of LIMITS) {
      const prefix = `bench${limit}`;
      const tables = await moto.createTaskTables(prefix);
      const wiring = await wire(moto, prefix);
      const counters = {
        dispatcher: new CallCounter(),
        orchestrator: new CallCounter(),
        labourer_reports: new CallCounter(),
        lambda_queue_polling: new CallCounter(),
      };
      const dispatchClients = moto.countedClients(counters.dispatcher);
      const orchestratorClients = moto.countedClients(counters.orchestrator);
      const store = new DynamoTaskStore(dispatchClients.doc, tables);
      const items = Array.from({ length: TASKS }, (_, i) => ({
        type: 'sync_workflow' as const,
        event: { workflow_id: `wf_${i}-0.0.1` },
        parent: { root_id: 'bench', hop: 0 },
      }));

      const t0 = performance.now();
      await new TaskDispatcher({ store, nudger: new SqsNudger(dispatchClients.sqs, wiring.orchestratorQueueUrl) }).dispatch(items);
      const dispatchS = (performance.now() - t0) / 1000;

      const config = testConfig({ max_simultaneous_invocations: limit, max_duration_s: 600 });
      const orchestratorStore = new DynamoTaskStore(orchestratorClients.doc, tables);
      const driver = new OrchestratorDriver(
        moto,
        wiring,
        {
          config,
          store: orchestratorStore,
          metrics: new CloudWatchMetricReader(orchestratorClients.cloudwatch),
          now: () => Date.now() / 1000,
          log: new MemoryLog(),
        },
        1000,
        orchestratorClients,
      );
      const labourer = new TestLabourer(
        moto,
        wiring,
        tables,
        { workMs: WORK_MS },
        {
          reports: moto.countedClients(counters.labourer_reports),
          poller: moto.countedClients(counters.lambda_queue_polling),
        },
      );
      const t1 = performance.now();
      const t1Ms = Date.now();
      driver.start();
      labourer.start();
      try {
        await until(() => labourer.effects.size === TASKS, 1_200_000, `${TASKS} completions`);
        const completedS = (performance.now() - t1) / 1000;
        await until(async () => (await orchestratorStore.countClosed('log-syncer', 'completed')) === TASKS, 120_000, 'archive');
        const archivedS = (performance.now() - t1) / 1000;
        await labourer.stop();
        await driver.stop();
        // The end of the cycle that released the last task.
        let released = 0;
        let releasedAllS = 0;
        driver.cycles.forEach((c, i) => {
          released += c.labourers['log-syncer']?.release?.released ?? 0;
          if (released >= TASKS && releasedAllS === 0) releasedAllS = (driver.cycleEndsMs[i]! - t1Ms) / 1000;
        });
        const ours = counters.dispatcher.total() + counters.orchestrator.total() + counters.labourer_reports.total();
        const result = {
          max_simultaneous_invocations: limit,
          tasks: TASKS,
          dispatch_s: round(dispatchS, 2),
          tasks_created_per_s: round(TASKS / dispatchS),
          release_all_s: round(releasedAllS, 2),
          tasks_released_per_s: round(TASKS / releasedAllS),
          complete_all_s: round(completedS, 2),
          tasks_completed_per_s: round(TASKS / completedS),
          archive_all_s: round(archivedS, 2),
          orchestrator_cycles: driver.cycles.length,
          work_ms: WORK_MS,
          max_labourer_concurrency_observed: labourer.maxInFlight,
          aws_requests_per_task: {
            total_ours: round(ours / TASKS, 2),
            dispatcher: round(counters.dispatcher.total() / TASKS, 3),
            orchestrator: round(counters.orchestrator.total() / TASKS, 3),
            labourer_reports: round(counters.labourer_reports.total() / TASKS, 3),
            lambda_queue_polling_not_ours: round(counters.lambda_queue_polling.total() / TASKS, 3),
          },
          emulator_ms_per_request_by_operation: latencyByOperation(Object.values(counters)),
          aws_requests_per_task_by_operation: {
            dispatcher: perTask(counters.dispatcher),
            orchestrator: perTask(counters.orchestrator),
            labourer_reports: perTask(counters.labourer_reports),
          },
        };
        console.log(JSON.stringify(result));
        cases.push(result);
      } finally {
        await labourer.stop();
        await driver.stop();
      }
    }
  } finally {
    await moto.stop();
  }
  const output = {
    benchmark: 'orchestrator',
    started_at: new Date().toISOString(),
    ...commitInfo(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      node: process.version,
      load_average_at_start: os.loadavg().map((x) => round(x, 2)),
    },
    method:
      `${TASKS} sync_workflow tasks per case, created by the TaskDispatcher in one dispatch, released by the orchestrator's cycle (run per batch of nudges and every 1 s as the schedule), ` +
      'put on a custom EventBridge bus whose rule targets the labourer queue, consumed by an in-process labourer running the production labourer handler (shared/labourer/consumer.ts: checks, Powertools idempotency records on DynamoDB, run-and-report; work time `work_ms`, default 0; it receives up to 10 messages per poll like a Lambda event source mapping and hands each to the handler) reporting through the WorkerAssistant (which nudges the orchestrator), ' +
      "archived by the scavenger. Emulator: moto 5.2.1 server on loopback (local mode's emulator; one Python core, so absolute rates are the emulator's, not AWS's). " +
      'Requests are counted per SDK command sent (retries not included). tasks_released_per_s = tasks / time until the last release; tasks_completed_per_s = tasks / time until the last completion report.',
    cases,
  };
  mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
  writeFileSync(path.join(repo, 'bench/results/orchestrator.json'), `${JSON.stringify(output, null, 2)}\n`);
  console.log('wrote bench/results/orchestrator.json');
  return output;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run();

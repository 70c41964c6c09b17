// The carbon loop that `make local` shows, on a running local mode: deploy a demo workflow, drive
// traffic, then move the local runtime's clock to just before each daily schedule of the stack
// (terraform/manifest.ts DEFAULT_SCHEDULES) and let the REAL schedules fire — log sync 00:05 (and the
// monthly provider collector, 00:05 on the 1st), carbon + performance collectors 00:30, deployment
// manager 01:00, migrator 02:00 — checking each step's effect in the tables. Then run again and
// read where the runs executed, sync them (next day's 00:05), and compute the report.
// No service code is called here: every effect comes from the deployed services.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { localEnv, type LocalModeState } from '../../../local/mode.js';
import { publishToBus, routerAnswers } from '../../../local/inspect.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { physicalName } from '../../../shared/analysis/names.js';
import type { PlanMetrics, RegionKey, WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import { deployWorkflow } from '../../../shared/workflows/deploy.js';
import { resolveControlPlane, workflowDeps, type WorkflowDeps } from '../../../shared/workflows/env.js';
import { followRun, type RunReport } from '../../../shared/workflows/follow.js';
import { removeWorkflow } from '../../../shared/workflows/remove.js';
import { runWorkflow } from '../../../shared/workflows/run.js';
import { names } from '../../../shared/manifest/services.js';
import { clients } from '../../../shared/aws/clients.js';
import { renderHtml, renderPng, renderSvg } from '../report/charts.js';
import { loadReportInput } from '../report/load.js';
import { computeReport, shortInstance, type Report } from '../report/model.js';
import { hourSpans } from '../report/text.js';
import { DEMO_HOME, DEMO_INPUT, DEMO_OTHER_REGIONS, DEMO_WORKFLOW, writeDemoProject } from './demo-project.js';
import { LoopStepError, Progress, waitForEffect, type StepRecord } from './progress.js';
import { Probes } from './probes.js';

export interface LoopOptions {
  state: LocalModeState;
  /** Progress lines for a person; undefined: quiet (the result is returned). */
  print?: (line: string) => void;
  /** Runs before the first solve (the deployment manager needs at least 10). Default 12. */
  runs?: number;
  /** Runs after the migration, whose regions are read back. Default 4. */
  nextRuns?: number;
  /** Seconds each step waits for its effect (default per step, below). */
  timeoutScale?: number;
  /** Where the demo project and the report files go (default <stateDir>/demo). */
  workDir?: string;
}

export interface MovedInstance {
  instance: string;
  region: RegionKey;
  /** UTC hours ("0-23h"). */
  hours: string;
}

export interface LoopResult {
  ok: boolean;
  elapsedS: number;
  workflowId?: string;
  steps: StepRecord[];
  failed?: { step: string; service: string; message: string };
  moved: MovedInstance[];
  /** The solver's expected gCO2e per run, averaged over the plan's hours: all at home vs the plan. */
  expectedPerRun?: { homeGCO2e: number; planGCO2e: number };
  nextRuns: Array<{ run_id: string; instances: Array<{ instance: string; region: string }> }>;
  report?: Omit<Report, 'runs_detail'>;
  reportFiles: string[];
}

const HOUR_MS = 3_600_000;
const SERVICE = {
  router: 'action-router (EventBridge → router queue → router Lambda)',
  deploy: 'caribou deploy (shared/workflows/deploy.ts)',
  runtime: 'the workflow runtime (shared/runtime) in the local Lambda runtime',
  logSyncer: 'log-syncer (issue 11), fired by the log_syncer schedule',
  collectors: 'data-collectors (issue 10), fired by the provider/carbon/performance schedules',
  manager: 'deployment-manager (issue 12), fired by the deployment_manager schedule',
  migrator: 'migrator (issue 12), fired by the deployment_migrator schedule',
  report: 'caribou report (cli/lib/report)',
} as const;

/** 00:00 UTC of the first day of the month after `ms` (the monthly provider collector fires then). */
export function firstOfNextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export function movedInstances(wpd: WorkflowPlacementDocument | undefined): MovedInstance[] {
  const plan = wpd?.current_deployment;
  if (!wpd || !plan) return [];
  const out: MovedInstance[] = [];
  for (const instance of Object.keys(wpd.instance_functions).sort()) {
    const byHour = Array.from({ length: 24 }, (_, hour) => {
      const key = [...plan.time_keys]
        .sort((a, b) => a - b)
        .filter((k) => k <= hour)
        .at(-1);
      return { hour, region: (key === undefined ? undefined : plan.hours[String(key)]?.[instance]) ?? wpd.home_region };
    });
    for (const region of new Set(byHour.map((h) => h.region))) {
      if (region === wpd.home_region) continue;
      out.push({ instance, region, hours: hourSpans(byHour.filter((h) => h.region === region).map((h) => h.hour)) });
    }
  }
  return out;
}

function meanMetrics(
  metrics: Record<string, { metrics: PlanMetrics; home_metrics: PlanMetrics }> | undefined,
): { homeGCO2e: number; planGCO2e: number } | undefined {
  const all = Object.values(metrics ?? {});
  if (!all.length) return undefined;
  return {
    homeGCO2e: all.reduce((s, m) => s + m.home_metrics.average_carbon, 0) / all.length,
    planGCO2e: all.reduce((s, m) => s + m.metrics.average_carbon, 0) / all.length,
  };
}

export async function runCarbonLoop(options: LoopOptions): Promise<LoopResult> {
  const { state } = options;
  Object.assign(process.env, localEnv(state));
  const progress = new Progress(options.print);
  const probes = new Probes(state);
  const scale = options.timeoutScale ?? 1;
  const runs = options.runs ?? 12;
  const nextRunsWanted = options.nextRuns ?? 4;
  const workDir = options.workDir ?? path.join(state.stateDir, 'demo');
  const loopStartedIso = new Date(Date.now() - 1000).toISOString();
  const result: LoopResult = { ok: false, elapsedS: 0, steps: progress.steps, moved: [], nextRuns: [], reportFiles: [] };
  let deps: WorkflowDeps;
  let workflowId = '';
  let virtualDay = 0;

  /**
   * Moves the runtime's clock to 2 s before `hh:mm` of the current virtual day (or of the next one:
   * the clock only moves forward) and waits until `schedule` fired.
   */
  const fireSchedule = async (schedule: string, at: { nextDay?: boolean; hour: number; minute: number }) => {
    const before = await probes.scheduleFired(schedule);
    if (before === undefined)
      throw new Error(
        `the local runtime has no schedule ${names.scheduleRule(state.prefix, schedule)} (was the stack applied? \`caribou local status\`)`,
      );
    if (at.nextDay) virtualDay += 24 * HOUR_MS;
    const target = virtualDay + at.hour * HOUR_MS + at.minute * 60_000;
    await probes.setClock({ nowIso: new Date(target - 2000).toISOString(), speed: 1 });
    await waitForEffect(
      {
        step: schedule,
        service: "the local runtime's scheduler",
        effect: `schedule ${schedule} firing at ${new Date(target).toISOString()}`,
        timeoutS: 20,
      },
      async () => {
        const fired = (await probes.scheduleFired(schedule)) ?? 0;
        return fired > before ? { value: fired, why: 'fired' } : { why: `fired ${fired} times` };
      },
    );
    return new Date(target).toISOString().slice(0, 16).replace('T', ' ');
  };

  const followAll = async (ids: Array<{ runId: string; startedAt: Date }>, timeoutS: number): Promise<RunReport[]> => {
    const reports: RunReport[] = [];
    for (const { runId, startedAt } of ids) reports.push(await followRun(workflowId, runId, startedAt, { timeoutS, pollMs: 1000 }, deps));
    return reports;
  };

  /**
   * Fires the log_syncer schedule until the summary holds every run of `wanted`: runs whose last
   * lines were still in flight at the window edge are synced by the next firing, so up to 3 firings
   * happen, each on the next virtual day. `nextDay`: the first firing is on the next day too.
   */
  const syncRuns = async (wanted: Set<string>, step: string, nextDay: boolean, first: string) => {
    const since = Date.now();
    let seen = '';
    for (let firing = 0; firing < 3; firing++) {
      const at = await fireSchedule('log_syncer', { nextDay: nextDay || firing > 0, hour: 0, minute: 5 });
      progress.note(`virtual clock ${at} UTC: log_syncer fired${firing === 0 ? first : ' again (runs still missing)'}`);
      try {
        return await waitForEffect(
          {
            step,
            service: SERVICE.logSyncer,
            effect: `the summary of ${workflowId} holding the ${wanted.size} runs (table ${probes.table('workflow-summaries')}, sync_window "summary")`,
            timeoutS: 40 * scale,
            fail: () => probes.refusal('log_sync', since),
          },
          async () => {
            const s = await probes.summary(workflowId);
            if (!s) return { why: 'no summary item' };
            const have = s.runs.filter((r) => wanted.has(r.run_id)).length;
            return have === wanted.size
              ? { value: s, why: '' }
              : { why: `${have} of ${wanted.size} runs synced (totalRuns ${s.totalRuns}, pending ${s.pendingRunIds.length})` };
          },
        );
      } catch (error) {
        if (!(error instanceof LoopStepError) || /not produced/.test(error.message) || firing === 2) throw error;
        seen = error.message;
      }
    }
    throw new LoopStepError(step, SERVICE.logSyncer, seen);
  };

  try {
    deps = workflowDeps(await resolveControlPlane(process.env));

    await progress.step('control plane answers through EventBridge', SERVICE.router, async () => {
      const since = Date.now() - 1000;
      await publishToBus(state, { action: 'version' });
      const answer = await waitForEffect(
        { step: 'router', service: SERVICE.router, effect: 'the router\'s answer to {"action":"version"}', timeoutS: 60 * scale },
        async () => {
          const found = (await routerAnswers(state, since)).find((a) => a.action === 'version' && a.via === 'eventbridge');
          return found ? { value: found.answer, why: 'answered' } : { why: "no answer in the router's logs yet" };
        },
      );
      return { value: undefined, detail: `version → ${JSON.stringify(answer)}` };
    });

    workflowId = await progress.step(
      `deploy ${DEMO_WORKFLOW} (home ${DEMO_HOME}; also allowed: ${DEMO_OTHER_REGIONS.join(', ')})`,
      SERVICE.deploy,
      async () => {
        // A fresh version every time: an earlier demo's plan, bookkeeping and cooldown never leak in.
        // Versions also count leftovers whose record is gone (a reset table): their sync tables remain.
        const earlier = (await probes.workflowIds()).filter((id) => id.startsWith(`${DEMO_WORKFLOW}-`));
        const leftovers = (await probes.tablesIn(DEMO_HOME, `caribou-sync-${DEMO_WORKFLOW}-`)).map((t) => Number(t.split('_').at(-1)) || 0);
        const patch = Math.max(0, ...leftovers, ...earlier.map((id) => Number(id.split('.').at(-1)) || 0)) + 1;
        for (const id of earlier) {
          await removeWorkflow({ workflowId: id }, deps);
          progress.note(`removed the earlier demo ${id}`);
        }
        const project = analyzeProject(writeDemoProject(workDir, `0.0.${patch}`));
        const deployed = await deployWorkflow(project, deps);
        return {
          value: deployed.workflowId,
          detail: `${deployed.workflowId}: ${deployed.functions.length} functions in ${deployed.homeRegion} (${deployed.durationS.toFixed(1)} s)`,
        };
      },
    );
    result.workflowId = workflowId;

    const firstRuns = await progress.step(`drive traffic: ${runs} runs`, SERVICE.runtime, async () => {
      const started: Array<{ runId: string; startedAt: Date }> = [];
      for (let i = 0; i < runs; i++) {
        const startedAt = new Date();
        started.push({
          runId: (await runWorkflow({ workflowId, argument: DEMO_INPUT, requestSource: 'make local' }, deps)).runId,
          startedAt,
        });
      }
      const reports = await followAll(started, 120 * scale);
      const bad = reports.filter((r) => r.status !== 'succeeded');
      if (bad.length)
        throw new LoopStepError(
          'runs',
          SERVICE.runtime,
          `${bad.length} of ${runs} runs did not succeed (${bad.map((r) => `${r.run_id.slice(0, 8)} ${r.status}`).join(', ')}); see \`caribou local logs\``,
        );
      const regions = new Set(reports.flatMap((r) => r.instances.map((i) => i.region)));
      return {
        value: reports,
        detail: `${reports.length} runs succeeded, ${reports.reduce((s, r) => s + r.instances.length, 0)} instance executions, all in ${[...regions].join(', ')}`,
      };
    });

    // Virtual time: the 1st of the month after the runtime clock's "now", so the monthly provider
    // collector fires at 00:05 together with the log syncer.
    virtualDay = firstOfNextMonth(Date.parse((await probes.runtimeStatus()).clock.nowIso));

    await progress.step('log sync (schedule log_syncer, 00:05 UTC)', SERVICE.logSyncer, async () => {
      const summary = await syncRuns(
        new Set(firstRuns.map((r) => r.run_id)),
        'log sync',
        false,
        ' (and provider_collector: the 1st of the month)',
      );
      return { value: summary, detail: `${summary.totalRuns} runs synced into the summary (${summary.lines.parsed} log lines parsed)` };
    });

    await progress.step(
      'collect provider, carbon and performance data (schedules 00:05 on the 1st, 00:30)',
      SERVICE.collectors,
      async () => {
        const since = Date.now();
        const at = await fireSchedule('carbon_collector', { hour: 0, minute: 30 });
        progress.note(`virtual clock ${at} UTC: carbon_collector and performance_collector fired`);
        const regions = [DEMO_HOME, ...DEMO_OTHER_REGIONS].map((r) => `aws:${r}`);
        const fresh = (docs: Record<string, { collected_at: string }>) =>
          regions.filter((r) => docs[r] && Date.parse(docs[r]!.collected_at) >= Date.parse(loopStartedIso));
        let published = false;
        const found = await waitForEffect(
          {
            step: 'collect',
            service: SERVICE.collectors,
            effect: `carbon, provider and performance documents for ${regions.join(', ')} collected after ${loopStartedIso} (table ${probes.table('collector-data')})`,
            timeoutS: 120 * scale,
            fail: async () => (await probes.refusal('data_collect', since)) ?? (await probes.refusal('data_collect', since - 60_000)),
          },
          async () => {
            const [carbon, provider, performance] = await Promise.all([probes.carbon(), probes.provider(), probes.performance()]);
            const have = { carbon: fresh(carbon), provider: fresh(provider), performance: fresh(performance) };
            // The monthly provider schedule fired with the log syncer; if its documents are still
            // missing once the others are in, ask once through EventBridge as an operator would.
            if (
              have.carbon.length === regions.length &&
              have.provider.length < regions.length &&
              !published &&
              Date.now() - since > 20_000
            ) {
              published = true;
              await publishToBus(state, { action: 'data_collect', collector: 'provider' });
              progress.note('provider documents missing: published {"action":"data_collect","collector":"provider"} on the bus');
            }
            const done = Object.values(have).every((h) => h.length === regions.length);
            return done
              ? { value: carbon, why: '' }
              : {
                  why: `fresh documents: carbon ${have.carbon.length}/3, provider ${have.provider.length}/3, performance ${have.performance.length}/3`,
                };
          },
        );
        const intensities = regions.map((r) => `${r.slice(4)} ${Math.round(found[r]!.overallGCO2ePerKWh)}`).join(', ');
        return { value: undefined, detail: `gCO2e/kWh (${found[regions[0]!]!.provenance.source}): ${intensities}` };
      },
    );

    const staged = await progress.step('solve (schedule deployment_manager, 01:00 UTC)', SERVICE.manager, async () => {
      const since = Date.now();
      const at = await fireSchedule('deployment_manager', { hour: 1, minute: 0 });
      progress.note(`virtual clock ${at} UTC: deployment_manager fired`);
      const plan = await waitForEffect(
        {
          step: 'solve',
          service: SERVICE.manager,
          effect: `a staged plan for ${workflowId} (table ${probes.table('solver-staging')})`,
          timeoutS: 150 * scale,
          fail: () => probes.refusal('manage_deployments', since),
        },
        async () => {
          const s = await probes.staged(workflowId);
          if (s && Date.parse(s.staged_at) >= Date.parse(loopStartedIso)) return { value: s, why: '' };
          const decision = (await probes.workflow(workflowId))?.deployment_manager?.last_decision;
          return {
            why: `${s ? `only an old plan staged at ${s.staged_at}` : 'nothing staged'}${decision ? `; the manager's last decision: ${decision.outcome} at ${decision.at} ${JSON.stringify(decision.detail)}` : '; no decision recorded on the workflow'}`,
          };
        },
      );
      const home = `aws:${DEMO_HOME}`;
      const away = Object.values(plan.plan.hours)
        .flatMap((h) => Object.values(h))
        .filter((r) => r !== home);
      if (!away.length) {
        throw new LoopStepError(
          'solve',
          SERVICE.manager,
          `the staged plan keeps every instance at home (kept home: ${JSON.stringify(plan.kept_home)}; candidates ${plan.candidate_regions.join(', ')}); nothing to migrate`,
        );
      }
      return {
        value: plan,
        detail: `plan for hours ${plan.plan.time_keys.join(',')} (${plan.solver.algorithm}, ${plan.solver.durationS.toFixed(1)} s): expected ${plan.expected.plan.average_carbon.toPrecision(3)} gCO2e/run vs ${plan.expected.home.average_carbon.toPrecision(3)} all at home`,
      };
    });

    const placement = await progress.step('migrate (schedule deployment_migrator, 02:00 UTC)', SERVICE.migrator, async () => {
      const since = Date.now();
      const at = await fireSchedule('deployment_migrator', { hour: 2, minute: 0 });
      progress.note(`virtual clock ${at} UTC: deployment_migrator fired`);
      const wpd = await waitForEffect(
        {
          step: 'migrate',
          service: SERVICE.migrator,
          effect: `the placement of ${workflowId} publishing the staged plan (expiry ${staged.plan.expiry_time}) and the staging item deleted`,
          timeoutS: 180 * scale,
          fail: () => probes.refusal('run_deployment_migrator', since),
        },
        async () => {
          const [doc, still] = await Promise.all([probes.placement(workflowId), probes.staged(workflowId)]);
          const current = doc?.current_deployment;
          const published = Boolean(
            current &&
              (current.expiry_time === staged.plan.expiry_time || JSON.stringify(current.hours) === JSON.stringify(staged.plan.hours)),
          );
          return published && !still
            ? { value: doc!, why: '' }
            : { why: `${published ? 'plan published' : 'plan not in the placement'}, staging item ${still ? 'still there' : 'gone'}` };
        },
      );
      const moved = movedInstances(wpd);
      const [name, version] = [workflowId.slice(0, workflowId.lastIndexOf('-')), workflowId.slice(workflowId.lastIndexOf('-') + 1)];
      const missing: string[] = [];
      for (const region of new Set(moved.map((m) => m.region))) {
        const code = region.slice(region.indexOf(':') + 1);
        const fns = await probes.functionsIn(code);
        for (const fn of new Set(moved.filter((m) => m.region === region).map((m) => wpd.instance_functions[m.instance]!))) {
          if (!wpd.endpoints[fn]?.[region] || !fns.includes(physicalName(state.prefix, name, version, fn, code)))
            missing.push(`${fn} in ${region}`);
        }
      }
      if (missing.length)
        throw new LoopStepError(
          'migrate',
          SERVICE.migrator,
          `the plan is published but these functions are not deployed where it sends them: ${missing.join(', ')}`,
        );
      result.moved = moved;
      const byTarget = new Map<string, number>();
      for (const m of moved)
        byTarget.set(
          `${shortInstance(m.instance).split(':')[0]} → ${m.region} (UTC ${m.hours})`,
          (byTarget.get(`${shortInstance(m.instance).split(':')[0]} → ${m.region} (UTC ${m.hours})`) ?? 0) + 1,
        );
      return { value: wpd, detail: [...byTarget].map(([what, n]) => `${n} instance${n === 1 ? '' : 's'} of ${what}`).join('; ') };
    });
    result.expectedPerRun = meanMetrics(placement.current_deployment?.metrics) ?? {
      homeGCO2e: staged.expected.home.average_carbon,
      planGCO2e: staged.expected.plan.average_carbon,
    };

    const nextRuns = await progress.step(
      `run again: ${nextRunsWanted} runs read back`,
      `${SERVICE.runtime} reading the placement the migrator published`,
      async () => {
        const started: Array<{ runId: string; startedAt: Date }> = [];
        for (let i = 0; i < nextRunsWanted; i++) {
          const startedAt = new Date();
          started.push({
            runId: (await runWorkflow({ workflowId, argument: DEMO_INPUT, requestSource: 'make local' }, deps)).runId,
            startedAt,
          });
        }
        const reports = await followAll(started, 120 * scale);
        result.nextRuns = reports.map((r) => ({
          run_id: r.run_id,
          instances: r.instances.map((i) => ({ instance: i.instance, region: i.region })),
        }));
        const away = reports.filter((r) => r.instances.some((i) => i.region !== `aws:${DEMO_HOME}`));
        if (reports.some((r) => r.status !== 'succeeded'))
          throw new LoopStepError(
            'next runs',
            SERVICE.runtime,
            `runs after the migration did not all succeed: ${reports.map((r) => `${r.run_id.slice(0, 8)} ${r.status}`).join(', ')}`,
          );
        if (!away.length)
          throw new LoopStepError(
            'next runs',
            SERVICE.runtime,
            `none of ${reports.length} runs executed an instance outside ${DEMO_HOME} although the plan moves ${result.moved.length} instances`,
          );
        return {
          value: reports,
          detail: `${away.length} of ${reports.length} runs executed instances in ${[...new Set(away.flatMap((r) => r.instances.map((i) => i.region)).filter((r) => r !== `aws:${DEMO_HOME}`))].join(', ')}${away.length < reports.length ? ' (the others ran entirely at home: the home share of runs)' : ''}`,
        };
      },
    );

    await progress.step("sync the new runs (next day's log_syncer, 00:05 UTC)", SERVICE.logSyncer, async () => {
      const summary = await syncRuns(new Set(nextRuns.map((r) => r.run_id)), 'sync again', true, '');
      const away = summary.runs.filter((r) => r.instances.some((i) => i.region !== `aws:${DEMO_HOME}`)).length;
      return { value: summary, detail: `${summary.totalRuns} runs in the summary, ${away} of them with instances outside ${DEMO_HOME}` };
    });

    await progress.step('report (caribou report)', SERVICE.report, async () => {
      const input = await loadReportInput(
        clients.doc(state.region),
        {
          workflows: probes.table('workflows'),
          placements: probes.table('placements'),
          summaries: probes.table('workflow-summaries'),
          collector: probes.table('collector-data'),
        },
        workflowId,
      );
      const report = computeReport(input);
      const { runs_detail: _detail, ...figures } = report;
      result.report = figures;
      mkdirSync(workDir, { recursive: true });
      const svg = await renderSvg(report);
      const png = path.join(workDir, 'report.png');
      const html = path.join(workDir, 'report.html');
      writeFileSync(png, renderPng(svg));
      writeFileSync(html, renderHtml(report, svg));
      result.reportFiles = [png, html];
      const c = report.carbon;
      return {
        value: undefined,
        detail: `${report.runs.accounted} runs: ${c.actual.gCO2e.toPrecision(3)} gCO2e as executed vs ${c.home_counterfactual.gCO2e.toPrecision(3)} all at home (saved ${c.saved_percent ?? 0} %); ${path.relative(process.cwd(), png)}`,
      };
    });
    result.ok = true;
  } catch (error) {
    const e = error as Error;
    result.failed =
      error instanceof LoopStepError
        ? { step: error.step, service: error.service, message: e.message }
        : { step: progress.steps.at(-1)?.step ?? 'setup', service: 'the loop driver', message: e.message };
  } finally {
    // Leave the system on real time for the user to explore.
    await probes.setClock({ nowIso: new Date().toISOString(), speed: 1 }).catch(() => undefined);
  }
  result.elapsedS = Number(progress.elapsedS().toFixed(1));
  return result;
}

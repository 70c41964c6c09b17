// One collect_data task → the named collector. A task whose collector wrote nothing but failed
// somewhere is a (retryable) failure; partial success completes and reports the failed keys.
import type { InternalEventOf } from '../../../shared/contracts/actions.js';
import { TransientError } from '../../../shared/errors.js';
import { collectCarbon, type CarbonDeps } from './carbon.js';
import { collectPerformance, type PerformanceDeps } from './performance.js';
import { collectProvider, type ProviderDeps } from './provider.js';
import type { CollectorReport } from './report.js';
import { collectWorkflow, type WorkflowDeps } from './workflow.js';

export interface CollectorDeps {
  provider: Omit<ProviderDeps, 'deadlineMs'>;
  carbon: Omit<CarbonDeps, 'deadlineMs'>;
  performance: Omit<PerformanceDeps, 'deadlineMs'>;
  workflow: WorkflowDeps;
}

export async function runCollector(
  event: InternalEventOf<'collect_data'>,
  deps: CollectorDeps,
  deadlineMs: number,
): Promise<CollectorReport> {
  let report: CollectorReport;
  switch (event.collector) {
    case 'provider':
      report = await collectProvider({ ...deps.provider, deadlineMs });
      break;
    case 'carbon':
      report = await collectCarbon({ ...deps.carbon, deadlineMs });
      break;
    case 'performance':
      report = await collectPerformance({ ...deps.performance, deadlineMs });
      break;
    case 'workflow':
      report = await collectWorkflow(event.workflow_id!, deps.workflow);
      break;
  }
  if (report.written.length === 0 && report.failed.length > 0) {
    throw new TransientError(
      `${event.collector} collector wrote nothing: ${report.failed
        .slice(0, 3)
        .map((f) => `${f.key}: ${f.reason}`)
        .join('; ')}`,
    );
  }
  return report;
}

/** The fields of a finished collector's log line (counts, not the written keys). */
export function reportLogFields(report: CollectorReport) {
  const { collector, written, failed, skipped, sources, maxDocumentBytes } = report;
  return { collector, written: written.length, failed, skipped, sources, maxDocumentBytes };
}

// Wiring of the collectors' ports from the function's environment (tables set by the stack).
import { clients } from '../../shared/aws/clients.js';
import { requireEnv } from '../../shared/config/env.js';
import { workflowDocumentFromSummary } from '../../shared/solver/from-summary.js';
import { tableSpec } from '../../shared/manifest/tables.js';
import { DynamoCollectedStore } from './adapters/collected-store.js';
import { Ec2RegionLister, PricingApi, SsmSecrets } from './adapters/aws.js';
import { fetchHttp } from './adapters/http.js';
import { DynamoWorkflowSource } from './adapters/workflow-source.js';
import { collectorsConfigFromEnv } from './config.js';
import type { CollectorDeps } from './core/collect.js';
import { systemClock } from './core/ports.js';
import type { WorkflowDocumentBuilder } from './core/workflow.js';

/** The workflow collector's conversion: the log syncer's summary → the solver's WorkflowDocument. */
export const summaryWorkflowBuilder: WorkflowDocumentBuilder = (summary, record, now, availableRegions) =>
  workflowDocumentFromSummary(summary, record, { now, availableRegions });

export function collectorDepsFromEnv(build: WorkflowDocumentBuilder, env: NodeJS.ProcessEnv = process.env): CollectorDeps {
  const config = collectorsConfigFromEnv(env);
  const doc = clients.doc();
  const store = new DynamoCollectedStore(doc, requireEnv(tableSpec('collector-data').envVar, env));
  const regions = new Ec2RegionLister();
  const clock = systemClock;
  return {
    provider: { store, regions, clock, pricing: config.livePrices ? new PricingApi(config.pricingRegion) : undefined },
    carbon: {
      store,
      regions,
      clock,
      http: fetchHttp,
      secrets: new SsmSecrets(),
      config: {
        sources: config.carbonSources,
        electricityMapsUrl: config.electricityMapsUrl,
        tokenParameter: config.tokenParameter,
        httpTimeoutMs: config.httpTimeoutMs,
      },
    },
    performance: {
      store,
      regions,
      clock,
      http: fetchHttp,
      config: { sources: config.performanceSources, latencyUrl: config.latencyUrl, httpTimeoutMs: config.httpTimeoutMs },
    },
    workflow: {
      store,
      clock,
      build,
      source: new DynamoWorkflowSource(doc, {
        workflows: requireEnv(tableSpec('workflows').envVar, env),
        summaries: requireEnv(tableSpec('workflow-summaries').envVar, env),
      }),
    },
  };
}

// Where the control plane's tables and bucket are, for the deployer, remover and run client.
import { requireEnv } from '../config/env.js';
import { clients } from '../aws/clients.js';

export interface ControlPlane {
  workflowsTable: string;
  placementsTable: string;
  artifactsBucket: string;
  /** Region of the control plane's tables and bucket (undefined: the SDK's default region). */
  region?: string;
  stagingTable?: string;
  summariesTable?: string;
  collectorTable?: string;
}

export type AwsClients = typeof clients;

export interface WorkflowDeps {
  controlPlane: ControlPlane;
  clients: AwsClients;
  now: () => Date;
  /** Progress lines for a person (the CLI prints them). */
  progress: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
}

export function controlPlaneFromEnv(env: NodeJS.ProcessEnv = process.env): ControlPlane {
  const optional = (name: string) => (env[name] ? env[name] : undefined);
  return {
    workflowsTable: requireEnv('CARIBOU_WORKFLOWS_TABLE', env),
    placementsTable: requireEnv('CARIBOU_PLACEMENTS_TABLE', env),
    artifactsBucket: requireEnv('CARIBOU_ARTIFACTS_BUCKET', env),
    ...(optional('CARIBOU_CONTROL_REGION') ? { region: env.CARIBOU_CONTROL_REGION! } : env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(optional('CARIBOU_SOLVER_STAGING_TABLE') ? { stagingTable: env.CARIBOU_SOLVER_STAGING_TABLE! } : {}),
    ...(optional('CARIBOU_WORKFLOW_SUMMARIES_TABLE') ? { summariesTable: env.CARIBOU_WORKFLOW_SUMMARIES_TABLE! } : {}),
    ...(optional('CARIBOU_COLLECTOR_DATA_TABLE') ? { collectorTable: env.CARIBOU_COLLECTOR_DATA_TABLE! } : {}),
  };
}

export function workflowDepsFromEnv(progress: (line: string) => void = () => undefined, env: NodeJS.ProcessEnv = process.env): WorkflowDeps {
  return { controlPlane: controlPlaneFromEnv(env), clients, now: () => new Date(), progress, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
}

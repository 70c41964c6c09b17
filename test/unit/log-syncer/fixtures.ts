import { readFileSync } from 'node:fs';
import type { WorkflowDag } from '../../../shared/analysis/dag.js';
import type { WorkflowConfig } from '../../../shared/analysis/config.js';

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/log-syncer/${name}-dag.json`, import.meta.url), 'utf8')) as {
    dag: WorkflowDag;
    config: WorkflowConfig;
  };
export const mapReduce = load('map_reduce');
export const smallSync = load('small_sync_example');
export const runIdOf = (i: number) => i.toString(16).padStart(32, '0');

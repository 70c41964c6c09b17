// Where the control plane is: the stack prefix, table names, the repo root. The one place these are
// derived (services, orchestrator wiring, the workflow client, the CLI and local mode read them here).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TABLES, physicalTableName, type TableId } from '../manifest/tables.js';
import { requireEnv } from './env.js';

/** Prefix of every control-plane resource name when CARIBOU_PREFIX is not set (CLI, synth, local mode). */
export const DEFAULT_PREFIX = 'caribou';

/** The checkout this code runs from (the CLI bundle keeps source URLs, ADR 0005). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function stackPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARIBOU_PREFIX || DEFAULT_PREFIX;
}

export function tableEnvVar(id: TableId): string {
  const spec = TABLES.find((t) => t.id === id);
  if (!spec) throw new Error(`unknown control-plane table ${id}`);
  return spec.envVar;
}

/**
 * A service's table: only from its env var, which the stack sets exactly for the tables the
 * service's IAM role may use (so a missing grant is a clear error, not an AccessDenied later).
 */
export function requireTableName(id: TableId, env: NodeJS.ProcessEnv = process.env): string {
  return requireEnv(tableEnvVar(id), env);
}

/**
 * An operator tool's table: its env var, else `<CARIBOU_PREFIX>-<id>` when a prefix is set
 * (the CLI sets the default prefix through `cliEnv`); otherwise an error naming the env var.
 */
export function tableName(id: TableId, env: NodeJS.ProcessEnv = process.env): string {
  return env[tableEnvVar(id)] || (env.CARIBOU_PREFIX ? physicalTableName(env.CARIBOU_PREFIX, id) : requireTableName(id, env));
}

/** Like tableName, but undefined instead of an error when neither the env var nor a prefix is set. */
export function optionalTableName(id: TableId, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[tableEnvVar(id)] || (env.CARIBOU_PREFIX ? physicalTableName(env.CARIBOU_PREFIX, id) : undefined);
}

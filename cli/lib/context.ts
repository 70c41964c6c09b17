// Where the CLI finds the control plane: the stack prefix (CARIBOU_PREFIX, default "caribou") and
// the names derived from it; every name can be overridden with the env var a Lambda would get.
import { names } from '../../shared/manifest/services.js';
import { TABLES, physicalTableName, type TableId } from '../../shared/manifest/tables.js';

export function stackPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARIBOU_PREFIX || 'caribou';
}

export function tableName(id: TableId, env: NodeJS.ProcessEnv = process.env): string {
  const spec = TABLES.find((t) => t.id === id)!;
  return env[spec.envVar] || physicalTableName(stackPrefix(env), id);
}

export function busName(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARIBOU_EVENT_BUS_NAME || names.bus(stackPrefix(env));
}

export function routerFunctionName(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARIBOU_ROUTER_FUNCTION || names.function(stackPrefix(env), 'action-router');
}

/** The environment with the stack prefix defaulted, so every command finds the same control plane. */
export function cliEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, CARIBOU_PREFIX: stackPrefix(env) };
}

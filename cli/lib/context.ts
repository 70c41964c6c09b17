// Where the CLI finds the control plane: the stack prefix (CARIBOU_PREFIX, default "caribou") and
// the names derived from it; every name can be overridden with the env var a Lambda would get.
import { names } from '../../shared/manifest/services.js';
import type { TableId } from '../../shared/manifest/tables.js';
import { stackPrefix, tableName as controlPlaneTable } from '../../shared/config/control-plane.js';

export { stackPrefix };

export function tableName(id: TableId, env: NodeJS.ProcessEnv = process.env): string {
  return controlPlaneTable(id, cliEnv(env));
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

/** Region key of the control plane ("aws:<CARIBOU_SYSTEM_REGION | AWS_REGION | us-east-1>"), as the stack sets it. */
export function systemRegionKey(env: NodeJS.ProcessEnv = process.env): string {
  return `aws:${env.CARIBOU_SYSTEM_REGION || env.AWS_REGION || 'us-east-1'}`;
}

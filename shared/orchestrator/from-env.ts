// Wiring of the orchestrator's parts from a function's environment (table names, bus, queue URL as
// the stack sets them; AWS clients from the SDK's standard configuration).
import { clients } from '../aws/clients.js';
import { requireTableName } from '../config/control-plane.js';
import { SqsNudger, TaskDispatcher, type Nudger } from './dispatcher.js';
import { DynamoTaskStore, type TaskStore } from './task-store.js';
import { WorkerAssistant } from './worker-assistant.js';

export const ORCHESTRATOR_QUEUE_URL_ENV = 'CARIBOU_ORCHESTRATOR_QUEUE_URL';

export function taskStoreFromEnv(env: NodeJS.ProcessEnv = process.env, withArchive = true): TaskStore {
  return new DynamoTaskStore(clients.doc(), {
    tasks: requireTableName('tasks', env),
    ...(withArchive ? { closed: requireTableName('closed-tasks', env), retry: requireTableName('retry-tasks', env) } : {}),
  });
}

/** Nudges the orchestrator when its queue URL is set (it is, for every service of the stack). */
export function nudgerFromEnv(env: NodeJS.ProcessEnv = process.env): Nudger | undefined {
  const url = env[ORCHESTRATOR_QUEUE_URL_ENV];
  return url ? new SqsNudger(clients.sqs(), url) : undefined;
}

/** For the action router: needs CARIBOU_TASKS_TABLE and the orchestrator's queue URL. */
export function taskDispatcherFromEnv(env: NodeJS.ProcessEnv = process.env, onNudgeError?: (error: unknown) => void): TaskDispatcher {
  return new TaskDispatcher({ store: taskStoreFromEnv(env, false), nudger: nudgerFromEnv(env), onNudgeError });
}

/** For labourers: needs CARIBOU_TASKS_TABLE (and nudges the orchestrator after each report). */
export function workerAssistantFromEnv(env: NodeJS.ProcessEnv = process.env, onNudgeError?: (error: unknown) => void): WorkerAssistant {
  return new WorkerAssistant({ doc: clients.doc(), tasksTable: requireTableName('tasks', env), nudger: nudgerFromEnv(env), onNudgeError });
}

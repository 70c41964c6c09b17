// The bridge between the SDK calls a handler makes and the runtime executing it. The runtime
// wrapper (shared/runtime) opens a scope per invocation; SDK calls outside a scope fail clearly.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface InvocationScope {
  readonly runId: string;
  readonly instanceName: string;
  /** Records a call to a successor; the runtime performs it after the handler returned. */
  invoke(functionName: string, payload: unknown, condition: boolean): void;
  /** Payloads of every predecessor call that reached this synchronization node. */
  getPredecessorData(): Promise<unknown[]>;
}

const storage = new AsyncLocalStorage<InvocationScope>();

export function runInScope<T>(scope: InvocationScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(what: string): InvocationScope {
  const scope = storage.getStore();
  if (!scope) {
    throw new Error(
      `${what} was called outside a Caribou invocation: call it inside a handler registered with workflow.serverlessFunction (the runtime, or simulateWorkflow in tests, runs handlers)`,
    );
  }
  return scope;
}

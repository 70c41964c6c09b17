// CaribouWorkflow: the registry a workflow's app.ts builds. At deploy time static analysis reads the
// same calls from source (shared/analysis); at run time the runtime wrapper looks functions up here.
import { currentScope } from './context.js';
import type { Handler, ServerlessFunctionOptions, WorkflowOptions } from './types.js';

/** A registered function; the type parameters carry its payload and result types end to end. */
export interface CaribouFunction<In = unknown, Out = unknown> {
  readonly name: string;
  readonly options: Readonly<ServerlessFunctionOptions>;
  readonly handler: Handler<In, Out>;
}

const FUNCTION_NAME = /^[A-Za-z0-9_]{1,20}$/;

/** Every workflow constructed in this process; a deployed bundle holds exactly one. */
const constructed: CaribouWorkflow[] = [];

export class CaribouWorkflow {
  readonly name: string;
  readonly version: string;
  readonly #functions = new Map<string, CaribouFunction<any, any>>();

  constructor(options: WorkflowOptions) {
    if (!options || typeof options.name !== 'string' || typeof options.version !== 'string') {
      throw new TypeError('new CaribouWorkflow({ name, version }) needs a string name and a string version');
    }
    this.name = options.name;
    this.version = options.version;
    constructed.push(this);
  }

  /** Registers a handler as a workflow function and returns the handle successors are invoked by. */
  serverlessFunction<In = unknown, Out = unknown>(options: ServerlessFunctionOptions, handler: Handler<In, Out>): CaribouFunction<In, Out> {
    if (!options || typeof options.name !== 'string' || !FUNCTION_NAME.test(options.name)) {
      throw new TypeError(`serverlessFunction: name must be 1-20 letters, digits or _ (got ${JSON.stringify(options?.name)})`);
    }
    if (this.#functions.has(options.name)) {
      throw new TypeError(`serverlessFunction: a function named "${options.name}" is already registered`);
    }
    if (typeof handler !== 'function') throw new TypeError(`serverlessFunction("${options.name}"): handler must be a function`);
    for (const variable of options.environmentVariables ?? []) {
      if (typeof variable?.key !== 'string' || typeof variable?.value !== 'string') {
        throw new TypeError(`serverlessFunction("${options.name}"): environmentVariables entries need string key and value`);
      }
    }
    const fn: CaribouFunction<In, Out> = Object.freeze({ name: options.name, options: Object.freeze({ ...options }), handler });
    this.#functions.set(options.name, fn);
    return fn;
  }

  /**
   * Calls `fn` asynchronously with `payload` (sent after this handler returns). Always execute this
   * statement: to skip the call in a run, pass `condition = false` (never wrap it in `if`).
   */
  invokeServerlessFunction<In>(fn: CaribouFunction<In, any>, payload?: In, condition = true): void {
    const scope = currentScope('invokeServerlessFunction');
    if (!fn || typeof fn.name !== 'string' || this.#functions.get(fn.name) !== fn) {
      throw new TypeError('invokeServerlessFunction: the first argument must be a function registered on this workflow');
    }
    scope.invoke(fn.name, payload, Boolean(condition));
  }

  /** In a synchronization node: the payloads every predecessor call sent, in call-site order. */
  getPredecessorData<T = unknown>(): Promise<T[]> {
    return currentScope('getPredecessorData').getPredecessorData() as Promise<T[]>;
  }

  /** The id of the run this invocation belongs to. */
  getRunId(): string {
    return currentScope('getRunId').runId;
  }

  /** The logical instance being executed, e.g. `wf-0_0_1-fn:entry_point:0`. */
  getInstanceName(): string {
    return currentScope('getInstanceName').instanceName;
  }

  get functions(): ReadonlyMap<string, CaribouFunction<any, any>> {
    return this.#functions;
  }

  getFunction(name: string): CaribouFunction<any, any> | undefined {
    return this.#functions.get(name);
  }

  /** The workflow id used in every table: `<name>-<version>`. */
  get workflowId(): string {
    return `${this.name}-${this.version}`;
  }
}

/** The workflows constructed in this process, oldest first (the runtime needs exactly one). */
export function constructedWorkflows(): readonly CaribouWorkflow[] {
  return constructed;
}

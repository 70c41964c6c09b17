// Public types of the workflow SDK. Option names are the seed's, in camelCase; the project's
// `.caribou/config.yml` keeps the Python system's snake_case (see shared/analysis/config.ts).

/** A (provider, region) pair, e.g. `{ provider: 'aws', region: 'eu-west-1' }`. */
export interface ProviderRegion {
  provider: string;
  region: string;
}

/** Provider-specific settings of a function; `memory` in MB, `timeout` in seconds. */
export interface ProviderConfig {
  config: {
    memory: number;
    timeout: number;
    [setting: string]: unknown;
  };
}

/**
 * Where a function may run. Omitted or empty parts fall back to the workflow's `config.yml`:
 * an empty `allowedRegions` means "anywhere allowed globally"; `providers` given here replace the
 * global provider settings for this function.
 */
export interface RegionsAndProviders {
  allowedRegions?: ProviderRegion[] | null;
  disallowedRegions?: ProviderRegion[] | null;
  providers?: Record<string, ProviderConfig> | null;
}

export interface EnvironmentVariable {
  key: string;
  value: string;
}

export interface ServerlessFunctionOptions {
  /** Function name: letters, digits and `_`, at most 20 characters; unique in the workflow. */
  name: string;
  /** Exactly one function of a workflow is its entry point; it cannot be a synchronization node. */
  entryPoint?: boolean;
  regionsAndProviders?: RegionsAndProviders | null;
  /** Merged over the workflow's `environment_variables`; the function's value wins. */
  environmentVariables?: EnvironmentVariable[] | null;
}

export interface WorkflowOptions {
  /** Letters, digits and `_`, at most 25 characters. */
  name: string;
  /** Digits and dots, at most 10 characters, e.g. `0.0.1`. */
  version: string;
}

/** A user handler: receives the payload its predecessor sent (entry point: the run's input). */
export type Handler<In, Out> = (payload: In) => Out | Promise<Out>;

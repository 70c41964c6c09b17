// Public entry of the Caribou workflow SDK (the package's `exports["."]`).
export { CaribouWorkflow, constructedWorkflows } from './workflow.js';
export type { CaribouFunction } from './workflow.js';
export type {
  EnvironmentVariable,
  Handler,
  ProviderConfig,
  ProviderRegion,
  RegionsAndProviders,
  ServerlessFunctionOptions,
  WorkflowOptions,
} from './types.js';
export { simulateProject } from './testing.js';
export type { SimulationOptions, SimulationResult } from './testing.js';

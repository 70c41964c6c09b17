// What the static analysis finds in a workflow's source (analyze.ts): the workflow, its registered
// functions and their successor call sites.
import type { SourceLocation } from './diagnostics.js';
import type { EnvironmentVariable, RegionsAndProviders } from '../sdk/types.js';

export interface CallSite {
  /** Name of the invoked function. */
  target: string;
  /** True when a `condition` argument was passed (the call may be skipped at run time). */
  conditional: boolean;
  location: SourceLocation;
}

export interface AnalyzedFunction {
  name: string;
  /** The const the handle was assigned to (the symbol successors invoke it by). */
  variable: string;
  entryPoint: boolean;
  /** True when the handler (or a helper it calls) uses getPredecessorData. */
  isSync: boolean;
  regionsAndProviders: RegionsAndProviders | null;
  environmentVariables: EnvironmentVariable[];
  /** Successor calls in the order they execute (helpers inlined at their call position). */
  callSites: CallSite[];
  location: SourceLocation;
}

export interface SourceAnalysis {
  file: string;
  workflowName: string;
  workflowVersion: string;
  workflowLocation: SourceLocation;
  functions: AnalyzedFunction[];
}

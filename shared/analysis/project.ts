// A workflow project on disk: `app.ts` + `.caribou/config.yml` + the IAM policy file. Analyses the
// source, checks it against the config and the naming limits, and builds the DAG.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { analyzeSource, type SourceAnalysis } from './analyze.js';
import { loadWorkflowConfig, regionRuleProblems, type WorkflowConfig } from './config.js';
import { buildDag, type WorkflowDag } from './dag.js';
import { WorkflowAnalysisError, type AnalysisDiagnostic } from './diagnostics.js';
import { unknownFunctionRegions } from './rules/regions.js';
import { LAMBDA_NAME_MAX, LONGEST_REGION, WORKFLOW_NAME_RE, WORKFLOW_VERSION_RE, regionalName } from './names.js';

export interface FunctionDescription {
  name: string;
  entry_point: boolean;
  is_sync: boolean;
  memory_mb: number;
  timeout_s: number;
  /** config-level variables merged with the function's (the function wins). */
  environment_variables: Record<string, string>;
  /** Names of invoked functions, one per call site, in call order. */
  call_sites: string[];
  allowed_regions: { provider: string; region: string }[] | null;
  disallowed_regions: { provider: string; region: string }[] | null;
}

export interface AnalyzedProject {
  projectDir: string;
  entryFile: string;
  config: WorkflowConfig;
  iamPolicy: unknown;
  source: SourceAnalysis;
  dag: WorkflowDag;
  functions: FunctionDescription[];
}

export const APP_FILE = 'app.ts';

export function analyzeProject(projectDir: string): AnalyzedProject {
  const dir = path.resolve(projectDir);
  const entryFile = path.join(dir, APP_FILE);
  if (!existsSync(entryFile)) {
    throw new WorkflowAnalysisError([
      {
        file: entryFile,
        line: 1,
        column: 1,
        rule: 'no-source',
        message: `${APP_FILE} not found in ${dir}`,
        hint: 'run in a project made by `caribou new_workflow`, or pass its folder',
      },
    ]);
  }
  const { config, iamPolicy } = loadWorkflowConfig(dir);
  const source = analyzeSource(entryFile, dir);
  const problems: AnalysisDiagnostic[] = [];
  const at = source.workflowLocation;
  const configFile = path.relative(process.cwd(), path.join(dir, '.caribou', 'config.yml'));
  if (!WORKFLOW_NAME_RE.test(source.workflowName)) {
    problems.push({
      ...at,
      rule: 'workflow-name',
      message: `workflow name "${source.workflowName}" is invalid: 1-25 letters, digits or _ expected`,
      hint: 'shorten or rename the workflow (it is part of every Lambda name, limited to 64 chars)',
    });
  }
  if (!WORKFLOW_VERSION_RE.test(source.workflowVersion)) {
    problems.push({
      ...at,
      rule: 'workflow-version',
      message: `workflow version "${source.workflowVersion}" is invalid: 1-10 digits and dots expected`,
      hint: 'use a version like 0.0.1',
    });
  }
  if (config.workflow_name !== source.workflowName) {
    problems.push({
      file: configFile,
      line: 1,
      column: 1,
      rule: 'config-mismatch',
      message: `config.yml workflow_name "${config.workflow_name}" differs from the code's "${source.workflowName}"`,
      hint: 'make them equal',
    });
  }
  if (config.workflow_version !== source.workflowVersion) {
    problems.push({
      file: configFile,
      line: 1,
      column: 1,
      rule: 'config-mismatch',
      message: `config.yml workflow_version "${config.workflow_version}" differs from the code's "${source.workflowVersion}"`,
      hint: 'make them equal (bump both for a new deployment)',
    });
  }
  const global = {
    allowed_regions: config.regions_and_providers.allowed_regions ?? null,
    disallowed_regions: config.regions_and_providers.disallowed_regions ?? null,
    providers: config.regions_and_providers.providers,
  };
  for (const fn of source.functions) {
    problems.push(...unknownFunctionRegions(fn));
    const rp = fn.regionsAndProviders;
    if (rp) {
      const snake = {
        allowed_regions: rp.allowedRegions ?? null,
        disallowed_regions: rp.disallowedRegions ?? null,
        providers: rp.providers ?? null,
      };
      const providers = rp.providers && Object.keys(rp.providers).length > 0 ? rp.providers : global.providers;
      for (const message of regionRuleProblems(snake, providers, `function ${fn.name} regionsAndProviders`)) {
        problems.push({
          ...fn.location,
          rule: 'function-regions',
          message,
          hint: 'list each region as { provider, region } with a provider configured under providers',
        });
      }
      if (!(config.home_region.provider in providers)) {
        problems.push({
          ...fn.location,
          rule: 'function-regions',
          message: `function ${fn.name}: providers must include the home region's provider "${config.home_region.provider}"`,
          hint: 'add it under regionsAndProviders.providers or drop the providers override',
        });
      }
    }
    const allowed = (rp?.allowedRegions && rp.allowedRegions.length > 0 ? rp.allowedRegions : global.allowed_regions) ?? null;
    const regions = allowed ? [config.home_region.region, ...allowed.map((r) => r.region)] : [config.home_region.region, LONGEST_REGION];
    for (const region of regions) {
      // The spec's limit on the readable regional name; the stack prefix is added (and hashed if needed) at deploy.
      const physical = regionalName(source.workflowName, source.workflowVersion, fn.name, region);
      if (physical.length > LAMBDA_NAME_MAX) {
        problems.push({
          ...fn.location,
          rule: 'name-too-long',
          message: `Lambda name "${physical}" is ${physical.length} chars (max ${LAMBDA_NAME_MAX})`,
          hint: 'shorten the workflow or function name (or restrict allowed regions)',
        });
        break;
      }
    }
  }
  if (problems.length > 0) throw new WorkflowAnalysisError(problems);
  const dag = buildDag(source, global);
  const configEnv = Object.fromEntries((config.environment_variables ?? []).map((v) => [v.key, v.value]));
  const functions: FunctionDescription[] = source.functions.map((fn) => {
    const merged =
      dag.instances[Object.keys(dag.instances).find((i) => dag.instances[i]!.function_name === fn.name) ?? '']?.regions_and_providers;
    const providers = (merged ?? global).providers;
    const aws = providers[config.home_region.provider] ?? Object.values(providers)[0];
    return {
      name: fn.name,
      entry_point: fn.entryPoint,
      is_sync: fn.isSync,
      memory_mb: aws?.config.memory ?? 128,
      timeout_s: aws?.config.timeout ?? 60,
      environment_variables: { ...configEnv, ...Object.fromEntries(fn.environmentVariables.map((v) => [v.key, v.value])) },
      call_sites: fn.callSites.map((s) => s.target),
      allowed_regions: (merged ?? global).allowed_regions,
      disallowed_regions: (merged ?? global).disallowed_regions,
    };
  });
  return { projectDir: dir, entryFile, config, iamPolicy, source, dag, functions };
}

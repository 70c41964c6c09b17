// `.caribou/config.yml` (snake_case, as in the Python system, caribou-spec §4.1), validated with zod
// and the extra cross-field rules the Python system checks.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { DEFAULT_HOME_REGION_RUN_RATIO } from '../contracts/placement-defaults.js';
import { unknownConfigRegions } from './rules/regions.js';

export { DEFAULT_HOME_REGION_RUN_RATIO };

export const SUPPORTED_PROVIDERS = ['aws'] as const;

const providerRegion = z.object({ provider: z.string().min(1), region: z.string().min(1) }).strict();
const providerConfig = z
  .object({
    config: z
      .object({
        memory: z.number().int().min(128).max(10240),
        timeout: z.number().int().min(1).max(900),
      })
      .passthrough(),
  })
  .strict();
const constraint = z
  .object({ type: z.enum(['absolute', 'relative']), value: z.number() })
  .strict()
  .nullable();
const constraintSet = z.object({ cost: constraint.optional(), runtime: constraint.optional(), carbon: constraint.optional() }).strict();

export const regionsAndProvidersSchema = z
  .object({
    allowed_regions: z.array(providerRegion).nullable().optional(),
    disallowed_regions: z.array(providerRegion).nullable().optional(),
    providers: z.record(z.string(), providerConfig),
  })
  .strict();

export const workflowConfigSchema = z
  .object({
    workflow_name: z.string().min(1),
    workflow_version: z.string().min(1),
    environment_variables: z
      .array(z.object({ key: z.string().min(1), value: z.string() }).strict())
      .nullable()
      .optional(),
    iam_policy_file: z.string().min(1),
    home_region: providerRegion,
    estimated_invocations_per_month: z.number().int().nonnegative().optional(),
    constraints: z
      .object({
        hard_resource_constraints: constraintSet.optional(),
        soft_resource_constraints: constraintSet.optional(),
        priority_order: z.array(z.enum(['cost', 'runtime', 'carbon'])).optional(),
      })
      .strict()
      .optional(),
    regions_and_providers: regionsAndProvidersSchema,
    num_calls_in_one_month: z.number().int().nonnegative().optional(),
    deployment_algorithm: z.string().optional(),
    /** Share of runs kept entirely in the home region (caribou-spec §3.3 uses 0.1). */
    home_region_run_ratio: z.number().min(0).max(1).optional(),
  })
  .strict();

export type WorkflowConfig = z.infer<typeof workflowConfigSchema>;
export type ConfigRegionsAndProviders = z.infer<typeof regionsAndProvidersSchema>;

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export class ConfigError extends ValidationError {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
  }
}

const key = (r: { provider: string; region: string }) => `${r.provider}:${r.region}`;

/** Cross-field rules of caribou-spec §4.1 for one regions_and_providers block. */
export function regionRuleProblems(
  rp: {
    allowed_regions?: { provider: string; region: string }[] | null;
    disallowed_regions?: { provider: string; region: string }[] | null;
    providers?: Record<string, unknown> | null;
  },
  providersKnown: Record<string, unknown>,
  where: string,
): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(rp.providers ?? {})) {
    if (!(SUPPORTED_PROVIDERS as readonly string[]).includes(name)) {
      problems.push(`${where}.providers: provider "${name}" is not supported (expected one of ${SUPPORTED_PROVIDERS.join(', ')})`);
    }
  }
  const allowed = new Set((rp.allowed_regions ?? []).map(key));
  for (const list of ['allowed_regions', 'disallowed_regions'] as const) {
    for (const r of rp[list] ?? []) {
      if (!(r.provider in providersKnown)) {
        problems.push(`${where}.${list}: provider "${r.provider}" of region ${r.region} is not listed under providers`);
      }
      if (list === 'disallowed_regions' && allowed.has(key(r))) {
        problems.push(`${where}: region ${key(r)} is both allowed and disallowed`);
      }
    }
  }
  return problems;
}

/** Reads and validates `<project>/.caribou/config.yml`; every problem carries file:line:column. */
export function loadWorkflowConfig(projectDir: string): { config: WorkflowConfig; file: string; iamPolicy: unknown } {
  const file = path.join(projectDir, '.caribou', 'config.yml');
  if (!existsSync(file)) {
    throw new ConfigError([{ file, line: 1, column: 1, message: 'missing .caribou/config.yml (create one with `caribou new_workflow`)' }]);
  }
  const text = readFileSync(file, 'utf8');
  return parseWorkflowConfig(text, file, projectDir);
}

export function parseWorkflowConfig(
  text: string,
  file: string,
  projectDir: string,
): { config: WorkflowConfig; file: string; iamPolicy: unknown } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, message: `invalid YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  // The deepest node on the issue's path that exists gives the line/column to report.
  const locate = (pathParts: (string | number)[]): { line: number; column: number } => {
    for (let n = pathParts.length; n >= 0; n--) {
      const node = doc.getIn(pathParts.slice(0, n), true) as { range?: [number, number] } | undefined;
      if (node && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  };
  // toJS resolves aliases: an alias to no anchor, or too many aliases (a "billion laughs"), throws.
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError([{ file, line: 1, column: 1, message: `invalid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const result = workflowConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const at = issue.path.map(String).join('.') || '(document)';
        return { file, ...locate(issue.path as (string | number)[]), message: `${at}: ${issue.message}` };
      }),
    );
  }
  const config = result.data;
  const problems: ConfigProblem[] = [];
  const rp = config.regions_and_providers;
  for (const { path: at, message } of unknownConfigRegions(config)) problems.push({ file, ...locate(at), message });
  for (const message of regionRuleProblems(rp, rp.providers, 'regions_and_providers')) {
    problems.push({ file, ...locate(['regions_and_providers']), message });
  }
  if (!(config.home_region.provider in rp.providers)) {
    problems.push({
      file,
      ...locate(['home_region']),
      message: `home_region: provider "${config.home_region.provider}" is not listed under regions_and_providers.providers`,
    });
  }
  if ((rp.disallowed_regions ?? []).some((r) => key(r) === key(config.home_region))) {
    problems.push({ file, ...locate(['home_region']), message: 'home_region: the home region cannot be disallowed' });
  }
  if (rp.allowed_regions && rp.allowed_regions.length > 0 && !rp.allowed_regions.some((r) => key(r) === key(config.home_region))) {
    problems.push({
      file,
      ...locate(['regions_and_providers', 'allowed_regions']),
      message: 'regions_and_providers.allowed_regions: must include the home region',
    });
  }
  for (const v of config.environment_variables ?? []) {
    if (v.key.includes('AWS_REGION') || v.key.startsWith('CARIBOU_')) {
      problems.push({
        file,
        ...locate(['environment_variables']),
        message: `environment_variables: key "${v.key}" is reserved (AWS_REGION and CARIBOU_* are set by the platform)`,
      });
    }
  }
  let iamPolicy: unknown;
  const policyFile = path.join(projectDir, '.caribou', config.iam_policy_file);
  if (!existsSync(policyFile)) {
    problems.push({ file, ...locate(['iam_policy_file']), message: `iam_policy_file: ${policyFile} does not exist` });
  } else {
    try {
      const policy = JSON.parse(readFileSync(policyFile, 'utf8')) as { aws?: unknown };
      if (!policy || typeof policy !== 'object' || typeof policy.aws !== 'object' || policy.aws === null) {
        problems.push({
          file: policyFile,
          line: 1,
          column: 1,
          message: 'IAM policy file must be a JSON object with an "aws" key holding an IAM policy document',
        });
      } else iamPolicy = policy.aws;
    } catch (error) {
      problems.push({ file: policyFile, line: 1, column: 1, message: `IAM policy file is not JSON: ${(error as Error).message}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { config, file, iamPolicy };
}

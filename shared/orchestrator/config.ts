// Typed configuration of the orchestrator: sosw's TASKS_TABLE_CONFIG / TASK_CLIENT_CONFIG /
// ORCHESTRATOR_CONFIG expressed as one validated document. Labourers are keyed by our service ids.
// Defaults come from the service manifest (a labourer's max duration is its Lambda timeout plus the
// time its event may wait in the labourer's queue); an operator overrides any part through the JSON
// in CARIBOU_ORCHESTRATOR_CONFIG (merged over the defaults, labourer by labourer).
import { z } from 'zod';
import type { LabourerId } from '../contracts/internal.js';
import { formatIssues } from '../contracts/validate.js';
import { ValidationError } from '../errors.js';
import { SERVICES } from '../manifest/services.js';
import { validateFeelings } from './policy.js';

export const LABOURER_IDS = ['log-syncer', 'data-collectors', 'deployment-manager', 'migrator'] as const satisfies readonly LabourerId[];

/** Eco statuses (sosw EcologyManager.ECO_STATUSES): 0 Bad, 1 Poor, 2 Moderate, 3 Good, 4 High. */
export const ECO_STATUSES = [0, 1, 2, 3, 4] as const;
export type EcoStatus = (typeof ECO_STATUSES)[number];

export const COMPARISONS = ['<=', '<', '>=', '>'] as const;
export type Comparison = (typeof COMPARISONS)[number];

const ecoStatusKey = z
  .string()
  .regex(/^[0-4]$/, 'expected an eco status 0..4 as key')
  .transform((s) => Number(s) as EcoStatus);

/** A CloudWatch metric, as GetMetricData's MetricStat takes it. */
export const metricSpec = z.object({
  namespace: z.string().min(1, 'expected a CloudWatch namespace such as "AWS/SQS"'),
  metric_name: z.string().min(1, 'expected a CloudWatch metric name such as "ApproximateNumberOfMessagesVisible"'),
  dimensions: z.record(z.string(), z.string()).default({}),
  stat: z
    .enum(['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'], { error: 'expected Average, Maximum, Minimum, Sum or SampleCount' })
    .default('Average'),
  period_s: z.number().int().positive().default(60),
});
export type MetricSpec = z.output<typeof metricSpec>;

export const healthMetric = z.object({
  metric: metricSpec,
  /** How far back datapoints are read (sosw MetricAggregationTimeSlice). */
  lookback_s: z.number().int().positive().default(300),
  /** Eco status → threshold: the highest status whose threshold the value satisfies wins; none → 0. */
  feelings: z.record(z.string(), z.number()).transform((raw, ctx) => {
    const out: Partial<Record<EcoStatus, number>> = {};
    for (const [key, value] of Object.entries(raw)) {
      const parsed = ecoStatusKey.safeParse(key);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `feelings key "${key}": expected an eco status 0..4` });
        return z.NEVER;
      }
      out[parsed.data] = value;
    }
    if (Object.keys(out).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one feeling (eco status → threshold)' });
      return z.NEVER;
    }
    return out;
  }),
  /** `<=`/`<`: lower is better (queue depth, throttles); `>=`/`>`: higher is better (success rate). */
  comparison: z.enum(COMPARISONS, { error: 'expected one of "<=", "<", ">=", ">"' }).default('<='),
  /** Status when the metric has no datapoints in the look-back window (a defined outcome, not a crash). */
  no_data_status: z
    .number()
    .int()
    .min(0)
    .max(4)
    .default(4)
    .transform((n) => n as EcoStatus),
});
export type HealthMetric = z.output<typeof healthMetric>;

export const labourerConfig = z.object({
  max_simultaneous_invocations: z.number().int().min(0),
  health_metrics: z.record(z.string(), healthMetric).default({}),
  max_attempts: z.number().int().min(1),
  /** Longest a released task may take from release to its completion report. */
  max_duration_s: z.number().positive(),
  /** Grace time after max duration before a silent task counts as expired (sosw cooldown). */
  cooldown_s: z.number().min(0),
});
export type LabourerConfig = z.output<typeof labourerConfig>;

export const retryConfig = z.object({
  /** Delay before the first retry; doubles with each attempt (exponential backoff). */
  base_delay_s: z.number().min(0),
  max_delay_s: z.number().min(0),
  /** Fraction of each delay that is randomised (0: none, 1: full jitter). */
  jitter: z.number().min(0).max(1),
});
export type RetryConfig = z.output<typeof retryConfig>;

export const orchestratorConfig = z.object({
  labourers: z.partialRecord(z.enum(LABOURER_IDS), labourerConfig),
  /** Share of max_simultaneous_invocations released at each eco status (sosw §5.2). */
  invocation_coefficient: z
    .record(z.string(), z.number().min(0).max(1))
    .transform((raw) => Object.fromEntries(Object.entries(raw).map(([k, v]) => [Number(k), v])) as Record<EcoStatus, number>),
  retry: retryConfig,
  /** Retry rows moved back to the queue per labourer and run (sosw retry_tasks_limit). */
  retry_batch_limit: z.number().int().positive(),
  /** sosw Δ: added to the claim time so claimed tasks sort after every queued one. */
  greenfield_invocation_delta_s: z.number().int().positive(),
  /** sosw STEP between consecutive new tasks of a queue. */
  greenfield_task_step: z.number().int().positive(),
  /** How long a run holds a labourer's lease (longer than one run; a killed run's lease lapses). */
  lease_s: z.number().positive(),
});
export type OrchestratorConfig = z.output<typeof orchestratorConfig>;
export type OrchestratorConfigInput = z.input<typeof orchestratorConfig>;

/** Time a released event may wait in the labourer's queue before its Lambda picks it up. */
const QUEUE_WAIT_ALLOWANCE_S = 60;

function labourerDefaults(id: LabourerId): z.input<typeof labourerConfig> {
  const service = SERVICES.find((s) => s.id === id);
  const timeoutS = service?.timeoutS ?? 900;
  return {
    // Log sync and collectors read many logs/APIs; deployment work is CPU heavy; all are bounded.
    max_simultaneous_invocations: id === 'log-syncer' ? 10 : 5,
    health_metrics: {},
    max_attempts: 3,
    max_duration_s: timeoutS + QUEUE_WAIT_ALLOWANCE_S,
    cooldown_s: 300,
  };
}

export function defaultConfigInput(): OrchestratorConfigInput {
  return {
    labourers: Object.fromEntries(LABOURER_IDS.map((id) => [id, labourerDefaults(id)])),
    invocation_coefficient: { '0': 0, '1': 0, '2': 0.5, '3': 0.75, '4': 1 },
    retry: { base_delay_s: 60, max_delay_s: 3600, jitter: 0.5 },
    retry_batch_limit: 20,
    greenfield_invocation_delta_s: 31_557_600,
    greenfield_task_step: 1000,
    lease_s: 120,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key, anything else (numbers, arrays) replaces: unlike sosw, lists never union. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}

/** Validates a config document merged over the defaults; errors name the field and what was expected. */
export function parseOrchestratorConfig(override: unknown = {}, source = 'orchestrator config'): OrchestratorConfig {
  const merged = deepMerge(defaultConfigInput(), override);
  const parsed = orchestratorConfig.safeParse(merged);
  if (!parsed.success) throw new ValidationError(`${source}: ${formatIssues(parsed.error.issues, merged)}`);
  for (const status of ECO_STATUSES) {
    if (parsed.data.invocation_coefficient[status] === undefined) {
      throw new ValidationError(
        `${source}: field "invocation_coefficient.${status}": expected a coefficient 0..1 for every eco status 0..4`,
      );
    }
  }
  for (const [id, labourer] of Object.entries(parsed.data.labourers)) {
    for (const [name, metric] of Object.entries(labourer?.health_metrics ?? {})) {
      try {
        validateFeelings(metric.feelings, metric.comparison, name);
      } catch (error) {
        throw new ValidationError(`${source}: labourers.${id}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return parsed.data;
}

export const ORCHESTRATOR_CONFIG_ENV = 'CARIBOU_ORCHESTRATOR_CONFIG';

/** The config of this deployment: defaults, overridden by the JSON in CARIBOU_ORCHESTRATOR_CONFIG. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OrchestratorConfig {
  const raw = env[ORCHESTRATOR_CONFIG_ENV];
  if (raw === undefined || raw.trim() === '') return parseOrchestratorConfig({});
  let override: unknown;
  try {
    override = JSON.parse(raw);
  } catch (error) {
    throw new ValidationError(
      `${ORCHESTRATOR_CONFIG_ENV} is not JSON (expected an object overriding the orchestrator config): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return parseOrchestratorConfig(override, ORCHESTRATOR_CONFIG_ENV);
}

export function labourerIds(config: OrchestratorConfig): LabourerId[] {
  return LABOURER_IDS.filter((id) => config.labourers[id] !== undefined);
}

export function labourerOf(config: OrchestratorConfig, id: LabourerId): LabourerConfig {
  const labourer = config.labourers[id];
  if (!labourer) throw new ValidationError(`labourer "${id}" is not configured in the orchestrator config`);
  return labourer;
}

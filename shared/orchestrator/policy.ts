// Pure decisions of the orchestrator and scavenger: how many tasks to release (sosw §5.2), how an
// observed metric value maps to an eco status (§5.3, both comparison directions), how long a task
// waits before its retry (exponential backoff with jitter; sosw's was linear).
import { ValidationError } from '../errors.js';
import type { Comparison, EcoStatus, HealthMetric, RetryConfig } from './config.js';

const COMPARE: Record<Comparison, (value: number, threshold: number) => boolean> = {
  '<=': (v, t) => v <= t,
  '<': (v, t) => v < t,
  '>=': (v, t) => v >= t,
  '>': (v, t) => v > t,
};

/**
 * Feelings listed from the best status down must get looser in the comparison's direction: for
 * lower-is-better (`<=`) each lower status needs a threshold at least as high as the one above.
 */
export function validateFeelings(feelings: Partial<Record<EcoStatus, number>>, comparison: Comparison, name = 'metric'): void {
  const ordered = Object.entries(feelings)
    .map(([status, threshold]) => [Number(status), threshold as number] as const)
    .sort((a, b) => b[0] - a[0]);
  const lowerIsBetter = comparison === '<=' || comparison === '<';
  for (let i = 1; i < ordered.length; i++) {
    const [prevStatus, prev] = ordered[i - 1]!;
    const [status, threshold] = ordered[i]!;
    const ok = lowerIsBetter ? threshold >= prev : threshold <= prev;
    if (!ok) {
      throw new ValidationError(
        `health metric "${name}": feelings out of order for "${comparison}": status ${status} has threshold ${threshold}, ` +
          `status ${prevStatus} has ${prev}; with "${comparison}" a lower status needs a ${lowerIsBetter ? 'higher or equal' : 'lower or equal'} threshold`,
      );
    }
  }
}

/** The highest eco status whose threshold the value satisfies; none → 0 (Bad). */
export function healthOf(value: number, metric: Pick<HealthMetric, 'feelings' | 'comparison'>, name = 'metric'): EcoStatus {
  validateFeelings(metric.feelings, metric.comparison, name);
  const compare = COMPARE[metric.comparison];
  const ordered = Object.entries(metric.feelings)
    .map(([status, threshold]) => [Number(status) as EcoStatus, threshold as number] as const)
    .sort((a, b) => b[0] - a[0]);
  for (const [status, threshold] of ordered) if (compare(value, threshold)) return status;
  return 0;
}

/** How many tasks to release now: floor(max × coefficient[health]) − running, never negative. */
export function desiredInvocations(
  maxSimultaneous: number,
  health: EcoStatus,
  running: number,
  coefficient: Record<EcoStatus, number>,
): number {
  const desired = Math.floor(maxSimultaneous * (coefficient[health] ?? 0));
  return Math.max(desired - running, 0);
}

/**
 * Delay before the retry that follows `attempts` attempts: base × 2^(attempts−1), capped, with the
 * `jitter` fraction of it randomised ("equal jitter" at 0.5) so retries of a burst spread out.
 */
export function retryDelayS(attempts: number, retry: RetryConfig, random: () => number = Math.random): number {
  const exponent = Math.max(attempts - 1, 0);
  const capped = Math.min(retry.base_delay_s * 2 ** exponent, retry.max_delay_s);
  const fixed = capped * (1 - retry.jitter);
  return fixed + capped * retry.jitter * random();
}

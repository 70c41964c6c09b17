// Reading configuration from the environment with errors that say what was expected.
import { ValidationError } from '../errors.js';

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ValidationError(
      `environment variable ${name} is not set; it is set by the Terraform stack (or local mode) for this function`,
    );
  }
  return value;
}

export function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new ValidationError(`environment variable ${name} must be an integer, got "${raw}"`);
  return value;
}

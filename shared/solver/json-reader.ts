// Small typed accessors over untrusted JSON that name the file and field on failure.
import { ValidationError } from '../errors.js';

export type Json = unknown;

export class JsonReader {
  constructor(readonly file: string) {}

  fail(path: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80);
    throw new ValidationError(`${this.file}: field "${path || '(root)'}": expected ${expected}, got ${shown}`);
  }

  isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (!this.isObject(v)) this.fail(path, 'an object', v);
    return v;
  }

  optObject(v: unknown, path: string): Record<string, unknown> | undefined {
    if (v === undefined || v === null) return undefined;
    return this.object(v, path);
  }

  number(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'a finite number', v);
    return v;
  }

  optNumber(v: unknown, path: string, fallback: number): number {
    if (v === undefined || v === null) return fallback;
    return this.number(v, path);
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(path, 'a non-empty string', v);
    return v;
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    return v;
  }

  numbers(v: unknown, path: string): number[] {
    return this.array(v, path).map((x, i) => this.number(x, `${path}[${i}]`));
  }

  optNumbers(v: unknown, path: string): number[] | undefined {
    if (v === undefined || v === null) return undefined;
    return this.numbers(v, path);
  }

  strings(v: unknown, path: string): string[] {
    return this.array(v, path).map((x, i) => this.string(x, `${path}[${i}]`));
  }
}

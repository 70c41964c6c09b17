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

  /**
   * The array itself once every element is a finite number (no copy). The field path of an element
   * is built only for the error: per element, it was most of an import's time and garbage.
   */
  numbers(v: unknown, path: string): number[] {
    const a = this.array(v, path);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) this.fail(`${path}[${i}]`, 'a finite number', x);
    }
    return a as number[];
  }

  /** numbers(), with null allowed (a missing value). */
  numbersOrNull(v: unknown, path: string): Array<number | null> {
    const a = this.array(v, path);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (x !== null && (typeof x !== 'number' || !Number.isFinite(x))) this.fail(`${path}[${i}]`, 'a finite number or null', x);
    }
    return a as Array<number | null>;
  }

  optNumbers(v: unknown, path: string): number[] | undefined {
    if (v === undefined || v === null) return undefined;
    return this.numbers(v, path);
  }

  /** The array itself once every element is a non-empty string (see numbers()). */
  strings(v: unknown, path: string): string[] {
    const a = this.array(v, path);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x !== 'string' || x.length === 0) this.fail(`${path}[${i}]`, 'a non-empty string', x);
    }
    return a as string[];
  }
}

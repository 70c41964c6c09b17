// The WebAssembly binary writer (shared/solver/wasm-emit.ts) that the solver's generated kernels use:
// constants encode exactly (LEB128 edges, every double bit pattern that matters), and large bodies
// (a big workflow's kernel) are written without hitting the engine's argument limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F64, FunctionBuilder, I32, moduleBytes } from '../../../shared/solver/wasm-emit.js';

interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, (...a: number[]) => number> };
  Memory: new (d: { initial: number }) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

function run(fn: FunctionBuilder, params: (typeof I32 | typeof F64)[], result: typeof I32 | typeof F64, ...args: number[]): number {
  const bytes = moduleBytes([{ name: 'f', params, results: [result], body: fn }]);
  const memory = new wasm.Memory({ initial: 1 });
  return new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports.f!(...args);
}

test('i32 and f64 constants round-trip, LEB128 edges and special doubles included', () => {
  for (const v of [0, 1, 63, 64, 127, 128, -1, -64, -65, -128, 8191, 8192, 2 ** 31 - 1, -(2 ** 31)]) {
    assert.equal(run(new FunctionBuilder([]).i32(v), [], I32), v, `i32 ${v}`);
  }
  for (const v of [0, -0, 1e-300, -1e300, 0.1, Number.MIN_VALUE, Number.MAX_VALUE, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    assert.ok(Object.is(run(new FunctionBuilder([]).f64(v), [], F64), v), `f64 ${v}`);
  }
  assert.ok(Number.isNaN(run(new FunctionBuilder([]).f64(Number.NaN), [], F64)));
});

test('arithmetic, locals, memory offsets past one LEB128 byte, and control flow compile and run', () => {
  // sum of i for i in [0, n) via a loop, stored to and read back from memory at offset 1000
  const fn = new FunctionBuilder([I32]);
  const i = fn.local(I32);
  const sum = fn.local(F64);
  fn.block().loop();
  fn.get(i).get(0).op('i32GeS').brIf(1);
  fn.get(sum).get(i).op('f64ConvertI32S').op('f64Add').set(sum);
  fn.get(i).i32(1).op('i32Add').set(i).br(0);
  fn.end().end();
  fn.i32(0).get(sum).f64Store(1000);
  fn.i32(0).f64Load(1000);
  assert.equal(run(fn, [I32], F64, 100), 4950);
});

test('a body of 300,000 instructions is written and validates', () => {
  const fn = new FunctionBuilder([]);
  const x = fn.local(I32);
  for (let k = 0; k < 100_000; k++) fn.get(x).i32(1).op('i32Add').set(x); // 4 instructions each, ~7 bytes
  fn.get(x);
  assert.equal(run(fn, [], I32), 100_000);
});

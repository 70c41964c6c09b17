// A minimal WebAssembly binary writer: one module with an imported memory and one exported
// function, and the instructions the generated sample kernel uses (ADR 0203). Written here
// because the kernel is generated at run time per workflow topology, and the libraries that emit
// WebAssembly (binaryen.js, wabt.js) are multi-megabyte Emscripten builds that take longer to
// start than the whole solve this is for.

export const I32 = 0x7f;
export const F64 = 0x7c;
type ValType = typeof I32 | typeof F64;

const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Store: 0x36,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  f64Eq: 0x61,
  f64Lt: 0x63,
  f64Gt: 0x64,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32Rotl: 0x77,
  f64Ceil: 0x9b,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Min: 0xa4,
  f64Max: 0xa5,
  f64ConvertI32S: 0xb7,
  f64ConvertI32U: 0xb8,
} as const;
const EMPTY_BLOCK = 0x40;

function uleb(out: Bytes, value: number): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(out: Bytes, value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

const f64Bytes = new DataView(new ArrayBuffer(8));
const f64Le = new Uint8Array(f64Bytes.buffer);

/**
 * A growing byte buffer. The module is written byte by byte while this code still runs
 * interpreted; pushing to number[] arrays and copying them element-wise took ~7 ms of a solve.
 */
class Bytes {
  private buf = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(2 * this.buf.length, this.length + n));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }
  push(a: number, b?: number): void {
    this.room(2);
    this.buf[this.length++] = a;
    if (b !== undefined) this.buf[this.length++] = b;
  }
  append(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  /** The bytes written so far (a view: copy it before writing more). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** One function body: locals are declared on first use; instructions are appended in order. */
export class FunctionBuilder {
  private readonly code = new Bytes();
  private readonly localTypes: ValType[] = [];

  constructor(private readonly params: readonly ValType[]) {}

  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  get(index: number): this {
    this.code.push(OP.localGet);
    uleb(this.code, index);
    return this;
  }
  set(index: number): this {
    this.code.push(OP.localSet);
    uleb(this.code, index);
    return this;
  }
  tee(index: number): this {
    this.code.push(OP.localTee);
    uleb(this.code, index);
    return this;
  }
  i32(value: number): this {
    this.code.push(OP.i32Const);
    sleb(this.code, value);
    return this;
  }
  f64(value: number): this {
    this.code.push(OP.f64Const);
    f64Bytes.setFloat64(0, value, true);
    this.code.append(f64Le);
    return this;
  }
  /** Memory access with a constant byte offset added to the address on the stack. */
  private mem(op: number, alignLog2: number, offset: number): this {
    this.code.push(op);
    uleb(this.code, alignLog2);
    uleb(this.code, offset);
    return this;
  }
  f64Load(offset = 0): this {
    return this.mem(OP.f64Load, 3, offset);
  }
  i32Load(offset = 0): this {
    return this.mem(OP.i32Load, 2, offset);
  }
  f64Store(offset = 0): this {
    return this.mem(OP.f64Store, 3, offset);
  }
  i32Store(offset = 0): this {
    return this.mem(OP.i32Store, 2, offset);
  }
  op(name: Exclude<keyof typeof OP, 'block' | 'loop' | 'if' | 'br' | 'brIf' | 'localGet' | 'localSet' | 'localTee'>): this {
    this.code.push(OP[name]);
    return this;
  }
  /** select: of the two values under the i32 condition on top, the first when it is non-zero. */
  select(): this {
    this.code.push(OP.select);
    return this;
  }
  /** i32.trunc_sat_f64_s: JavaScript's `x | 0` for the finite, in-range values the kernel makes. */
  truncSat(): this {
    this.code.push(0xfc, 0x02);
    return this;
  }
  block(): this {
    this.code.push(OP.block, EMPTY_BLOCK);
    return this;
  }
  loop(): this {
    this.code.push(OP.loop, EMPTY_BLOCK);
    return this;
  }
  /** `if` without a result, or with one value of `result` left by either arm. */
  if(result?: ValType): this {
    this.code.push(OP.if, result ?? EMPTY_BLOCK);
    return this;
  }
  else(): this {
    this.code.push(OP.else);
    return this;
  }
  end(): this {
    this.code.push(OP.end);
    return this;
  }
  br(depth: number): this {
    this.code.push(OP.br);
    uleb(this.code, depth);
    return this;
  }
  /** Calls function `index` of the module (the order of moduleBytes' list). */
  call(index: number): this {
    this.code.push(0x10);
    uleb(this.code, index);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(OP.brIf);
    uleb(this.code, depth);
    return this;
  }

  /** The function body as the code section holds it (size, locals, instructions, end). */
  body(): Uint8Array {
    const out = new Bytes();
    uleb(out, this.localTypes.length);
    for (let i = 0; i < this.localTypes.length; i++) out.push(1, this.localTypes[i]!);
    out.append(this.code.view());
    out.push(OP.end);
    const sized = new Bytes();
    uleb(sized, out.length);
    sized.append(out.view());
    return sized.view();
  }
}

function section(out: Bytes, id: number, content: Bytes): void {
  out.push(id);
  uleb(out, content.length);
  out.append(content.view());
}
function name(out: Bytes, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  uleb(out, bytes.length);
  out.append(bytes);
}

export interface ExportedFunction {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
  body: FunctionBuilder;
}

/** A module importing `env.memory` and exporting `functions` under their names. */
export function moduleBytes(functions: readonly ExportedFunction[]): Uint8Array {
  const out = new Bytes();
  out.append(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
  const types = new Bytes();
  uleb(types, functions.length);
  for (const f of functions) {
    types.push(0x60);
    uleb(types, f.params.length);
    for (let i = 0; i < f.params.length; i++) types.push(f.params[i]!);
    uleb(types, f.results.length);
    for (let i = 0; i < f.results.length; i++) types.push(f.results[i]!);
  }
  section(out, 1, types);
  const imports = new Bytes();
  imports.push(1);
  name(imports, 'env');
  name(imports, 'memory');
  imports.append(Uint8Array.of(0x02, 0x00, 0x01)); // memory, limits: min 1 page, no max
  section(out, 2, imports);
  const fns = new Bytes();
  uleb(fns, functions.length);
  functions.forEach((_, i) => uleb(fns, i)); // function i has type i
  section(out, 3, fns);
  const exports = new Bytes();
  uleb(exports, functions.length);
  functions.forEach((f, i) => {
    name(exports, f.name);
    exports.push(0x00);
    uleb(exports, i);
  });
  section(out, 7, exports);
  const code = new Bytes();
  uleb(code, functions.length);
  for (const f of functions) code.append(f.body.body());
  section(out, 10, code);
  return out.view().slice();
}

// The part of the WebAssembly JS API the solver uses (the project's type libraries, ES2023 + Node,
// do not declare the global's values); undefined where the runtime has no WebAssembly.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
/** Bytes per WebAssembly memory page. */
export const WASM_PAGE = 65_536;

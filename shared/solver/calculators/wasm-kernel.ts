// The host side of the WebAssembly sample kernel (ADR 0203; the code is generated per topology by
// wasm-codegen.ts, with every table's offset and the calculator's fixed scalars compiled in). Each
// kernel owns one WebAssembly memory: a header of the two growing regions' offsets and the random
// generator's state, then a copy of every table the loop reads. Tables fixed for
// the calculator's life are copied once; what an hour or an evaluation changes (carbon
// intensities, placement-specialized tables) is copied per call: microseconds against the ~100 µs
// a 200-sample batch takes. Two regions grow: the latency pool (copied as the calculator's pool
// appends) and the hour's random stream, which the module draws itself (`fill`, the same
// xoshiro128** sequence as rng.ts) once per hour and every evaluation then reads from its start.
import { KIB_PER_GB, RCU_KIB, WCU_KIB } from '../constants.js';
import { Rng } from '../rng.js';
import type { KernelTables, SampleKernel } from './fast-kernel.js';
import { WASM_PAGE, wasmApi } from '../wasm-emit.js';
import { fillModuleBytes, HEADER_BYTES, type KernelConstants, kernelModuleBytes, SLOT, type Table } from './wasm-codegen.js';

// Only reached when the runtime has WebAssembly (KERNEL_POLICY in fast-kernel.ts checks).
const wasm = wasmApi!;

/** A calculator's compiled kernel module. */
export type WasmKernelModule = object;

/**
 * The compiled module for `key` (the topology's and the constants' identity), compiling it with
 * `compile` when it is not cached (fast-kernel.ts keeps the cache).
 */
export type ModuleCache = (key: string, compile: () => WasmKernelModule) => WasmKernelModule;

let fillModule: WasmKernelModule | undefined;

/** Samples drawn per call into the module (outputs copied out per chunk). */
const CHUNK = 1024;
const PAGE = WASM_PAGE;
/** Random values drawn per call into the module's `fill`. */
const FILL_CHUNK = 4096;

interface Placed {
  table: Table;
  src: () => ArrayLike<number>;
  kind: 'f64' | 'i32';
  length: number;
  offset: number;
}

/** A region of doubles that grows: its header slot, byte offset, capacity and values in use. */
interface Region {
  slot: number;
  offset: number;
  capacity: number;
  used: number;
}

function tableView(buffer: ArrayBuffer, p: Placed): Float64Array | Int32Array {
  return p.kind === 'f64' ? new Float64Array(buffer, p.offset, p.length) : new Int32Array(buffer, p.offset, p.length);
}

/** A sample kernel over copies of t's tables, its module compiled for t (or taken from `cache`). */
export function wasmKernel(t: KernelTables, cache: ModuleCache): SampleKernel {
  type Spec = Omit<Placed, 'offset'>;
  const f64 = (table: Table, src: () => ArrayLike<number>, length = src().length): Spec => ({ table, src, kind: 'f64', length });
  const i32 = (table: Table, src: () => ArrayLike<number>, length = src().length): Spec => ({ table, src, kind: 'i32', length });
  const none = () => [];
  // Copied once: fixed for the calculator's life.
  const fixed = [
    f64('egress', () => t.egress),
    f64('snsPrice', () => t.snsPrice),
    f64('execUsdPerS', () => t.execUsdPerS),
    f64('invocationUsd', () => t.invocationUsd),
    f64('durRec', () => t.durRec),
    i32('auxRowRef', () => t.auxRowRef),
    f64('rowDuring', () => t.rowDuring),
    f64('auxVals', () => t.auxVals),
    f64('sizePool', () => t.sizePool),
    f64('pingMean', () => t.pingMean),
    f64('startSizes', () => t.startSizes),
    f64('startSizeSns', () => t.startSizeSns),
  ];
  // Copied per call: the hour's intensities and what each evaluation specializes.
  const perCall = [
    f64('routeEF', () => t.routeEF),
    f64('ci', () => t.ci),
    f64('carbonPerS', () => t.carbonPerS),
    i32('place', () => t.place),
    i32('nProfOff', () => t.nProfOff),
    i32('nProfLen', () => t.nProfLen),
    f64('nExecUsd', () => t.nExecUsd),
    f64('nInvUsd', () => t.nInvUsd),
    f64('nCarbonPerS', () => t.nCarbonPerS),
    f64('nDuring', () => t.nDuring),
    f64('nDdbR', () => t.nDdbR),
    f64('nDdbW', () => t.nDdbW),
    f64('zRec', () => t.zRec),
    f64('xCost', () => t.xCost),
    f64('xCarbon', () => t.xCarbon),
    i32('xLatOff', () => t.xLatOff),
    f64('xLatLen', () => t.xLatLen),
    f64('xLatAdd', () => t.xLatAdd),
  ];
  // The module's own: upload scratch and the chunk's outputs.
  const own = [
    f64('upAt', none, t.upAt.length),
    f64('upGB', none, t.upGB.length),
    f64('outCost', none, CHUNK),
    f64('outRuntime', none, CHUNK),
    f64('outCarbon', none, CHUNK),
  ];
  let end = HEADER_BYTES;
  const place = (list: Spec[]): Placed[] =>
    list.map((spec) => {
      const placed = { ...spec, offset: end };
      end += 8 * Math.max(1, spec.length); // 8-byte aligned whatever the kind
      return placed;
    });
  const fixedP = place(fixed);
  const perCallP = place(perCall);
  const ownP = place(own);
  const constants: KernelConstants = {
    offset: Object.fromEntries([...fixedP, ...perCallP, ...ownP].map((p) => [p.table, p.offset])) as Record<Table, number>,
    R: t.R,
    home: t.home,
    redirOff: t.redirOff,
    redirLen: t.redirLen,
    nStartSizes: t.startSizes.length,
    pWpd: t.pWpd,
    wpdGB: t.wpdGB,
    wpdCost: t.wpdCost,
    EF: t.EF,
    UNKNOWN_CI: t.UNKNOWN_CI,
    kibPerGB: KIB_PER_GB,
    wcuKiB: WCU_KIB,
    rcuKiB: RCU_KIB,
  };
  const module = cache(constantsKey(constants), () => new wasm.Module(kernelModuleBytes(t, constants)));
  const offsetOf = (table: Table) => constants.offset[table];

  const memory = new wasm.Memory({ initial: Math.ceil(end / PAGE) + 1 });
  const sample = new wasm.Instance(module, { env: { memory } }).exports.sample as (
    from: number,
    to: number,
    systemCI: number,
    rpos: number,
  ) => number;
  fillModule ??= new wasm.Module(fillModuleBytes());
  const fill = new wasm.Instance(fillModule, { env: { memory } }).exports.fill as (from: number, to: number) => void;

  const header = () => new Int32Array(memory.buffer, 0, HEADER_BYTES / 4);
  for (const p of fixedP) tableView(memory.buffer, p).set(p.src());

  // The growing regions (doubles): the latency pool and the random stream. The last region in memory
  // grows in place; another moves to the end (copying what it holds). Fresh pages are the cost here
  // (a first touch costs ~15 µs on the development VM), so nothing is reserved ahead beyond
  // doubling, and the stream is filled per chunk of samples, not per call.
  const lat: Region = { slot: SLOT.latPool, offset: 0, capacity: 0, used: 0 };
  const stream: Region = { slot: SLOT.stream, offset: 0, capacity: 0, used: 0 };
  const ensure = (region: Region, length: number) => {
    if (length <= region.capacity) return;
    const capacity = Math.max(length, 2 * region.capacity, 4096);
    const last = region.capacity > 0 && region.offset + 8 * region.capacity === end;
    const offset = last ? region.offset : end;
    end = offset + 8 * capacity;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      v = views();
    }
    if (!last && region.used > 0)
      new Float64Array(memory.buffer).copyWithin(offset / 8, region.offset / 8, region.offset / 8 + region.used);
    region.offset = offset;
    region.capacity = capacity;
    header()[region.slot] = offset;
  };

  // Views into the memory, made again when it grows (growing detaches the old buffer).
  const views = () => ({
    perCall: perCallP.map((p) => ({ dst: tableView(memory.buffer, p), src: p.src })),
    rng: new Uint32Array(memory.buffer, 4 * SLOT.rng, 4),
    head: head(CHUNK),
  });
  // The outputs' first m values (a search's evaluations all draw the same count: made once).
  const head = (m: number) => ({
    length: m,
    cost: new Float64Array(memory.buffer, offsetOf('outCost'), m),
    runtime: new Float64Array(memory.buffer, offsetOf('outRuntime'), m),
    carbon: new Float64Array(memory.buffer, offsetOf('outCarbon'), m),
  });
  let v = views();
  let streamSeed = Number.NaN;

  return (from, to, rpos, hourStream, systemCI, latPool, latLength) => {
    if (latLength > lat.used) {
      ensure(lat, latLength);
      new Float64Array(memory.buffer, lat.offset + 8 * lat.used, latLength - lat.used).set(latPool.subarray(lat.used, latLength));
      lat.used = latLength;
    }
    if (hourStream.seed !== streamSeed) {
      // Another hour: draw its stream from the start (the same values as rng.ts's SharedStream).
      streamSeed = hourStream.seed;
      stream.used = 0;
      v.rng.set(new Rng(streamSeed).s);
    }
    for (let i = 0; i < v.perCall.length; i++) v.perCall[i]!.dst.set(v.perCall[i]!.src());
    for (let k = from; k < to; ) {
      const m = Math.min(CHUNK, to - k);
      const need = rpos + m * t.maxDraws;
      if (need > stream.used) {
        ensure(stream, need);
        // In calls of FILL_CHUNK values: V8 swaps in the optimized code between calls, never
        // inside one.
        for (let i = stream.used; i < need; i += FILL_CHUNK) fill(i, Math.min(need, i + FILL_CHUNK));
        stream.used = need;
      }
      rpos += sample(0, m, systemCI, rpos);
      if (m !== v.head.length) v.head = head(m);
      t.outCost.set(v.head.cost, k);
      t.outRuntime.set(v.head.runtime, k);
      t.outCarbon.set(v.head.carbon, k);
      k += m;
    }
    return rpos;
  };
}

/** The constants' identity (numbers written exactly, -0 apart from 0). */
function constantsKey(c: KernelConstants): string {
  const num = (x: number) => (Object.is(x, -0) ? '-0' : String(x));
  const { offset, ...scalars } = c;
  return `${Object.values(offset).join(',')};${Object.values(scalars).map(num).join(',')}`;
}

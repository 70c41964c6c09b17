// The host side of the WebAssembly sample kernel (ADR 0203; the code is generated per topology by
// wasm-codegen.ts). Each kernel owns one WebAssembly memory: a header of table offsets, scalars
// and the random generator's state, then a copy of every table the loop reads. Tables fixed for
// the calculator's life are copied once; what an hour or an evaluation changes (carbon
// intensities, placement-specialized tables) is copied per call: microseconds against the ~100 µs
// a 200-sample batch takes. Two regions grow: the latency pool (copied as the calculator's pool
// appends) and the hour's random stream, which the module draws itself (`fill`, the same
// xoshiro128** sequence as rng.ts) once per hour and every evaluation then reads from its start.
import { KIB_PER_GB, RCU_KIB, WCU_KIB } from '../constants.js';
import { Rng } from '../rng.js';
import type { KernelTables, KernelTopology, SampleKernel } from './fast-kernel.js';
import { WASM_PAGE, wasmApi } from '../wasm-emit.js';
import { F64_BASE, F64_SLOT, HEADER_BYTES, kernelModuleBytes, SLOT } from './wasm-codegen.js';

// Only reached when the runtime has WebAssembly (KERNEL_POLICY in fast-kernel.ts checks).
const wasm = wasmApi!;

/** A topology's compiled kernel module (instantiated once per calculator). */
export type WasmKernelModule = object;

export function compileWasmKernel(t: KernelTopology): WasmKernelModule {
  return new wasm.Module(kernelModuleBytes(t));
}

/** Samples drawn per call into the module (outputs copied out per chunk). */
const CHUNK = 1024;
const PAGE = WASM_PAGE;

interface Placed {
  slot: number;
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

/** A sample kernel running `module` (compileWasmKernel of t's topology) over copies of t's tables. */
export function wasmKernel(t: KernelTables, module: WasmKernelModule): SampleKernel {
  type Spec = Omit<Placed, 'offset'>;
  const f64 = (slot: number, src: () => ArrayLike<number>, length = src().length): Spec => ({ slot, src, kind: 'f64', length });
  const i32 = (slot: number, src: () => ArrayLike<number>, length = src().length): Spec => ({ slot, src, kind: 'i32', length });
  const none = () => [];
  // Copied once: fixed for the calculator's life.
  const fixed = [
    f64(SLOT.egress, () => t.egress),
    f64(SLOT.snsPrice, () => t.snsPrice),
    f64(SLOT.execUsdPerS, () => t.execUsdPerS),
    f64(SLOT.invocationUsd, () => t.invocationUsd),
    f64(SLOT.durRec, () => t.durRec),
    i32(SLOT.auxRowRef, () => t.auxRowRef),
    f64(SLOT.rowDuring, () => t.rowDuring),
    f64(SLOT.auxVals, () => t.auxVals),
    f64(SLOT.sizePool, () => t.sizePool),
    f64(SLOT.pingMean, () => t.pingMean),
    f64(SLOT.startSizes, () => t.startSizes),
    f64(SLOT.startSizeSns, () => t.startSizeSns),
  ];
  // Copied per call: the hour's intensities and what each evaluation specializes.
  const perCall = [
    f64(SLOT.routeEF, () => t.routeEF),
    f64(SLOT.ci, () => t.ci),
    f64(SLOT.carbonPerS, () => t.carbonPerS),
    i32(SLOT.place, () => t.place),
    i32(SLOT.nProfOff, () => t.nProfOff),
    i32(SLOT.nProfLen, () => t.nProfLen),
    f64(SLOT.nExecUsd, () => t.nExecUsd),
    f64(SLOT.nInvUsd, () => t.nInvUsd),
    f64(SLOT.nCarbonPerS, () => t.nCarbonPerS),
    f64(SLOT.nDuring, () => t.nDuring),
    f64(SLOT.nDdbR, () => t.nDdbR),
    f64(SLOT.nDdbW, () => t.nDdbW),
    f64(SLOT.zRec, () => t.zRec),
    f64(SLOT.xCost, () => t.xCost),
    f64(SLOT.xCarbon, () => t.xCarbon),
    i32(SLOT.xLatOff, () => t.xLatOff),
    f64(SLOT.xLatLen, () => t.xLatLen),
    f64(SLOT.xLatAdd, () => t.xLatAdd),
  ];
  // The module's own: upload scratch and the chunk's outputs.
  const own = [
    f64(SLOT.upAt, none, t.upAt.length),
    f64(SLOT.upGB, none, t.upGB.length),
    f64(SLOT.outCost, none, CHUNK),
    f64(SLOT.outRuntime, none, CHUNK),
    f64(SLOT.outCarbon, none, CHUNK),
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
  const offsetOf = (slot: number) => ownP.find((p) => p.slot === slot)!.offset;

  const memory = new wasm.Memory({ initial: Math.ceil(end / PAGE) + 1 });
  const exports = new wasm.Instance(module, { env: { memory } }).exports;
  const sample = exports.sample as (from: number, to: number, systemCI: number, rpos: number) => number;
  const fill = exports.fill as (from: number, to: number) => void;

  const header = () => new Int32Array(memory.buffer, 0, HEADER_BYTES / 4);
  const h = header();
  for (const p of [...fixedP, ...perCallP, ...ownP]) h[p.slot] = p.offset;
  h[SLOT.R] = t.R;
  h[SLOT.home] = t.home;
  h[SLOT.redirOff] = t.redirOff;
  h[SLOT.redirLen] = t.redirLen;
  h[SLOT.nStartSizes] = t.startSizes.length;
  const scalars = new Float64Array(memory.buffer, F64_BASE, 8);
  scalars[F64_SLOT.pWpd] = t.pWpd;
  scalars[F64_SLOT.wpdGB] = t.wpdGB;
  scalars[F64_SLOT.wpdCost] = t.wpdCost;
  scalars[F64_SLOT.EF] = t.EF;
  scalars[F64_SLOT.UNKNOWN_CI] = t.UNKNOWN_CI;
  scalars[F64_SLOT.KIB_PER_GB] = KIB_PER_GB;
  scalars[F64_SLOT.WCU_KIB] = WCU_KIB;
  scalars[F64_SLOT.RCU_KIB] = RCU_KIB;
  for (const p of fixedP) tableView(memory.buffer, p).set(p.src());

  // The growing regions (doubles), moved to the end of memory when they outgrow their place.
  const lat: Region = { slot: SLOT.latPool, offset: 0, capacity: 0, used: 0 };
  const stream: Region = { slot: SLOT.stream, offset: 0, capacity: 0, used: 0 };
  const ensure = (region: Region, length: number) => {
    if (length <= region.capacity) return;
    const capacity = Math.max(length, 2 * region.capacity, 4096);
    const offset = end;
    end += 8 * capacity;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      v = views();
    }
    if (region.used > 0) new Float64Array(memory.buffer).copyWithin(offset / 8, region.offset / 8, region.offset / 8 + region.used);
    region.offset = offset;
    region.capacity = capacity;
    header()[region.slot] = offset;
  };

  // Views into the memory, made again when it grows (growing detaches the old buffer).
  const views = () => ({
    perCall: perCallP.map((p) => ({ dst: tableView(memory.buffer, p), src: p.src })),
    rng: new Uint32Array(memory.buffer, 4 * SLOT.rng, 4),
    cost: new Float64Array(memory.buffer, offsetOf(SLOT.outCost), CHUNK),
    runtime: new Float64Array(memory.buffer, offsetOf(SLOT.outRuntime), CHUNK),
    carbon: new Float64Array(memory.buffer, offsetOf(SLOT.outCarbon), CHUNK),
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
    const need = rpos + (to - from) * t.maxDraws;
    if (need > stream.used) {
      ensure(stream, need);
      fill(stream.used, need);
      stream.used = need;
    }
    for (const p of v.perCall) p.dst.set(p.src());
    for (let k = from; k < to; ) {
      const m = Math.min(CHUNK, to - k);
      rpos += sample(0, m, systemCI, rpos);
      if (m === CHUNK) {
        t.outCost.set(v.cost, k);
        t.outRuntime.set(v.runtime, k);
        t.outCarbon.set(v.carbon, k);
      } else {
        t.outCost.set(v.cost.subarray(0, m), k);
        t.outRuntime.set(v.runtime.subarray(0, m), k);
        t.outCarbon.set(v.carbon.subarray(0, m), k);
      }
      k += m;
    }
    return rpos;
  };
}

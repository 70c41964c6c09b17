// The fast calculator's sample loop, in two forms that draw the same random numbers in the same
// order as simple.ts and perform the same floating-point operations in the same order (so they
// give bit-identical samples; tested):
// - the WebAssembly kernel (ADR 0203, wasm-codegen.ts + wasm-kernel.ts), the default: straight-line
//   code generated per workflow topology, compiled by V8's baseline compiler in about a millisecond
//   and optimized in the background, so it runs near full speed from the first sample;
// - genericSample below: one JavaScript loop over the topology tables, the reference the
//   WebAssembly kernel is tested against and the fallback where WebAssembly is unavailable. It runs
//   ~2.4x slower warm and interpreted for its first ~100 ms in a fresh process.
// What depends on the placement or the hour is in the tables that specialize() fills per
// evaluation; the random stream, the system carbon intensity and the latency pool (which grows)
// are arguments.
import { wasmApi } from '../wasm-emit.js';
import { type WasmKernelModule, wasmKernel } from './wasm-kernel.js';

/** The topology facts the WebAssembly kernel is generated from (all indices into the calculator's tables). */
export interface KernelTopology {
  N: number;
  start: number;
  topo: ArrayLike<number>;
  isSync: ArrayLike<number>;
  inStart: ArrayLike<number>;
  inEdge: ArrayLike<number>;
  eFrom: ArrayLike<number>;
  eProb: ArrayLike<number>;
  eAuxCol: ArrayLike<number>;
  eSizeOff: ArrayLike<number>;
  eSizeLen: ArrayLike<number>;
  eToSync: ArrayLike<number>;
  neStart: ArrayLike<number>;
  neSync: ArrayLike<number>;
}

type F64 = Float64Array;
type I32 = Int32Array;

/** What the kernels read: the topology, the calculator's tables and its per-sample scratch. */
export interface KernelTables extends KernelTopology {
  routeEF: F64;
  egress: F64;
  snsPrice: F64;
  ci: F64;
  carbonPerS: F64;
  execUsdPerS: F64;
  invocationUsd: F64;
  durRec: F64;
  auxRowRef: I32;
  rowDuring: F64;
  auxVals: F64;
  sizePool: F64;
  nProfOff: I32;
  nProfLen: I32;
  nExecUsd: F64;
  nInvUsd: F64;
  nCarbonPerS: F64;
  nDuring: F64;
  nDdbR: F64;
  nDdbW: F64;
  zRec: F64;
  xCost: F64;
  xCarbon: F64;
  xLatOff: I32;
  xLatLen: F64;
  xLatAdd: F64;
  pingMean: F64;
  startSizes: F64;
  startSizeSns: F64;
  upAt: F64;
  upGB: F64;
  place: I32;
  R: number;
  home: number;
  pWpd: number;
  wpdGB: number;
  wpdCost: number;
  redirOff: number;
  redirLen: number;
  maxDraws: number;
  outCost: F64;
  outRuntime: F64;
  outCarbon: F64;
  EF: number;
  UNKNOWN_CI: number;
  wcuOf: (gb: number) => number;
  rcuOf: (gb: number) => number;
}

/** The hour's shared random stream (rng.ts SharedStream): Rng(seed)'s values in turn. */
export interface KernelStream {
  readonly seed: number;
  values: F64;
  length: number;
  extend(need: number): void;
}

/**
 * Draws samples [from, to) into the tables' output buffers and returns the new stream position.
 * latPool's first latLength values are in use; it only grows by appending.
 */
export type SampleKernel = (
  from: number,
  to: number,
  rpos: number,
  stream: KernelStream,
  systemCI: number,
  latPool: F64,
  latLength: number,
) => number;

/** Which loop createKernel gives calculators (tests and benchmarks switch it). */
export const KERNEL_POLICY = {
  kernel: (wasmApi ? 'wasm' : 'js') as 'wasm' | 'js',
};

// Compiled WebAssembly kernels per distinct topology (the facts the code is generated from): a
// long-lived process (the deployment manager) solving the same workflow again reuses the module,
// and one meeting many workflows keeps bounded memory (least recently used dropped).
const MAX_MODULES = 32;
const modules = new Map<string, WasmKernelModule>();

/** The cached module of topology t with the given constants' key, else `compile`'s (kept). */
function moduleFor(t: KernelTopology, constantsKey: string, compile: () => WasmKernelModule): WasmKernelModule {
  const key = `${topologyKey(t)}|${constantsKey}`;
  let module = modules.get(key);
  if (module) modules.delete(key);
  else {
    if (modules.size >= MAX_MODULES) modules.delete(modules.keys().next().value!);
    module = compile();
  }
  modules.set(key, module);
  return module;
}

/** The sample kernel of a calculator's tables (KERNEL_POLICY). */
export function createKernel(t: KernelTables): SampleKernel {
  return KERNEL_POLICY.kernel === 'wasm' ? wasmKernel(t, (key, compile) => moduleFor(t, key, compile)) : genericKernel(t);
}

const num = (x: number): string => (Object.is(x, -0) ? '0' : String(x));

function topologyKey(t: KernelTopology): string {
  const lists = [t.topo, t.isSync, t.inStart, t.inEdge, t.eFrom, t.eAuxCol, t.eSizeOff, t.eSizeLen, t.eToSync, t.neStart, t.neSync];
  return `${t.N};${t.start};${Array.from(t.eProb, num).join(',')};${lists.map((l) => Array.from(l).join(',')).join(';')}`;
}

/** genericSample's argument: the tables with the topology as typed arrays and per-sample state. */
interface GenericTables extends KernelTables {
  topo: Int32Array;
  isSync: Uint8Array;
  inStart: Int32Array;
  neSync: Int32Array;
  /** Per incoming-edge slot q (inStart order), 8 ints: [from instance, auxiliary column, size-pool
   *  offset, size count, to a sync node (1/0), first and end non-execution entry, unused]; one
   *  record instead of seven lookups through inEdge. */
  qRec: Int32Array;
  /** Per incoming-edge slot q: the edge's probability. */
  qProb: Float64Array;
  // Per-sample state of each instance: invoked, start, end, auxiliary row, earliest simulated
  // arrival (not-taken branches), uploads to its sync table.
  sInv: Uint8Array;
  sSt: Float64Array;
  sEn: Float64Array;
  sAr: Int32Array;
  sSim: Float64Array;
  sUp: Int32Array;
}

/**
 * The generic kernel of a calculator's tables. The loop is one top-level function that every
 * calculator shares (a closure per calculator would be optimized once per closure).
 */
export function genericKernel(t: KernelTables): SampleKernel {
  const N = t.N;
  const g: GenericTables = {
    ...t,
    topo: Int32Array.from(t.topo),
    isSync: Uint8Array.from(t.isSync),
    inStart: Int32Array.from(t.inStart),
    neSync: Int32Array.from(t.neSync),
    qRec: new Int32Array(8 * t.inEdge.length),
    qProb: new Float64Array(t.inEdge.length),
    sInv: new Uint8Array(N),
    sSt: new Float64Array(N),
    sEn: new Float64Array(N),
    sAr: new Int32Array(N),
    sSim: new Float64Array(N),
    sUp: new Int32Array(N),
  };
  for (let q = 0; q < t.inEdge.length; q++) {
    const e = t.inEdge[q]!;
    g.qRec.set([t.eFrom[e]!, t.eAuxCol[e]!, t.eSizeOff[e]!, t.eSizeLen[e]!, t.eToSync[e]!, t.neStart[e]!, t.neStart[e + 1]!, 0], 8 * q);
    g.qProb[q] = t.eProb[e]!;
  }
  return (from, to, rpos, stream, systemCI, latPool) => genericSample(g, from, to, rpos, stream, systemCI, latPool);
}

/** The generic loop (see genericKernel); same operations in the same order as the WebAssembly kernel. */
function genericSample(
  t: GenericTables,
  from: number,
  to: number,
  rpos: number,
  stream: KernelStream,
  systemCI: number,
  latPool: Float64Array,
): number {
  const { routeEF, egress, snsPrice, ci, carbonPerS, execUsdPerS, invocationUsd, durRec, auxRowRef, rowDuring, auxVals, sizePool } = t;
  const { nProfOff, nProfLen, nExecUsd, nInvUsd, nCarbonPerS, nDuring, nDdbR, nDdbW, zRec, xCost, xCarbon, xLatOff, xLatLen, xLatAdd } = t;
  const { pingMean, startSizes, startSizeSns, upAt, upGB, place, R, home, pWpd, wpdGB, wpdCost, redirOff, redirLen, maxDraws } = t;
  const { outCost, outRuntime, outCarbon, EF, UNKNOWN_CI, wcuOf, rcuOf, N, start: s0 } = t;
  const { topo, isSync, inStart, qRec, qProb, neSync } = t;
  const { sInv, sSt, sEn, sAr, sSim, sUp } = t;
  const nStartSizes = startSizes.length;
  // Draw ahead for the whole range here, so the loop has no rarely taken call in it (a path the
  // optimizer has no feedback for deoptimizes the function when first taken).
  stream.extend(rpos + (to - from) * maxDraws);
  const rbuf = stream.values;
  for (let k = from; k < to; k++) {
    let cost = 0;
    let carbon = 0;
    let runtime = 0;
    // Every instance's invoked flag, start, end and auxiliary row are written when the topological
    // order reaches it, before any successor reads them; only what predecessors accumulate is reset.
    for (let i = 0; i < N; i++) {
      sSim[i] = -Infinity;
      sUp[i] = 0;
    }
    // Start hop (caribou-spec: WPD read, client message, optional redirector at home).
    const rs = place[s0]!;
    const atFunction = rbuf[rpos++]! < pWpd;
    const redirected = atFunction && rs !== home;
    const si = (rbuf[rpos++]! * nStartSizes) | 0;
    const inputGB = startSizes[si]!;
    const first = redirected ? home : rs;
    cost += wpdCost;
    carbon += wpdGB * EF * (atFunction ? (systemCI + ci[first]!) / 2 : UNKNOWN_CI);
    cost += startSizeSns[si]! * snsPrice[first]!;
    carbon += inputGB * EF * UNKNOWN_CI;
    let t0 = 0;
    if (redirected) {
      let d = 0;
      if (redirLen > 0) d = durRec[3 * (redirOff + ((rbuf[rpos++]! * redirLen) | 0))]!;
      const ih = s0 * R + home;
      cost += execUsdPerS[ih]! * d + invocationUsd[ih]!;
      carbon += carbonPerS[ih]! * d;
      cost += startSizeSns[si]! * snsPrice[rs]!;
      carbon += inputGB * routeEF[home * R + rs]!;
      cost += inputGB * egress[home]!;
      runtime = d;
      t0 = d + pingMean[home * R + rs]!;
    }
    sInv[s0] = 1;
    sSt[s0] = t0;
    for (let ti = 0; ti < N; ti++) {
      const i = topo[ti]!;
      const base = inStart[i]!;
      if (i !== s0) {
        let arrival = -Infinity;
        let any = 0;
        for (let q = base, qe = inStart[i + 1]!; q < qe; q++) {
          const o = q << 3;
          const p = qRec[o]!;
          if (sInv[p] !== 1) continue;
          if (rbuf[rpos++]! < qProb[q]!) {
            let edgeStart = sEn[p]!;
            const col = qRec[o + 1]!;
            if (col >= 0) {
              const ar = sAr[p]!;
              if (ar >= 0) {
                const off = auxVals[ar + col]!;
                if (off === off) edgeStart = sSt[p]! + off;
              }
            }
            const z = qRec[o + 2]! + ((rbuf[rpos++]! * qRec[o + 3]!) | 0);
            const zr = 5 * z;
            cost += zRec[zr + 3]!;
            carbon += zRec[zr + 4]!;
            if (qRec[o + 4] === 1) {
              const u = base + sUp[i]!;
              upAt[u] = edgeStart;
              upGB[u] = sizePool[z]!;
              sUp[i] = sUp[i]! + 1;
            }
            const arr = edgeStart + latPool[zRec[zr]! + ((rbuf[rpos++]! * zRec[zr + 1]!) | 0)]! + zRec[zr + 2]!;
            if (arr > arrival) arrival = arr;
            any = 1;
          } else {
            for (let x = qRec[o + 5]!, xe = qRec[o + 6]!; x < xe; x++) {
              const s = neSync[x]!;
              cost += xCost[x]!;
              carbon += xCarbon[x]!;
              const arr = sEn[p]! + latPool[xLatOff[x]! + ((rbuf[rpos++]! * xLatLen[x]!) | 0)]! + xLatAdd[x]!;
              if (arr > sSim[s]!) sSim[s] = arr;
            }
          }
        }
        sInv[i] = any;
        if (any === 1) sSt[i] = arrival > sSim[i]! ? arrival : sSim[i]!;
      }
      if (sInv[i] !== 1) continue;
      let d = 0;
      let ar = -1;
      const len = nProfLen[i]!;
      if (len > 0) {
        const jr = 3 * (nProfOff[i]! + ((rbuf[rpos++]! * len) | 0));
        d = durRec[jr]!;
        const cnt = durRec[jr + 1]!;
        if (cnt > 0) {
          const kk = durRec[jr + 2]! + ((rbuf[rpos++]! * cnt) | 0);
          ar = auxRowRef[kk]!;
          const during = rowDuring[kk]!;
          if (during > 0) carbon += during * nDuring[i]!;
        }
      }
      sAr[i] = ar;
      const en = sSt[i]! + d;
      sEn[i] = en;
      if (en > runtime) runtime = en;
      cost += nExecUsd[i]! * d + nInvUsd[i]!;
      carbon += nCarbonPerS[i]! * d;
      if (isSync[i] === 1) {
        // Insertion sort of this node's uploads by time (a handful at most), then cumulative WCU.
        const end = base + sUp[i]!;
        for (let a = base + 1; a < end; a++) {
          const at = upAt[a]!;
          const gb = upGB[a]!;
          let b = a - 1;
          while (b >= base && upAt[b]! > at) {
            upAt[b + 1] = upAt[b]!;
            upGB[b + 1] = upGB[b]!;
            b--;
          }
          upAt[b + 1] = at;
          upGB[b + 1] = gb;
        }
        let cumulative = 0;
        let wcu = 0;
        for (let a = base; a < end; a++) {
          cumulative += upGB[a]!;
          wcu += wcuOf(cumulative);
        }
        cost += wcu * nDdbW[i]! + rcuOf(cumulative) * nDdbR[i]!;
      }
    }
    outCost[k] = cost;
    outRuntime[k] = runtime;
    outCarbon[k] = carbon;
  }
  return rpos;
}

// The guided step's predictions (stochastic.ts): every plan that moves 2..maxMoved instances away
// from the base by moves whose metrics are known, predicted additively (carbon and cost add up;
// runtime is a longest path: the largest slow-down, every speed-up), with the search's value of
// each. Thousands per step, and a CLI solve runs only a few steps, so in JavaScript they ran
// unoptimized, boxing every double. The same enumeration is generated once as WebAssembly
// (ADR 0203; the same operations in the same order, so the same values and the same plans; tested
// against predictJs, kept as the reference and the fallback where WebAssembly is missing).
import { F64, FunctionBuilder, I32, moduleBytes, WASM_PAGE, type WasmMemory, wasmApi } from '../wasm-emit.js';
import type { PlanMetrics } from '../types.js';

/** The six metrics, in the order the WebAssembly memory holds them. */
export const METRIC_KEYS = ['average_carbon', 'average_cost', 'average_runtime', 'tail_carbon', 'tail_cost', 'tail_runtime'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** A soft limit on an average, as the search scores it. */
export interface SoftLimit {
  key: MetricKey;
  limit: number;
}

/**
 * What the search minimizes: `score` (soft limits violated × penalty, then the objective) or
 * `excess` (the soft limits' summed relative excess, to reach compliance first).
 */
export type SearchValue =
  | { kind: 'score'; soft: readonly SoftLimit[]; penalty: number; objective: MetricKey }
  | { kind: 'excess'; soft: readonly SoftLimit[] };

export function searchValue(v: SearchValue, m: PlanMetrics): number {
  if (v.kind === 'excess') return v.soft.reduce((e, { key, limit }) => e + Math.max(0, m[key] / Math.max(limit, 1e-300) - 1), 0);
  let violated = 0;
  for (const { key, limit } of v.soft) if (m[key] > limit) violated++;
  return violated * v.penalty + m[v.objective];
}

export interface GuidedInput {
  N: number;
  base: readonly number[];
  baseMetrics: PlanMetrics;
  /** Per instance, its moves: another region r and the metrics' change d from base. */
  moves: ReadonlyArray<ReadonlyArray<{ r: number; d: PlanMetrics }>>;
  maxMoved: number;
  /** Hard limits on the point tails: a prediction above one is valued Infinity. */
  hardTailLimits: ReadonlyArray<readonly [MetricKey, number]>;
  value: SearchValue;
}

export interface Predictions {
  count: number;
  /** Value of prediction k. */
  values: ArrayLike<number>;
  /** Placement of prediction k at [k × N, k × N + N). */
  placements: Int32Array;
}

/** The number of predictions: plans moving 2..maxMoved instances. */
export function predictionCount(moveCounts: readonly number[], maxMoved: number): number {
  const e = [1];
  for (const c of moveCounts) for (let k = e.length; k >= 1; k--) e[k] = (e[k] ?? 0) + (e[k - 1] ?? 0) * c;
  let total = 0;
  for (let k = 2; k <= maxMoved && k < e.length; k++) total += e[k]!;
  return total;
}

/** The predictions in JavaScript (the reference). */
export function predictJs(input: GuidedInput): Predictions {
  const { N, base, baseMetrics, moves, maxMoved, hardTailLimits, value } = input;
  const values: number[] = [];
  let placements = new Int32Array(1024 * N);
  const sum = { ...baseMetrics };
  const pm = { ...baseMetrics };
  const visit = (i: number, placement: number[], moved: number, maxUp: number, maxUpTail: number, downR: number, downT: number): void => {
    if (i === N || moved >= maxMoved) {
      if (moved < 2) return;
      pm.average_carbon = sum.average_carbon;
      pm.average_cost = sum.average_cost;
      pm.tail_carbon = sum.tail_carbon;
      pm.tail_cost = sum.tail_cost;
      pm.average_runtime = baseMetrics.average_runtime + downR + maxUp;
      pm.tail_runtime = baseMetrics.tail_runtime + downT + maxUpTail;
      let hardPenalty = 0;
      for (let h = 0; h < hardTailLimits.length; h++) if (pm[hardTailLimits[h]![0]] > hardTailLimits[h]![1]) hardPenalty = Infinity;
      values.push(hardPenalty + searchValue(value, pm));
      const offset = (values.length - 1) * N;
      if (offset + N > placements.length) {
        const grown = new Int32Array(placements.length * 2);
        grown.set(placements);
        placements = grown;
      }
      for (let j = 0; j < N; j++) placements[offset + j] = placement[j]!;
      return;
    }
    visit(i + 1, placement, moved, maxUp, maxUpTail, downR, downT);
    const own = moves[i]!;
    for (let o = 0; o < own.length; o++) {
      const { r, d } = own[o]!;
      placement[i] = r;
      sum.average_carbon += d.average_carbon;
      sum.average_cost += d.average_cost;
      sum.tail_carbon += d.tail_carbon;
      sum.tail_cost += d.tail_cost;
      visit(
        i + 1,
        placement,
        moved + 1,
        Math.max(maxUp, d.average_runtime),
        Math.max(maxUpTail, d.tail_runtime),
        downR + Math.min(0, d.average_runtime),
        downT + Math.min(0, d.tail_runtime),
      );
      sum.average_carbon -= d.average_carbon;
      sum.average_cost -= d.average_cost;
      sum.tail_carbon -= d.tail_carbon;
      sum.tail_cost -= d.tail_cost;
    }
    placement[i] = base[i]!;
  };
  visit(0, base.slice(), 0, 0, 0, 0, 0);
  return { count: values.length, values, placements };
}

// ---------- WebAssembly ----------

// i32 slots from address 0 (byte offsets of arrays and integer scalars); f64 slots from F64_BASE.
const S = {
  N: 0,
  maxMoved: 1,
  nHard: 2,
  nSoft: 3,
  kind: 4,
  objective: 5,
  count: 6,
  moveStart: 7,
  moveR: 8,
  moveD: 9,
  placement: 10,
  base: 11,
  values: 12,
  placements: 13,
  hardIdx: 14,
  hardLimit: 15,
  softIdx: 16,
  softLimit: 17,
} as const;
const F64_BASE = 256;
/** f64 slots: base metrics (6), running sums of average/tail carbon and cost (4), penalty, pm (6). */
const FS = { baseMetrics: 0, sum: 6, penalty: 10, pm: 11 } as const;
const HEADER_BYTES = 512;
const SUM_OF = [0, 1, 3, 4] as const; // sum slots k ↔ metric indices (average_carbon, average_cost, tail_carbon, tail_cost)

function guidedModuleBytes(): Uint8Array {
  const params = [I32, I32, F64, F64, F64, F64] as const;
  const fn = new FunctionBuilder(params);
  const [I, MOVED, MAX_UP, MAX_UP_TAIL, DOWN_R, DOWN_T] = [0, 1, 2, 3, 4, 5] as const;
  const VISIT = 0; // this function's index: it recurses
  const slot = (k: number) => fn.i32(0).i32Load(4 * k);
  const fAddr = (k: number) => F64_BASE + 8 * k; // byte address of f64 slot k (as a load/store offset from 0)
  const m = fn.local(I32);
  const mEnd = fn.local(I32);
  const d = fn.local(I32);
  const h = fn.local(I32);
  const j = fn.local(I32);
  const count = fn.local(I32);
  const hardPenalty = fn.local(F64);
  const e = fn.local(F64);
  const violated = fn.local(I32);
  const N = fn.local(I32);
  slot(S.N).set(N);
  /** Pushes pm[<metric index pushed by pushIndex>]. */
  const pmAt = (pushIndex: () => void) => {
    pushIndex();
    fn.i32(3).op('i32Shl').f64Load(fAddr(FS.pm));
  };

  // Leaf: i === N || moved >= maxMoved
  fn.get(I).get(N).op('i32Eq').get(MOVED);
  slot(S.maxMoved);
  fn.op('i32GeS').op('i32Or').if();
  {
    fn.get(MOVED).i32(2).op('i32LtS').if().op('return').end();
    // pm: the summed carbon and cost, the runtimes from base by the largest slow-down and every speed-up.
    for (let k = 0; k < 4; k++)
      fn.i32(0)
        .i32(0)
        .f64Load(fAddr(FS.sum + k))
        .f64Store(fAddr(FS.pm + SUM_OF[k]!));
    fn.i32(0)
      .i32(0)
      .f64Load(fAddr(FS.baseMetrics + 2))
      .get(DOWN_R)
      .op('f64Add')
      .get(MAX_UP)
      .op('f64Add')
      .f64Store(fAddr(FS.pm + 2));
    fn.i32(0)
      .i32(0)
      .f64Load(fAddr(FS.baseMetrics + 5))
      .get(DOWN_T)
      .op('f64Add')
      .get(MAX_UP_TAIL)
      .op('f64Add')
      .f64Store(fAddr(FS.pm + 5));
    // Hard limits on the point tails.
    fn.f64(0).set(hardPenalty);
    fn.i32(0).set(h);
    fn.block().loop();
    {
      fn.get(h);
      slot(S.nHard);
      fn.op('i32GeS').brIf(1);
      pmAt(() => {
        slot(S.hardIdx);
        fn.get(h).i32(2).op('i32Shl').op('i32Add').i32Load();
      });
      slot(S.hardLimit);
      fn.get(h).i32(3).op('i32Shl').op('i32Add').f64Load();
      fn.op('f64Gt').if().f64(Number.POSITIVE_INFINITY).set(hardPenalty).end();
      fn.get(h).i32(1).op('i32Add').set(h).br(0);
    }
    fn.end().end();
    // The search value (searchValue): excess or score.
    fn.f64(0).set(e);
    fn.i32(0).set(violated);
    fn.i32(0).set(h);
    fn.block().loop();
    {
      fn.get(h);
      slot(S.nSoft);
      fn.op('i32GeS').brIf(1);
      slot(S.kind);
      fn.if();
      {
        // excess: e + max(0, pm[key] / max(limit, 1e-300) - 1)
        fn.get(e);
        fn.f64(0);
        pmAt(() => {
          slot(S.softIdx);
          fn.get(h).i32(2).op('i32Shl').op('i32Add').i32Load();
        });
        slot(S.softLimit);
        fn.get(h).i32(3).op('i32Shl').op('i32Add').f64Load();
        fn.f64(1e-300).op('f64Max').op('f64Div').f64(1).op('f64Sub').op('f64Max').op('f64Add').set(e);
      }
      fn.else();
      {
        // score: violated++ when pm[key] > limit
        pmAt(() => {
          slot(S.softIdx);
          fn.get(h).i32(2).op('i32Shl').op('i32Add').i32Load();
        });
        slot(S.softLimit);
        fn.get(h).i32(3).op('i32Shl').op('i32Add').f64Load();
        fn.op('f64Gt').if().get(violated).i32(1).op('i32Add').set(violated).end();
      }
      fn.end();
      fn.get(h).i32(1).op('i32Add').set(h).br(0);
    }
    fn.end().end();
    slot(S.kind);
    fn.op('i32Eqz').if();
    {
      // violated × penalty + pm[objective]
      fn.get(violated).op('f64ConvertI32S').i32(0).f64Load(fAddr(FS.penalty)).op('f64Mul');
      pmAt(() => slot(S.objective));
      fn.op('f64Add').set(e);
    }
    fn.end();
    // values[count] = hardPenalty + value; placements[count × N ..] = placement
    slot(S.count);
    fn.set(count);
    slot(S.values);
    fn.get(count).i32(3).op('i32Shl').op('i32Add').get(hardPenalty).get(e).op('f64Add').f64Store();
    fn.i32(0).set(j);
    fn.block().loop();
    {
      fn.get(j).get(N).op('i32GeS').brIf(1);
      slot(S.placements);
      fn.get(count).get(N).op('i32Mul').get(j).op('i32Add').i32(2).op('i32Shl').op('i32Add');
      slot(S.placement);
      fn.get(j).i32(2).op('i32Shl').op('i32Add').i32Load();
      fn.i32Store();
      fn.get(j).i32(1).op('i32Add').set(j).br(0);
    }
    fn.end().end();
    fn.i32(0)
      .get(count)
      .i32(1)
      .op('i32Add')
      .i32Store(4 * S.count);
    fn.op('return');
  }
  fn.end();

  // Not moving instance i, then each of its moves.
  fn.get(I).i32(1).op('i32Add').get(MOVED).get(MAX_UP).get(MAX_UP_TAIL).get(DOWN_R).get(DOWN_T).call(VISIT);
  slot(S.moveStart);
  fn.get(I).i32(2).op('i32Shl').op('i32Add').i32Load().set(m);
  slot(S.moveStart);
  fn.get(I).i32(2).op('i32Shl').op('i32Add').i32Load(4).set(mEnd);
  fn.block().loop();
  {
    fn.get(m).get(mEnd).op('i32GeS').brIf(1);
    // placement[i] = r
    slot(S.placement);
    fn.get(I).i32(2).op('i32Shl').op('i32Add');
    slot(S.moveR);
    fn.get(m).i32(2).op('i32Shl').op('i32Add').i32Load();
    fn.i32Store();
    // d: the move's 6 metric changes
    slot(S.moveD);
    fn.get(m).i32(48).op('i32Mul').op('i32Add').set(d);
    for (let k = 0; k < 4; k++) {
      fn.i32(0)
        .i32(0)
        .f64Load(fAddr(FS.sum + k))
        .get(d)
        .f64Load(8 * SUM_OF[k]!)
        .op('f64Add')
        .f64Store(fAddr(FS.sum + k));
    }
    fn.get(I).i32(1).op('i32Add').get(MOVED).i32(1).op('i32Add');
    fn.get(MAX_UP)
      .get(d)
      .f64Load(8 * 2)
      .op('f64Max');
    fn.get(MAX_UP_TAIL)
      .get(d)
      .f64Load(8 * 5)
      .op('f64Max');
    fn.get(DOWN_R)
      .f64(0)
      .get(d)
      .f64Load(8 * 2)
      .op('f64Min')
      .op('f64Add');
    fn.get(DOWN_T)
      .f64(0)
      .get(d)
      .f64Load(8 * 5)
      .op('f64Min')
      .op('f64Add');
    fn.call(VISIT);
    for (let k = 0; k < 4; k++) {
      fn.i32(0)
        .i32(0)
        .f64Load(fAddr(FS.sum + k))
        .get(d)
        .f64Load(8 * SUM_OF[k]!)
        .op('f64Sub')
        .f64Store(fAddr(FS.sum + k));
    }
    fn.get(m).i32(1).op('i32Add').set(m).br(0);
  }
  fn.end().end();
  // placement[i] = base[i]
  slot(S.placement);
  fn.get(I).i32(2).op('i32Shl').op('i32Add');
  slot(S.base);
  fn.get(I).i32(2).op('i32Shl').op('i32Add').i32Load();
  fn.i32Store();
  return moduleBytes([{ name: 'visit', params, results: [], body: fn }]);
}

const wasm = wasmApi;
const PAGE = WASM_PAGE;

let instance: { memory: WasmMemory; visit: (...args: number[]) => void } | undefined;

/** The predictions by the WebAssembly enumeration (one module and memory per thread, reused). */
export function predictWasm(input: GuidedInput): Predictions {
  const { N, base, baseMetrics, moves, maxMoved, hardTailLimits, value } = input;
  const capacity = predictionCount(
    moves.map((o) => o.length),
    maxMoved,
  );
  const totalMoves = moves.reduce((n, o) => n + o.length, 0);
  // Layout (bytes): header, then the arrays, each 8-byte aligned.
  let end = HEADER_BYTES;
  const take = (bytes: number) => {
    const at = end;
    end += Math.ceil(Math.max(bytes, 8) / 8) * 8;
    return at;
  };
  const at = {
    moveStart: take(4 * (N + 1)),
    moveR: take(4 * totalMoves),
    moveD: take(48 * totalMoves),
    placement: take(4 * N),
    base: take(4 * N),
    hardIdx: take(4 * hardTailLimits.length),
    hardLimit: take(8 * hardTailLimits.length),
    softIdx: take(4 * value.soft.length),
    softLimit: take(8 * value.soft.length),
    values: take(8 * capacity),
    placements: take(4 * N * capacity),
  };
  if (!instance) {
    const memory = new wasm!.Memory({ initial: Math.ceil(end / PAGE) });
    const exports = new wasm!.Instance(new wasm!.Module(guidedModuleBytes()), { env: { memory } }).exports;
    instance = { memory, visit: exports.visit as (...args: number[]) => void };
  }
  const { memory } = instance;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
  const buffer = memory.buffer;
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  header[S.N] = N;
  header[S.maxMoved] = maxMoved;
  header[S.nHard] = hardTailLimits.length;
  header[S.nSoft] = value.soft.length;
  header[S.kind] = value.kind === 'excess' ? 1 : 0;
  header[S.objective] = value.kind === 'score' ? METRIC_KEYS.indexOf(value.objective) : 0;
  header[S.count] = 0;
  for (const [name, offset] of Object.entries(at)) header[S[name as keyof typeof at]] = offset;
  const f64 = new Float64Array(buffer, F64_BASE, 32);
  METRIC_KEYS.forEach((k, i) => {
    f64[FS.baseMetrics + i] = baseMetrics[k];
  });
  SUM_OF.forEach((metric, k) => {
    f64[FS.sum + k] = baseMetrics[METRIC_KEYS[metric]];
  });
  f64[FS.penalty] = value.kind === 'score' ? value.penalty : 0;
  METRIC_KEYS.forEach((k, i) => {
    f64[FS.pm + i] = baseMetrics[k];
  });
  const moveStart = new Int32Array(buffer, at.moveStart, N + 1);
  const moveR = new Int32Array(buffer, at.moveR, totalMoves);
  const moveD = new Float64Array(buffer, at.moveD, 6 * totalMoves);
  let n = 0;
  for (let i = 0; i < N; i++) {
    moveStart[i] = n;
    for (const { r, d } of moves[i]!) {
      moveR[n] = r;
      METRIC_KEYS.forEach((k, q) => {
        moveD[6 * n + q] = d[k];
      });
      n++;
    }
  }
  moveStart[N] = n;
  new Int32Array(buffer, at.placement, N).set(base);
  new Int32Array(buffer, at.base, N).set(base);
  new Int32Array(buffer, at.hardIdx, hardTailLimits.length).set(hardTailLimits.map(([k]) => METRIC_KEYS.indexOf(k)));
  new Float64Array(buffer, at.hardLimit, hardTailLimits.length).set(hardTailLimits.map(([, l]) => l));
  new Int32Array(buffer, at.softIdx, value.soft.length).set(value.soft.map((s) => METRIC_KEYS.indexOf(s.key)));
  new Float64Array(buffer, at.softLimit, value.soft.length).set(value.soft.map((s) => s.limit));
  instance.visit(0, 0, 0, 0, 0, 0);
  const count = header[S.count]!;
  return { count, values: new Float64Array(buffer, at.values, count), placements: new Int32Array(buffer, at.placements, N * count) };
}

/** The predictions: WebAssembly where available, else JavaScript (GUIDED_POLICY; tests switch it). */
export const GUIDED_POLICY = { engine: (wasm ? 'wasm' : 'js') as 'wasm' | 'js' };
export function predict(input: GuidedInput): Predictions {
  return GUIDED_POLICY.engine === 'wasm' ? predictWasm(input) : predictJs(input);
}

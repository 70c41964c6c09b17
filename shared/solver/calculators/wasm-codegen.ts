// The sample kernel of one workflow topology as a WebAssembly function (ADR 0203): straight-line
// code per instance and edge (probabilities, indices, table offsets and the calculator's fixed
// scalars as constants, per-sample state in locals), drawing the same random numbers in the same
// order and doing the same floating-point operations in the same order as genericSample in
// fast-kernel.ts, so the samples are bit-identical. V8 compiles it with its baseline compiler in
// about a millisecond and optimizes it in the background.
//
// ABI (wasm-kernel.ts is the host): sample(from, to, systemCI, rpos) -> random numbers drawn. The
// tables sit in the imported memory at the offsets compiled in (KernelConstants); the header at
// address 0 holds the byte offsets of the two regions that move as they grow (latency pool,
// random stream) and the random generator's state (four i32 words `fill` reads and writes back).
import type { KernelTopology } from './fast-kernel.js';
import { F64, FunctionBuilder, I32, moduleBytes } from '../wasm-emit.js';

/** The tables the kernel reads or writes at fixed places in its memory. */
export type Table =
  | 'routeEF'
  | 'egress'
  | 'snsPrice'
  | 'ci'
  | 'carbonPerS'
  | 'execUsdPerS'
  | 'invocationUsd'
  | 'durRec'
  | 'auxRowRef'
  | 'rowDuring'
  | 'auxVals'
  | 'sizePool'
  | 'nProfOff'
  | 'nProfLen'
  | 'nExecUsd'
  | 'nInvUsd'
  | 'nCarbonPerS'
  | 'nDuring'
  | 'nDdbR'
  | 'nDdbW'
  | 'zRec'
  | 'xCost'
  | 'xCarbon'
  | 'xLatOff'
  | 'xLatLen'
  | 'xLatAdd'
  | 'pingMean'
  | 'startSizes'
  | 'startSizeSns'
  | 'upAt'
  | 'upGB'
  | 'place'
  | 'outCost'
  | 'outRuntime'
  | 'outCarbon';

/** i32 slots of the header at address 0: the two regions that move as they grow, and the generator. */
export const SLOT = {
  latPool: 0,
  stream: 1,
  // xoshiro128** state (4 words) after the values drawn into the stream so far (fill)
  rng: 4,
} as const;
export const HEADER_BYTES = 64;

/**
 * What one calculator's kernel is compiled with besides its topology: every table's byte offset
 * and the scalars fixed for the calculator's life, written into the code as constants (fewer
 * instructions than reading them from a header into locals; V8's optimizing compile takes about
 * as long either way).
 */
export interface KernelConstants {
  offset: Record<Table, number>;
  R: number;
  home: number;
  redirOff: number;
  redirLen: number;
  nStartSizes: number;
  pWpd: number;
  wpdGB: number;
  wpdCost: number;
  EF: number;
  UNKNOWN_CI: number;
  kibPerGB: number;
  wcuKiB: number;
  rcuKiB: number;
}

/** The WebAssembly module (bytes) of a topology's sample kernel with a calculator's constants. */
export function kernelModuleBytes(t: KernelTopology, c: KernelConstants): Uint8Array {
  const params = [I32, I32, F64, I32] as const;
  const fn = new FunctionBuilder(params);
  const FROM = 0;
  const TO = 1;
  const SYSTEM_CI = 2;
  const RPOS = 3;
  const tableAt = c.offset;

  // The moving regions' places: read from the header once per call.
  const latPool = fn.local(I32);
  const stream = fn.local(I32);
  fn.i32(0)
    .i32Load(4 * SLOT.latPool)
    .set(latPool);
  fn.i32(0)
    .i32Load(4 * SLOT.stream)
    .set(stream);

  const k = fn.local(I32);
  const rp = fn.local(I32); // byte address of the next random number
  const cost = fn.local(F64);
  const carbon = fn.local(F64);
  const runtime = fn.local(F64);
  const N = t.N;
  const inv = Array.from({ length: N }, () => fn.local(I32));
  const st = Array.from({ length: N }, () => fn.local(F64));
  const en = Array.from({ length: N }, () => fn.local(F64));
  const ar = Array.from({ length: N }, () => fn.local(I32));
  const sim = Array.from({ length: N }, () => fn.local(F64));
  const up = Array.from({ length: N }, () => fn.local(I32));
  // Scratch
  const rs = fn.local(I32);
  const atFunction = fn.local(I32);
  const redirected = fn.local(I32);
  const si = fn.local(I32);
  const inputGB = fn.local(F64);
  const first = fn.local(I32);
  const t0 = fn.local(F64);
  const d = fn.local(F64);
  const ih = fn.local(I32);
  const arrival = fn.local(F64);
  const any = fn.local(I32);
  const edgeStart = fn.local(F64);
  const off = fn.local(F64);
  const z = fn.local(I32);
  const zr = fn.local(I32);
  const arr = fn.local(F64);
  const len = fn.local(I32);
  const jr = fn.local(I32);
  const cnt = fn.local(F64);
  const kk = fn.local(I32);
  const during = fn.local(F64);
  const end = fn.local(I32);
  const a = fn.local(I32);
  const b = fn.local(I32);
  const at = fn.local(F64);
  const gb = fn.local(F64);
  const cumulative = fn.local(F64);
  const wcu = fn.local(F64);

  /** Pushes table[index] (f64) for a constant index. */
  const fAt = (table: Table, index: number) => fn.i32(0).f64Load(tableAt[table] + 8 * index);
  /** Pushes table[index] (i32) for a constant index. */
  const iAt = (table: Table, index: number) => fn.i32(0).i32Load(tableAt[table] + 4 * index);
  /** Pushes table[<i32 on the stack after pushIndex>] (f64). */
  const fIdx = (table: Table, pushIndex: () => void) => {
    pushIndex();
    fn.i32(3).op('i32Shl').f64Load(tableAt[table]);
  };
  const iIdx = (table: Table, pushIndex: () => void) => {
    pushIndex();
    fn.i32(2).op('i32Shl').i32Load(tableAt[table]);
  };
  /** The latency pool's value at <i32 pushed by pushIndex> (the pool moves as it grows). */
  const latAt = (pushIndex: () => void) => {
    fn.get(latPool);
    pushIndex();
    fn.i32(3).op('i32Shl').op('i32Add').f64Load();
  };
  /** table[<i32 pushed by pushIndex>] = <f64 pushed by pushValue>. */
  const fStore = (table: Table, pushIndex: () => void, pushValue: () => void) => {
    pushIndex();
    fn.i32(3).op('i32Shl');
    pushValue();
    fn.f64Store(tableAt[table]);
  };
  /** rbuf[rpos++] */
  const draw = () => {
    fn.get(rp).f64Load();
    fn.get(rp).i32(8).op('i32Add').set(rp);
  };
  /** (rbuf[rpos++] * <f64 pushed by pushLen>) | 0 */
  const pick = (pushLen: () => void) => {
    draw();
    pushLen();
    fn.op('f64Mul').truncSat();
  };
  const addTo = (acc: number, pushValue: () => void) => {
    fn.get(acc);
    pushValue();
    fn.op('f64Add').set(acc);
  };

  fn.get(stream).get(RPOS).i32(3).op('i32Shl').op('i32Add').set(rp);
  fn.get(FROM).set(k);
  fn.block().loop(); // for (k = from; k < to; k++)
  fn.get(k).get(TO).op('i32GeS').brIf(1);
  fn.f64(0).set(cost).f64(0).set(carbon).f64(0).set(runtime);
  for (let i = 0; i < N; i++) {
    fn.i32(0).set(inv[i]!).f64(0).set(st[i]!).f64(0).set(en[i]!).i32(-1).set(ar[i]!).f64(-Infinity).set(sim[i]!).i32(0).set(up[i]!);
  }
  // Start hop (caribou-spec: WPD read, client message, optional redirector at home).
  const s0 = t.start;
  iAt('place', s0);
  fn.set(rs);
  draw();
  fn.f64(c.pWpd).op('f64Lt').set(atFunction);
  // Conditional values by `select` (both operands are side-effect free): no branch, no merge of
  // register states, a third fewer blocks for the optimizing compiler than if/else.
  fn.get(rs).i32(c.home).op('i32Ne').i32(0).get(atFunction).select().set(redirected);
  pick(() => fn.f64(c.nStartSizes));
  fn.set(si);
  fIdx('startSizes', () => fn.get(si));
  fn.set(inputGB);
  fn.i32(c.home).get(rs).get(redirected).select().set(first);
  addTo(cost, () => fn.f64(c.wpdCost));
  addTo(carbon, () => {
    fn.f64(c.wpdGB).f64(c.EF).op('f64Mul');
    fn.get(SYSTEM_CI);
    fIdx('ci', () => fn.get(first));
    fn.op('f64Add').f64(2).op('f64Div').f64(c.UNKNOWN_CI).get(atFunction).select();
    fn.op('f64Mul');
  });
  addTo(cost, () => {
    fIdx('startSizeSns', () => fn.get(si));
    fIdx('snsPrice', () => fn.get(first));
    fn.op('f64Mul');
  });
  addTo(carbon, () => fn.get(inputGB).f64(c.EF).op('f64Mul').f64(c.UNKNOWN_CI).op('f64Mul'));
  fn.f64(0).set(t0);
  fn.get(redirected).if();
  {
    fn.f64(0).set(d);
    fn.i32(c.redirLen).i32(0).op('i32GtS').if();
    // d = durRec[3 * (redirOff + pick(redirLen))]
    fIdx('durRec', () => {
      fn.i32(3).i32(c.redirOff);
      pick(() => fn.f64(c.redirLen));
      fn.op('i32Add').op('i32Mul');
    });
    fn.set(d).end();
    fn.i32(s0 * c.R + c.home).set(ih);
    addTo(cost, () => {
      fIdx('execUsdPerS', () => fn.get(ih));
      fn.get(d).op('f64Mul');
      fIdx('invocationUsd', () => fn.get(ih));
      fn.op('f64Add');
    });
    addTo(carbon, () => {
      fIdx('carbonPerS', () => fn.get(ih));
      fn.get(d).op('f64Mul');
    });
    addTo(cost, () => {
      fIdx('startSizeSns', () => fn.get(si));
      fIdx('snsPrice', () => fn.get(rs));
      fn.op('f64Mul');
    });
    addTo(carbon, () => {
      fn.get(inputGB);
      fIdx('routeEF', () =>
        fn
          .i32(c.home * c.R)
          .get(rs)
          .op('i32Add'),
      );
      fn.op('f64Mul');
    });
    addTo(cost, () => {
      fn.get(inputGB);
      fAt('egress', c.home);
      fn.op('f64Mul');
    });
    fn.get(d).set(runtime);
    fn.get(d);
    fIdx('pingMean', () =>
      fn
        .i32(c.home * c.R)
        .get(rs)
        .op('i32Add'),
    );
    fn.op('f64Add').set(t0);
  }
  fn.end();
  fn.i32(1).set(inv[s0]!);
  fn.get(t0).set(st[s0]!);

  for (let ti = 0; ti < N; ti++) {
    const i = t.topo[ti]!;
    const inBase = t.inStart[i]!;
    if (i !== s0) {
      fn.f64(-Infinity).set(arrival).i32(0).set(any);
      for (let q = inBase; q < t.inStart[i + 1]!; q++) {
        const e = t.inEdge[q]!;
        const p = t.eFrom[e]!;
        const col = t.eAuxCol[e]!;
        fn.get(inv[p]!).i32(1).op('i32Eq').if();
        draw();
        fn.f64(t.eProb[e]!).op('f64Lt').if();
        {
          fn.get(en[p]!).set(edgeStart);
          if (col >= 0) {
            fn.get(ar[p]!).i32(0).op('i32GeS').if();
            fIdx('auxVals', () => fn.get(ar[p]!).i32(col).op('i32Add'));
            fn.set(off).get(st[p]!).get(off).op('f64Add').get(edgeStart).get(off).get(off).op('f64Eq').select().set(edgeStart);
            fn.end();
          }
          fn.i32(t.eSizeOff[e]!);
          pick(() => fn.f64(t.eSizeLen[e]!));
          fn.op('i32Add').set(z);
          fn.i32(5).get(z).op('i32Mul').set(zr);
          addTo(cost, () => fIdx('zRec', () => fn.get(zr).i32(3).op('i32Add')));
          addTo(carbon, () => fIdx('zRec', () => fn.get(zr).i32(4).op('i32Add')));
          if (t.eToSync[e] === 1) {
            const upload = () => fn.i32(inBase).get(up[i]!).op('i32Add');
            fStore('upAt', upload, () => fn.get(edgeStart));
            fStore('upGB', upload, () => fIdx('sizePool', () => fn.get(z)));
            fn.get(up[i]!).i32(1).op('i32Add').set(up[i]!);
          }
          // arr = edgeStart + latPool[zRec[zr] + pick(zRec[zr + 1])] + zRec[zr + 2]
          fn.get(edgeStart);
          latAt(() => {
            fIdx('zRec', () => fn.get(zr));
            fn.truncSat();
            pick(() => fIdx('zRec', () => fn.get(zr).i32(1).op('i32Add')));
            fn.op('i32Add');
          });
          fn.op('f64Add');
          fIdx('zRec', () => fn.get(zr).i32(2).op('i32Add'));
          fn.op('f64Add').set(arr);
          fn.get(arr).get(arrival).get(arr).get(arrival).op('f64Gt').select().set(arrival);
          fn.i32(1).set(any);
        }
        fn.else();
        for (let x = t.neStart[e]!; x < t.neStart[e + 1]!; x++) {
          const s = t.neSync[x]!;
          addTo(cost, () => fAt('xCost', x));
          addTo(carbon, () => fAt('xCarbon', x));
          fn.get(en[p]!);
          latAt(() => {
            iAt('xLatOff', x);
            pick(() => fAt('xLatLen', x));
            fn.op('i32Add');
          });
          fn.op('f64Add');
          fAt('xLatAdd', x);
          fn.op('f64Add').set(arr);
          fn.get(arr).get(sim[s]!).get(arr).get(sim[s]!).op('f64Gt').select().set(sim[s]!);
        }
        fn.end(); // if draw < p
        fn.end(); // if inv[p]
      }
      fn.get(any).set(inv[i]!);
      fn.get(any).i32(1).op('i32Eq').if();
      fn.get(arrival).get(sim[i]!).get(arrival).get(sim[i]!).op('f64Gt').select().set(st[i]!);
      fn.end();
    }
    fn.get(inv[i]!).i32(1).op('i32Eq').if();
    {
      fn.f64(0).set(d);
      iAt('nProfLen', i);
      fn.set(len);
      fn.get(len).i32(0).op('i32GtS').if();
      {
        // jr = 3 * (nProfOff[i] + pick(len))
        fn.i32(3);
        iAt('nProfOff', i);
        pick(() => fn.get(len).op('f64ConvertI32S'));
        fn.op('i32Add').op('i32Mul').set(jr);
        fIdx('durRec', () => fn.get(jr));
        fn.set(d);
        fIdx('durRec', () => fn.get(jr).i32(1).op('i32Add'));
        fn.set(cnt);
        fn.get(cnt).f64(0).op('f64Gt').if();
        {
          fIdx('durRec', () => fn.get(jr).i32(2).op('i32Add'));
          fn.truncSat();
          pick(() => fn.get(cnt));
          fn.op('i32Add').set(kk);
          iIdx('auxRowRef', () => fn.get(kk));
          fn.set(ar[i]!);
          fIdx('rowDuring', () => fn.get(kk));
          fn.set(during);
          // carbon += during * nDuring[i] when during > 0
          fn.get(carbon).get(during);
          fAt('nDuring', i);
          fn.op('f64Mul').op('f64Add').get(carbon).get(during).f64(0).op('f64Gt').select().set(carbon);
        }
        fn.end();
      }
      fn.end();
      fn.get(st[i]!).get(d).op('f64Add').set(en[i]!);
      fn.get(en[i]!).get(runtime).get(en[i]!).get(runtime).op('f64Gt').select().set(runtime);
      addTo(cost, () => {
        fAt('nExecUsd', i);
        fn.get(d).op('f64Mul');
        fAt('nInvUsd', i);
        fn.op('f64Add');
      });
      addTo(carbon, () => {
        fAt('nCarbonPerS', i);
        fn.get(d).op('f64Mul');
      });
      if (t.isSync[i] === 1) {
        // Insertion sort of this node's uploads by time (a handful at most), then cumulative WCU.
        const next = () => fn.get(b).i32(1).op('i32Add'); // index b + 1
        fn.i32(inBase).get(up[i]!).op('i32Add').set(end);
        fn.i32(inBase + 1).set(a);
        fn.block().loop();
        {
          fn.get(a).get(end).op('i32GeS').brIf(1);
          fIdx('upAt', () => fn.get(a));
          fn.set(at);
          fIdx('upGB', () => fn.get(a));
          fn.set(gb);
          fn.get(a).i32(1).op('i32Sub').set(b);
          fn.block().loop();
          {
            fn.get(b).i32(inBase).op('i32LtS').brIf(1);
            fIdx('upAt', () => fn.get(b));
            fn.get(at).op('f64Gt').op('i32Eqz').brIf(1);
            fStore('upAt', next, () => fIdx('upAt', () => fn.get(b)));
            fStore('upGB', next, () => fIdx('upGB', () => fn.get(b)));
            fn.get(b).i32(1).op('i32Sub').set(b);
            fn.br(0);
          }
          fn.end().end();
          fStore('upAt', next, () => fn.get(at));
          fStore('upGB', next, () => fn.get(gb));
          fn.get(a).i32(1).op('i32Add').set(a);
          fn.br(0);
        }
        fn.end().end();
        fn.f64(0).set(cumulative).f64(0).set(wcu);
        fn.i32(inBase).set(a);
        fn.block().loop();
        {
          fn.get(a).get(end).op('i32GeS').brIf(1);
          addTo(cumulative, () => fIdx('upGB', () => fn.get(a)));
          addTo(wcu, () => fn.get(cumulative).f64(c.kibPerGB).op('f64Mul').f64(c.wcuKiB).op('f64Div').op('f64Ceil'));
          fn.get(a).i32(1).op('i32Add').set(a);
          fn.br(0);
        }
        fn.end().end();
        addTo(cost, () => {
          fn.get(wcu);
          fAt('nDdbW', i);
          fn.op('f64Mul');
          fn.get(cumulative).f64(c.kibPerGB).op('f64Mul').f64(c.rcuKiB).op('f64Div').op('f64Ceil');
          fAt('nDdbR', i);
          fn.op('f64Mul').op('f64Add');
        });
      }
    }
    fn.end();
  }
  fStore(
    'outCost',
    () => fn.get(k),
    () => fn.get(cost),
  );
  fStore(
    'outRuntime',
    () => fn.get(k),
    () => fn.get(runtime),
  );
  fStore(
    'outCarbon',
    () => fn.get(k),
    () => fn.get(carbon),
  );
  fn.get(k).i32(1).op('i32Add').set(k);
  fn.br(0);
  fn.end().end();
  // Random numbers read: (rp - stream) / 8 - rpos
  fn.get(rp).get(stream).op('i32Sub').i32(3).op('i32ShrS').get(RPOS).op('i32Sub');
  return moduleBytes([{ name: 'sample', params, results: [I32], body: fn }]);
}

/**
 * The random stream's module (the same for every topology): its own module so that V8 optimizes
 * it on its own. Inside the kernel's module, its optimized code waited behind the kernel's (tens
 * of milliseconds of background compilation), and the first solve hour drew every value with the
 * baseline code, ~30x slower.
 */
export function fillModuleBytes(): Uint8Array {
  return moduleBytes([{ name: 'fill', params: [I32, I32], results: [], body: fillFunction() }]);
}

/**
 * fill(from, to): the stream's values [from, to) by xoshiro128** (Rng.fill in rng.ts, the same
 * operations), continuing from the state in the header and writing it back.
 */
function fillFunction(): FunctionBuilder {
  const fn = new FunctionBuilder([I32, I32]);
  const FROM = 0;
  const TO = 1;
  const [s0, s1, s2, s3] = [fn.local(I32), fn.local(I32), fn.local(I32), fn.local(I32)];
  const m = fn.local(I32);
  const t = fn.local(I32);
  const at = fn.local(I32);
  const endAt = fn.local(I32);
  const stream = fn.local(I32);
  const s = [s0, s1, s2, s3];
  s.forEach((w, i) =>
    fn
      .i32(0)
      .i32Load(4 * (SLOT.rng + i))
      .set(w),
  );
  fn.i32(0)
    .i32Load(4 * SLOT.stream)
    .set(stream);
  fn.get(stream).get(FROM).i32(3).op('i32Shl').op('i32Add').set(at);
  fn.get(stream).get(TO).i32(3).op('i32Shl').op('i32Add').set(endAt);
  fn.block().loop();
  fn.get(at).get(endAt).op('i32GeS').brIf(1);
  // m = imul(s1, 5); value = (imul(rotl(m, 7), 9) >>> 0) / 2^32
  fn.get(s1).i32(5).op('i32Mul').set(m);
  fn.get(at);
  fn.get(m).i32(7).op('i32Rotl').i32(9).op('i32Mul').op('f64ConvertI32U').f64(4294967296).op('f64Div');
  fn.f64Store();
  // t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11)
  fn.get(s1).i32(9).op('i32Shl').set(t);
  fn.get(s2).get(s0).op('i32Xor').set(s2);
  fn.get(s3).get(s1).op('i32Xor').set(s3);
  fn.get(s1).get(s2).op('i32Xor').set(s1);
  fn.get(s0).get(s3).op('i32Xor').set(s0);
  fn.get(s2).get(t).op('i32Xor').set(s2);
  fn.get(s3).i32(11).op('i32Rotl').set(s3);
  fn.get(at).i32(8).op('i32Add').set(at);
  fn.br(0);
  fn.end().end();
  s.forEach((w, i) =>
    fn
      .i32(0)
      .get(w)
      .i32Store(4 * (SLOT.rng + i)),
  );
  return fn;
}

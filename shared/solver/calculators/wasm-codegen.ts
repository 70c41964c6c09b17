// The sample kernel of one workflow topology as a WebAssembly function (ADR 0203): the same
// straight-line code as kernelSource in fast-kernel.ts (instances, edges, probabilities and table
// offsets as constants, per-sample state in locals), drawing the same random numbers in the same
// order and doing the same floating-point operations in the same order, so the samples are
// bit-identical. V8 compiles it with its baseline compiler in about a millisecond and optimizes
// it in the background; the JavaScript form took hundreds of milliseconds of TurboFan first.
//
// ABI (wasm-kernel.ts is the host): sample(from, to, systemCI) -> random numbers drawn. Tables are
// in the imported memory at byte offsets the host writes in i32 slots from address 0; integer
// scalars are i32 slots too, double scalars f64 slots from F64_BASE, and the random generator's
// state four i32 slots the function reads at entry and writes back at exit.
import type { KernelTopology } from './fast-kernel.js';
import { F64, FunctionBuilder, I32, moduleBytes } from '../wasm-emit.js';

export const SLOT = {
  routeEF: 0,
  egress: 1,
  snsPrice: 2,
  ci: 3,
  carbonPerS: 4,
  execUsdPerS: 5,
  invocationUsd: 6,
  durRec: 7,
  auxRowRef: 8,
  rowDuring: 9,
  auxVals: 10,
  sizePool: 11,
  nProfOff: 12,
  nProfLen: 13,
  nExecUsd: 14,
  nInvUsd: 15,
  nCarbonPerS: 16,
  nDuring: 17,
  nDdbR: 18,
  nDdbW: 19,
  zRec: 20,
  xCost: 21,
  xCarbon: 22,
  xLatOff: 23,
  xLatLen: 24,
  xLatAdd: 25,
  pingMean: 26,
  startSizes: 27,
  startSizeSns: 28,
  upAt: 29,
  upGB: 30,
  place: 31,
  latPool: 32,
  stream: 33,
  outCost: 34,
  outRuntime: 35,
  outCarbon: 36,
  // integer scalars
  R: 40,
  home: 41,
  redirOff: 42,
  redirLen: 43,
  nStartSizes: 44,
  // xoshiro128** state (4 words) after the values drawn into the stream so far (fill)
  rng: 48,
} as const;
export const F64_BASE = 256;
export const F64_SLOT = { pWpd: 0, wpdGB: 1, wpdCost: 2, EF: 3, UNKNOWN_CI: 4, KIB_PER_GB: 5, WCU_KIB: 6, RCU_KIB: 7 } as const;
export const HEADER_BYTES = 512;

type Table = Exclude<keyof typeof SLOT, 'R' | 'home' | 'redirOff' | 'redirLen' | 'nStartSizes' | 'rng'>;

/** The WebAssembly module (bytes) of a topology's sample kernel. */
export function kernelModuleBytes(t: KernelTopology): Uint8Array {
  const params = [I32, I32, F64, I32] as const;
  const fn = new FunctionBuilder(params);
  const FROM = 0;
  const TO = 1;
  const SYSTEM_CI = 2;
  const RPOS = 3;

  // Table bases, integer and double scalars: read from the header once per call.
  const base = {} as Record<Table, number>;
  for (const name of Object.keys(SLOT) as (keyof typeof SLOT)[]) {
    if (name === 'R' || name === 'home' || name === 'redirOff' || name === 'redirLen' || name === 'nStartSizes' || name === 'rng') continue;
    base[name] = fn.local(I32);
    fn.i32(0)
      .i32Load(4 * SLOT[name])
      .set(base[name]);
  }
  const int = (slot: number) => {
    const l = fn.local(I32);
    fn.i32(0)
      .i32Load(4 * slot)
      .set(l);
    return l;
  };
  const dbl = (slot: number) => {
    const l = fn.local(F64);
    fn.i32(0)
      .f64Load(F64_BASE + 8 * slot)
      .set(l);
    return l;
  };
  const R = int(SLOT.R);
  const home = int(SLOT.home);
  const redirOff = int(SLOT.redirOff);
  const redirLen = int(SLOT.redirLen);
  const nStartSizes = int(SLOT.nStartSizes);
  const pWpd = dbl(F64_SLOT.pWpd);
  const wpdGB = dbl(F64_SLOT.wpdGB);
  const wpdCost = dbl(F64_SLOT.wpdCost);
  const EF = dbl(F64_SLOT.EF);
  const UNKNOWN_CI = dbl(F64_SLOT.UNKNOWN_CI);
  const kibPerGB = dbl(F64_SLOT.KIB_PER_GB);
  const wcuKiB = dbl(F64_SLOT.WCU_KIB);
  const rcuKiB = dbl(F64_SLOT.RCU_KIB);

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
  const fAt = (table: Table, index: number) => fn.get(base[table]).f64Load(8 * index);
  /** Pushes table[index] (i32) for a constant index. */
  const iAt = (table: Table, index: number) => fn.get(base[table]).i32Load(4 * index);
  /** Pushes table[<i32 on the stack after pushIndex>] (f64). */
  const fIdx = (table: Table, pushIndex: () => void) => {
    fn.get(base[table]);
    pushIndex();
    fn.i32(3).op('i32Shl').op('i32Add').f64Load();
  };
  const iIdx = (table: Table, pushIndex: () => void) => {
    fn.get(base[table]);
    pushIndex();
    fn.i32(2).op('i32Shl').op('i32Add').i32Load();
  };
  /** Address of table[index] for a store: pushes base + (index << 3). */
  const fAddr = (table: Table, pushIndex: () => void) => {
    fn.get(base[table]);
    pushIndex();
    fn.i32(3).op('i32Shl').op('i32Add');
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

  fn.get(base.stream).get(RPOS).i32(3).op('i32Shl').op('i32Add').set(rp);
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
  fn.get(pWpd).op('f64Lt').set(atFunction);
  fn.get(atFunction).if(I32).get(rs).get(home).op('i32Ne').else().i32(0).end().set(redirected);
  pick(() => fn.get(nStartSizes).op('f64ConvertI32S'));
  fn.set(si);
  fIdx('startSizes', () => fn.get(si));
  fn.set(inputGB);
  fn.get(redirected).if(I32).get(home).else().get(rs).end().set(first);
  addTo(cost, () => fn.get(wpdCost));
  addTo(carbon, () => {
    fn.get(wpdGB).get(EF).op('f64Mul');
    fn.get(atFunction).if(F64).get(SYSTEM_CI);
    fIdx('ci', () => fn.get(first));
    fn.op('f64Add').f64(2).op('f64Div').else().get(UNKNOWN_CI).end();
    fn.op('f64Mul');
  });
  addTo(cost, () => {
    fIdx('startSizeSns', () => fn.get(si));
    fIdx('snsPrice', () => fn.get(first));
    fn.op('f64Mul');
  });
  addTo(carbon, () => fn.get(inputGB).get(EF).op('f64Mul').get(UNKNOWN_CI).op('f64Mul'));
  fn.f64(0).set(t0);
  fn.get(redirected).if();
  {
    fn.f64(0).set(d);
    fn.get(redirLen).i32(0).op('i32GtS').if();
    // d = durRec[3 * (redirOff + pick(redirLen))]
    fIdx('durRec', () => {
      fn.i32(3).get(redirOff);
      pick(() => fn.get(redirLen).op('f64ConvertI32S'));
      fn.op('i32Add').op('i32Mul');
    });
    fn.set(d).end();
    fn.i32(s0).get(R).op('i32Mul').get(home).op('i32Add').set(ih);
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
      fIdx('routeEF', () => fn.get(home).get(R).op('i32Mul').get(rs).op('i32Add'));
      fn.op('f64Mul');
    });
    addTo(cost, () => {
      fn.get(inputGB);
      fIdx('egress', () => fn.get(home));
      fn.op('f64Mul');
    });
    fn.get(d).set(runtime);
    fn.get(d);
    fIdx('pingMean', () => fn.get(home).get(R).op('i32Mul').get(rs).op('i32Add'));
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
            fn.tee(off).get(off).op('f64Eq').if().get(st[p]!).get(off).op('f64Add').set(edgeStart).end();
            fn.end();
          }
          fn.i32(t.eSizeOff[e]!);
          pick(() => fn.f64(t.eSizeLen[e]!));
          fn.op('i32Add').set(z);
          fn.i32(5).get(z).op('i32Mul').set(zr);
          addTo(cost, () => fIdx('zRec', () => fn.get(zr).i32(3).op('i32Add')));
          addTo(carbon, () => fIdx('zRec', () => fn.get(zr).i32(4).op('i32Add')));
          if (t.eToSync[e] === 1) {
            fAddr('upAt', () => fn.i32(inBase).get(up[i]!).op('i32Add'));
            fn.get(edgeStart).f64Store();
            fAddr('upGB', () => fn.i32(inBase).get(up[i]!).op('i32Add'));
            fIdx('sizePool', () => fn.get(z));
            fn.f64Store();
            fn.get(up[i]!).i32(1).op('i32Add').set(up[i]!);
          }
          // arr = edgeStart + latPool[zRec[zr] + pick(zRec[zr + 1])] + zRec[zr + 2]
          fn.get(edgeStart);
          fIdx('latPool', () => {
            fIdx('zRec', () => fn.get(zr));
            fn.truncSat();
            pick(() => fIdx('zRec', () => fn.get(zr).i32(1).op('i32Add')));
            fn.op('i32Add');
          });
          fn.op('f64Add');
          fIdx('zRec', () => fn.get(zr).i32(2).op('i32Add'));
          fn.op('f64Add').set(arr);
          fn.get(arr).get(arrival).op('f64Gt').if().get(arr).set(arrival).end();
          fn.i32(1).set(any);
        }
        fn.else();
        for (let x = t.neStart[e]!; x < t.neStart[e + 1]!; x++) {
          const s = t.neSync[x]!;
          addTo(cost, () => fAt('xCost', x));
          addTo(carbon, () => fAt('xCarbon', x));
          fn.get(en[p]!);
          fIdx('latPool', () => {
            iAt('xLatOff', x);
            pick(() => fAt('xLatLen', x));
            fn.op('i32Add');
          });
          fn.op('f64Add');
          fAt('xLatAdd', x);
          fn.op('f64Add').set(arr);
          fn.get(arr).get(sim[s]!).op('f64Gt').if().get(arr).set(sim[s]!).end();
        }
        fn.end(); // if draw < p
        fn.end(); // if inv[p]
      }
      fn.get(any).set(inv[i]!);
      fn.get(any).i32(1).op('i32Eq').if();
      fn.get(arrival).get(sim[i]!).op('f64Gt').if(F64).get(arrival).else().get(sim[i]!).end().set(st[i]!);
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
          fn.get(during).f64(0).op('f64Gt').if();
          addTo(carbon, () => {
            fn.get(during);
            fAt('nDuring', i);
            fn.op('f64Mul');
          });
          fn.end();
        }
        fn.end();
      }
      fn.end();
      fn.get(st[i]!).get(d).op('f64Add').set(en[i]!);
      fn.get(en[i]!).get(runtime).op('f64Gt').if().get(en[i]!).set(runtime).end();
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
            fAddr('upAt', () => fn.get(b).i32(1).op('i32Add'));
            fIdx('upAt', () => fn.get(b));
            fn.f64Store();
            fAddr('upGB', () => fn.get(b).i32(1).op('i32Add'));
            fIdx('upGB', () => fn.get(b));
            fn.f64Store();
            fn.get(b).i32(1).op('i32Sub').set(b);
            fn.br(0);
          }
          fn.end().end();
          fAddr('upAt', () => fn.get(b).i32(1).op('i32Add'));
          fn.get(at).f64Store();
          fAddr('upGB', () => fn.get(b).i32(1).op('i32Add'));
          fn.get(gb).f64Store();
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
          addTo(wcu, () => fn.get(cumulative).get(kibPerGB).op('f64Mul').get(wcuKiB).op('f64Div').op('f64Ceil'));
          fn.get(a).i32(1).op('i32Add').set(a);
          fn.br(0);
        }
        fn.end().end();
        addTo(cost, () => {
          fn.get(wcu);
          fAt('nDdbW', i);
          fn.op('f64Mul');
          fn.get(cumulative).get(kibPerGB).op('f64Mul').get(rcuKiB).op('f64Div').op('f64Ceil');
          fAt('nDdbR', i);
          fn.op('f64Mul').op('f64Add');
        });
      }
    }
    fn.end();
  }
  fAddr('outCost', () => fn.get(k));
  fn.get(cost).f64Store();
  fAddr('outRuntime', () => fn.get(k));
  fn.get(runtime).f64Store();
  fAddr('outCarbon', () => fn.get(k));
  fn.get(carbon).f64Store();
  fn.get(k).i32(1).op('i32Add').set(k);
  fn.br(0);
  fn.end().end();
  // Random numbers read: (rp - stream) / 8 - rpos
  fn.get(rp).get(base.stream).op('i32Sub').i32(3).op('i32ShrS').get(RPOS).op('i32Sub');
  return moduleBytes([
    { name: 'sample', params, results: [I32], body: fn },
    { name: 'fill', params: [I32, I32], results: [], body: fillFunction() },
  ]);
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

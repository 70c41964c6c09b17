// The fast calculator (selected by "go"): the same sampling model as simple.ts over a flattened
// model of typed arrays. Built once per solve: the tables (latency entries resolved on first use)
// and a sample loop generated for the workflow's topology (fast-kernel.ts). Per evaluation:
// specialize() resolves every lookup of the placement into small tables (per size: latency pool,
// cost, carbon), then the kernel reads the hour's shared random stream (rng.ts) and writes the
// sample buffers; a sample allocates nothing. Parallelism across cores is at the level of solve
// hours (worker-pool.ts); one evaluation stays on one thread.
import { DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH, TRANSMISSION_ENERGY_KWH_PER_GB } from '../constants.js';
import { readCapacityUnits, routeCarbonIntensity, snsRequests, writeCapacityUnits } from '../formulas.js';
import type { LatencyEntry, PreparedModel, PreparedNonExec } from '../model.js';
import { mixSeed, sharedStream, type SharedStream } from '../rng.js';
import type { CalculatorOptions, DeploymentMetricsCalculator, EvaluationResult, Placement } from '../types.js';
import { createKernel, type KernelTables, type SampleKernel } from './fast-kernel.js';
import { Convergence, resolveMcOptions, SampleBuffers, summarize, type ResolvedMcOptions } from './monte-carlo.js';

const EF = TRANSMISSION_ENERGY_KWH_PER_GB;
const UNKNOWN_CI = DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH;

/** Latency pools copied into one typed array as they are first used (shared pools once). */
class PoolBuilder {
  values = new Float64Array(1024);
  length = 0;
  private readonly seen = new Map<number[], number>();
  add(xs: number[]): number {
    const known = this.seen.get(xs);
    if (known !== undefined) return known;
    const off = this.length;
    if (off + xs.length > this.values.length) {
      const grown = new Float64Array(Math.max(2 * this.values.length, off + xs.length));
      grown.set(this.values.subarray(0, off));
      this.values = grown;
    }
    for (let i = 0; i < xs.length; i++) this.values[off + i] = xs[i]!;
    this.length = off + xs.length;
    this.seen.set(xs, off);
    return off;
  }
}

export class FastCalculator implements DeploymentMetricsCalculator {
  readonly type = 'go' as const;
  evaluations = 0;
  samples = 0;

  private readonly mc: ResolvedMcOptions;
  private readonly kernel: SampleKernel;
  private readonly buf: SampleBuffers;
  private readonly convergence = new Convergence();
  private readonly R: number;
  private readonly N: number;
  private readonly home: number;
  private readonly start: number;

  // Regions
  private readonly egress: Float64Array;
  private readonly snsPrice: Float64Array;
  private readonly ddbRead: Float64Array;
  private readonly ddbWrite: Float64Array;
  private readonly pingMean: Float64Array;
  private readonly sysReadUsd: number;
  // Per hour
  private readonly ci: Float64Array;
  // Per-hour scalars live in typed arrays, not number fields: a field that first held a small
  // integer (410, a seed) and later a double changes representation and deprecates the class's
  // map, which deoptimizes every optimized function that has seen a calculator.
  /** [system region carbon intensity]. */
  private readonly hourScalars = new Float64Array([UNKNOWN_CI]);
  private readonly routeEF: Float64Array; // EF × route CI, a × R + c
  private readonly carbonPerS: Float64Array; // i × R + r
  private readonly duringPerGB: Float64Array; // r
  // Instances
  private readonly topo: Int32Array;
  private readonly isSync: Uint8Array;
  private readonly execUsdPerS: Float64Array;
  private readonly invocationUsd: Float64Array;
  private readonly powerKW: Float64Array;
  private readonly profOff: Int32Array;
  private readonly profLen: Int32Array;
  /** Per duration pool entry j, 3 slots: [duration s, auxiliary row count, first row ref]; one
   *  cache line holds what a draw needs. */
  private readonly durRec: Float64Array;
  private readonly auxRowRef: Int32Array;
  /** Data transferred during execution (column 0) of each row ref, beside auxRowRef. */
  private readonly rowDuring: Float64Array;
  private readonly auxVals: Float64Array;
  private readonly redirOff: number;
  private readonly redirLen: number;
  // Edges
  private readonly inStart: Int32Array;
  private readonly inEdge: Int32Array;
  private readonly eFrom: Int32Array;
  private readonly eTo: Int32Array;
  private readonly eProb: Float64Array;
  private readonly eSizeOff: Int32Array;
  private readonly eSizeLen: Int32Array;
  private readonly sizePool: Float64Array;
  private readonly sizeSns: Float64Array;
  private readonly sizeBucket: Int32Array;
  private readonly eLatBase: Int32Array;
  private readonly eToSync: Uint8Array;
  private readonly eSnsOnlyGB: Float64Array;
  private readonly eSnsOnlyReq: Float64Array;
  private readonly eSyncGB: Float64Array;
  private readonly eSyncWCU2: Float64Array;
  private readonly eAuxCol: Int32Array;
  private readonly neStart: Int32Array;
  private readonly neSync: Int32Array;
  private readonly neRespGB: Float64Array;
  private readonly neWCU2: Float64Array;
  private readonly neLatBase: Int32Array;
  private readonly neFrom: Int32Array;
  private readonly neEntry: PreparedNonExec[];
  /** Latency entries, 3 slots each: [pool offset, pool length, added seconds], resolved from the
   *  model on first use (latResolved). Per edge the order is (from region, to region, size
   *  bucket); non-execution entries follow, (caller region, sync node region). */
  private readonly lat: Float64Array;
  private readonly latResolved: Uint8Array;
  private readonly eBuckets: Int32Array;
  private readonly pools = new PoolBuilder();
  // Specialized to the placement being evaluated (and the hour): filled once per evaluate().
  private readonly nProfOff: Int32Array;
  private readonly nProfLen: Int32Array;
  private readonly nExecUsd: Float64Array;
  private readonly nInvUsd: Float64Array;
  private readonly nCarbonPerS: Float64Array;
  private readonly nDuring: Float64Array;
  private readonly nDdbR: Float64Array;
  private readonly nDdbW: Float64Array;
  private readonly eLat: Int32Array;
  /** Region pair (from × R + to) each edge's entries in zRec were last specialized for; -1: none. */
  private readonly ePair: Int32Array;
  private readonly eFwdEF: Float64Array;
  private readonly eBackEF: Float64Array;
  private readonly eEgressFwd: Float64Array;
  private readonly eEgressBack: Float64Array;
  private readonly eSnsTo: Float64Array;
  private readonly neLat: Int32Array;
  /** The latency entry of each size (z) and non-execution entry (x) under the current placement,
   *  copied out of the large table so the sample loop reads a small, hot one. */
  /** Per size z, 5 slots: [latency pool offset, pool length, added s, cost, carbon]. */
  private readonly zRec: Float64Array;
  private readonly xLatOff: Int32Array;
  private readonly xLatLen: Float64Array;
  private readonly xLatAdd: Float64Array;
  /** Cost and carbon of a taken edge with size z (in zRec: SNS, egress, transfer, the sync node's
   *  WCU) and of a non-execution entry x, under the current placement. */
  private readonly xCost: Float64Array;
  private readonly xCarbon: Float64Array;
  private readonly neBackEF: Float64Array;
  private readonly neEgress: Float64Array;
  // Start hop
  private readonly pWpd: number;
  private readonly wpdGB: number;
  private readonly wpdRCU: number;
  private readonly startSizes: Float64Array;
  private readonly startSizeSns: Float64Array;
  // Common random numbers: every evaluation of an hour reads the same stream from its start, so
  // the stream is drawn once per hour (same sequence as calling rng.next() in turn) and grown on
  // demand; an evaluation only reads it.
  private readonly maxDraws: number;
  private stream!: SharedStream; // set by setHour (called by the constructor)
  private readonly streamCapacity: number;
  private rpos = 0;
  // Per-sample state
  private readonly place: Int32Array;
  private readonly upAt: Float64Array;
  private readonly upGB: Float64Array;

  constructor(
    private readonly m: PreparedModel,
    private readonly options: CalculatorOptions,
  ) {
    this.mc = resolveMcOptions(options);
    this.buf = new SampleBuffers(this.mc.maxSamples);
    const R = (this.R = m.R);
    const N = (this.N = m.N);
    this.home = m.home;
    this.start = m.start;
    this.egress = Float64Array.from(m.egressUsdPerGB);
    this.snsPrice = Float64Array.from(m.messageUsdPerRequest);
    this.ddbRead = Float64Array.from(m.dynamoReadUsdPerRU);
    this.ddbWrite = Float64Array.from(m.dynamoWriteUsdPerWU);
    this.pingMean = Float64Array.from(m.pingMeanS);
    this.sysReadUsd = m.systemDynamoReadUsdPerRU;
    this.ci = new Float64Array(R);
    this.routeEF = new Float64Array(R * R);
    this.carbonPerS = new Float64Array(N * R);
    this.duringPerGB = new Float64Array(R);

    this.topo = Int32Array.from(m.topo);
    this.isSync = Uint8Array.from(m.isSync.map((b) => (b ? 1 : 0)));
    this.execUsdPerS = Float64Array.from(m.execUsdPerS);
    this.invocationUsd = Float64Array.from(m.invocationUsd);
    this.powerKW = Float64Array.from(m.powerKW);

    const pools = durationPools(m);
    this.profOff = pools.profOff;
    this.profLen = pools.profLen;
    this.redirOff = pools.redirOff;
    this.redirLen = pools.redirLen;
    this.durRec = pools.durRec;
    this.auxRowRef = pools.auxRowRef;
    this.rowDuring = pools.rowDuring;
    this.auxVals = pools.auxVals;

    // Edges, latency tables and non-execution entries.
    const E = m.edges.length;
    this.inStart = new Int32Array(N + 1);
    const inEdge: number[] = [];
    for (let i = 0; i < N; i++) {
      this.inStart[i] = inEdge.length;
      inEdge.push(...m.incoming[i]!);
    }
    this.inStart[N] = inEdge.length;
    this.inEdge = Int32Array.from(inEdge);
    this.eFrom = Int32Array.from(m.edges.map((e) => e.from));
    this.eTo = Int32Array.from(m.edges.map((e) => e.to));
    this.eProb = Float64Array.from(m.edges.map((e) => e.probability));
    this.eToSync = Uint8Array.from(m.edges.map((e) => (e.toSync ? 1 : 0)));
    this.eSnsOnlyGB = Float64Array.from(m.edges.map((e) => e.snsOnlySizeGB));
    this.eSnsOnlyReq = Float64Array.from(m.edges.map((e) => snsRequests(e.snsOnlySizeGB)));
    this.eSyncGB = Float64Array.from(m.edges.map((e) => e.syncSizeGB));
    this.eSyncWCU2 = Float64Array.from(m.edges.map((e) => 2 * writeCapacityUnits(e.syncSizeGB)));
    this.eAuxCol = Int32Array.from(m.edges.map((e) => e.auxColumn));
    this.eSizeOff = new Int32Array(E);
    this.eSizeLen = new Int32Array(E);
    this.eLatBase = new Int32Array(E);
    const sizes: number[] = [];
    const buckets: number[] = [];
    let entries = 0;
    this.eBuckets = Int32Array.from(m.edges.map((e) => e.bucketCount));
    const neStart = new Int32Array(E + 1);
    const neSync: number[] = [];
    const neResp: number[] = [];
    const neWcu: number[] = [];
    const neLat: number[] = [];
    const neFrom: number[] = [];
    m.edges.forEach((e, ei) => {
      this.eSizeOff[ei] = sizes.length;
      this.eSizeLen[ei] = e.sizesGB.length;
      sizes.push(...e.sizesGB);
      buckets.push(...e.sizeBucket);
      this.eLatBase[ei] = entries;
      entries += R * R * e.bucketCount;
    });
    m.edges.forEach((e, ei) => {
      neStart[ei] = neSync.length;
      for (const ne of e.nonExec) {
        neSync.push(ne.syncNode);
        neResp.push(ne.responseGB);
        neWcu.push(2 * writeCapacityUnits(ne.responseGB));
        neLat.push(entries);
        neFrom.push(e.from);
        entries += R * R;
      }
    });
    neStart[E] = neSync.length;
    this.sizePool = Float64Array.from(sizes);
    this.sizeSns = Float64Array.from(sizes.map((s) => snsRequests(s)));
    this.sizeBucket = Int32Array.from(buckets);
    this.neStart = neStart;
    this.neSync = Int32Array.from(neSync);
    this.neRespGB = Float64Array.from(neResp);
    this.neWCU2 = Float64Array.from(neWcu);
    this.neLatBase = Int32Array.from(neLat);
    this.neFrom = Int32Array.from(neFrom);
    this.neEntry = m.edges.flatMap((e) => e.nonExec);
    this.lat = new Float64Array(3 * entries);
    this.latResolved = new Uint8Array(entries);
    this.nProfOff = new Int32Array(N);
    this.nProfLen = new Int32Array(N);
    this.nExecUsd = new Float64Array(N);
    this.nInvUsd = new Float64Array(N);
    this.nCarbonPerS = new Float64Array(N);
    this.nDuring = new Float64Array(N);
    this.nDdbR = new Float64Array(N);
    this.nDdbW = new Float64Array(N);
    this.eLat = new Int32Array(E);
    this.ePair = new Int32Array(E).fill(-1);
    this.eFwdEF = new Float64Array(E);
    this.eBackEF = new Float64Array(E);
    this.eEgressFwd = new Float64Array(E);
    this.eEgressBack = new Float64Array(E);
    this.eSnsTo = new Float64Array(E);
    const X = neSync.length;
    this.neLat = new Int32Array(X);
    this.zRec = new Float64Array(5 * sizes.length);
    this.xLatOff = new Int32Array(X);
    this.xLatLen = new Float64Array(X);
    this.xLatAdd = new Float64Array(X);
    this.xCost = new Float64Array(X);
    this.xCarbon = new Float64Array(X);
    this.neBackEF = new Float64Array(X);
    this.neEgress = new Float64Array(X);

    this.pWpd = m.startHop.wpdAtFunctionProbability;
    this.wpdGB = m.startHop.wpdSizeGB;
    this.wpdRCU = readCapacityUnits(m.startHop.wpdSizeGB);
    this.startSizes = Float64Array.from(m.startHop.sizesGB);
    this.startSizeSns = Float64Array.from(m.startHop.sizesGB.map((s) => snsRequests(s)));

    let draws = 3 + 2 * N;
    for (const e of m.edges) draws += 3 + e.nonExec.length;
    this.maxDraws = draws;
    this.streamCapacity = draws * this.mc.minSamples;
    this.place = new Int32Array(N);
    this.upAt = new Float64Array(Math.max(1, inEdge.length));
    this.upGB = new Float64Array(Math.max(1, inEdge.length));
    const tables: KernelTables = {
      N,
      start: this.start,
      topo: this.topo,
      isSync: this.isSync,
      inStart: this.inStart,
      inEdge: this.inEdge,
      eFrom: this.eFrom,
      eProb: this.eProb,
      eAuxCol: this.eAuxCol,
      eSizeOff: this.eSizeOff,
      eSizeLen: this.eSizeLen,
      eToSync: this.eToSync,
      neStart: this.neStart,
      neSync: this.neSync,
      routeEF: this.routeEF,
      egress: this.egress,
      snsPrice: this.snsPrice,
      ci: this.ci,
      carbonPerS: this.carbonPerS,
      execUsdPerS: this.execUsdPerS,
      invocationUsd: this.invocationUsd,
      durRec: this.durRec,
      auxRowRef: this.auxRowRef,
      rowDuring: this.rowDuring,
      auxVals: this.auxVals,
      sizePool: this.sizePool,
      nProfOff: this.nProfOff,
      nProfLen: this.nProfLen,
      nExecUsd: this.nExecUsd,
      nInvUsd: this.nInvUsd,
      nCarbonPerS: this.nCarbonPerS,
      nDuring: this.nDuring,
      nDdbR: this.nDdbR,
      nDdbW: this.nDdbW,
      zRec: this.zRec,
      xCost: this.xCost,
      xCarbon: this.xCarbon,
      xLatOff: this.xLatOff,
      xLatLen: this.xLatLen,
      xLatAdd: this.xLatAdd,
      pingMean: this.pingMean,
      startSizes: this.startSizes,
      startSizeSns: this.startSizeSns,
      upAt: this.upAt,
      upGB: this.upGB,
      place: this.place,
      R,
      home: this.home,
      pWpd: this.pWpd,
      wpdGB: this.wpdGB,
      wpdCost: this.wpdRCU * this.sysReadUsd,
      redirOff: this.redirOff,
      redirLen: this.redirLen,
      maxDraws: this.maxDraws,
      outCost: this.buf.cost,
      outRuntime: this.buf.runtime,
      outCarbon: this.buf.carbon,
      EF,
      UNKNOWN_CI,
      wcuOf: writeCapacityUnits,
      rcuOf: readCapacityUnits,
    };
    this.kernel = createKernel(tables);
    this.setHour('overall');
  }

  setHour(hour: number | 'overall'): void {
    const { regions, system } = this.m.carbonIntensity(hour);
    const R = this.R;
    this.hourScalars[0] = system;
    this.ePair.fill(-1);
    for (let r = 0; r < R; r++) this.ci[r] = regions[r]!;
    for (let a = 0; a < R; a++) {
      for (let c = 0; c < R; c++) this.routeEF[a * R + c] = EF * routeCarbonIntensity(regions[a], regions[c], a === c);
    }
    for (let i = 0; i < this.N; i++) {
      for (let r = 0; r < R; r++) this.carbonPerS[i * R + r] = (this.powerKW[i * R + r]! * regions[r]!) / 3600;
    }
    for (let r = 0; r < R; r++) this.duringPerGB[r] = (EF * UNKNOWN_CI) / 2 + this.routeEF[this.home * R + r]! / 2;
    this.stream = sharedStream(mixSeed(this.options.seed, hour === 'overall' ? 24 : hour), this.streamCapacity);
  }

  evaluate(placement: Placement): EvaluationResult {
    for (let i = 0; i < this.N; i++) this.place[i] = placement[i]!;
    this.specialize();
    this.rpos = 0;
    const o = this.mc;
    const b = this.buf;
    const conv = this.convergence;
    conv.reset();
    let n = 0;
    if (o.minSamples >= o.maxSamples) {
      // A fixed sample count: no convergence bookkeeping, one pass.
      this.sampleRange(0, o.maxSamples);
      n = o.maxSamples;
    }
    while (n < o.maxSamples) {
      const end = Math.min(o.maxSamples, n + o.batchSize);
      this.sampleRange(n, end);
      const converged = conv.update(b, n, end, o.relativeCIHalfWidth);
      n = end;
      if (n >= o.minSamples && converged) break;
    }
    this.evaluations++;
    this.samples += n;
    return summarize(b, n);
  }

  /** Resolves every (instance, region) and (edge, region pair) lookup of the current placement. */
  private specialize(): void {
    const R = this.R;
    const place = this.place;
    for (let i = 0; i < this.N; i++) {
      const r = place[i]!;
      const ir = i * R + r;
      this.nProfOff[i] = this.profOff[ir]!;
      this.nProfLen[i] = this.profLen[ir]!;
      this.nExecUsd[i] = this.execUsdPerS[ir]!;
      this.nInvUsd[i] = this.invocationUsd[ir]!;
      this.nCarbonPerS[i] = this.carbonPerS[ir]!;
      this.nDuring[i] = this.duringPerGB[r]!;
      this.nDdbR[i] = this.ddbRead[r]!;
      this.nDdbW[i] = this.ddbWrite[r]!;
    }
    for (let e = 0; e < this.eFrom.length; e++) {
      const rp = place[this.eFrom[e]!]!;
      const ri = place[this.eTo[e]!]!;
      // An edge's entries depend only on its two regions (and the hour, which resets ePair): a
      // search move re-places one or two instances, so most edges keep theirs.
      if (this.ePair[e] === rp * R + ri) continue;
      this.ePair[e] = rp * R + ri;
      this.eLat[e] = this.eLatBase[e]! + (rp * R + ri) * this.eBuckets[e]!;
      this.eFwdEF[e] = this.routeEF[rp * R + ri]!;
      this.eBackEF[e] = this.routeEF[ri * R + rp]!;
      this.eEgressFwd[e] = rp !== ri ? this.egress[rp]! : 0;
      this.eEgressBack[e] = rp !== ri ? this.egress[ri]! : 0;
      this.eSnsTo[e] = this.snsPrice[ri]!;
      const z0 = this.eSizeOff[e]!;
      const z1 = z0 + this.eSizeLen[e]!;
      // Latency entries are resolved from the model on first use (a call, rare); the records are
      // then filled by a small top-level loop V8 optimizes early (a cold specialize() boxed every
      // double it computed).
      for (let z = z0; z < z1; z++) {
        const li = 3 * (this.eLat[e]! + this.sizeBucket[z]!);
        if (this.latResolved[li / 3] === 0) this.resolveLatency(li, this.m.edges[e]!.latency(this.sizeBucket[z]!, rp, ri));
      }
      if (this.eToSync[e] === 1) {
        fillSyncSizeRecords(
          this.zRec,
          this.lat,
          this.sizeBucket,
          this.sizePool,
          z0,
          z1,
          this.eLat[e]!,
          this.eSnsOnlyReq[e]! * this.eSnsTo[e]!,
          this.eSnsOnlyGB[e]!,
          this.eSyncGB[e]!,
          this.eEgressFwd[e]!,
          this.eEgressBack[e]!,
          this.eSyncWCU2[e]! * this.ddbWrite[ri]!,
          this.eFwdEF[e]!,
          this.eBackEF[e]!,
        );
      } else {
        fillSizeRecords(
          this.zRec,
          this.lat,
          this.sizeBucket,
          this.sizePool,
          this.sizeSns,
          z0,
          z1,
          this.eLat[e]!,
          this.eSnsTo[e]!,
          this.eEgressFwd[e]!,
          this.eFwdEF[e]!,
        );
      }
    }
    for (let x = 0; x < this.neSync.length; x++) {
      const rp = place[this.neFrom[x]!]!;
      const rs = place[this.neSync[x]!]!;
      this.neLat[x] = this.neLatBase[x]! + rp * R + rs;
      this.neBackEF[x] = this.routeEF[rs * R + rp]!;
      this.neEgress[x] = rs !== rp ? this.egress[rs]! : 0;
      const li = 3 * this.neLat[x]!;
      if (this.latResolved[li / 3] === 0) this.resolveLatency(li, this.neEntry[x]!.latency(rp, rs));
      this.xLatOff[x] = this.lat[li]!;
      this.xLatLen[x] = this.lat[li + 1]!;
      this.xLatAdd[x] = this.lat[li + 2]!;
      this.xCost[x] = this.neRespGB[x]! * this.neEgress[x]! + this.neWCU2[x]! * this.ddbWrite[rs]!;
      this.xCarbon[x] = this.neRespGB[x]! * this.neBackEF[x]!;
    }
  }

  private resolveLatency(li: number, l: LatencyEntry): void {
    this.lat[li] = this.pools.add(l.pool);
    this.lat[li + 1] = l.pool.length;
    this.lat[li + 2] = l.addS;
    this.latResolved[li / 3] = 1;
  }

  /** Draws samples [from, to) with this workflow's kernel (fast-kernel.ts). */
  private sampleRange(from: number, to: number): void {
    this.rpos = this.kernel(from, to, this.rpos, this.stream, this.hourScalars[0]!, this.pools.values, this.pools.length);
  }
}

// An edge's per-size records (specialize): latency [pool offset, pool length, added s], then cost
// and transmission carbon, with the operations of the sample model in its order.
function fillSizeRecords(
  zRec: Float64Array,
  lat: Float64Array,
  sizeBucket: Int32Array,
  sizePool: Float64Array,
  sizeSns: Float64Array,
  z0: number,
  z1: number,
  eLat: number,
  snsTo: number,
  egressFwd: number,
  fwdEF: number,
): void {
  for (let z = z0; z < z1; z++) {
    const li = 3 * (eLat + sizeBucket[z]!);
    const zr = 5 * z;
    zRec[zr] = lat[li]!;
    zRec[zr + 1] = lat[li + 1]!;
    zRec[zr + 2] = lat[li + 2]!;
    const sizeGB = sizePool[z]!;
    zRec[zr + 3] = sizeSns[z]! * snsTo + sizeGB * egressFwd;
    zRec[zr + 4] = sizeGB * fwdEF;
  }
}

/** fillSizeRecords for an edge into a sync node (SNS-only part, sync table write and read back). */
function fillSyncSizeRecords(
  zRec: Float64Array,
  lat: Float64Array,
  sizeBucket: Int32Array,
  sizePool: Float64Array,
  z0: number,
  z1: number,
  eLat: number,
  snsOnlyCost: number,
  snsGB: number,
  syncGB: number,
  egressFwd: number,
  egressBack: number,
  syncWriteCost: number,
  fwdEF: number,
  backEF: number,
): void {
  for (let z = z0; z < z1; z++) {
    const li = 3 * (eLat + sizeBucket[z]!);
    const zr = 5 * z;
    zRec[zr] = lat[li]!;
    zRec[zr + 1] = lat[li + 1]!;
    zRec[zr + 2] = lat[li + 2]!;
    const sizeGB = sizePool[z]!;
    zRec[zr + 3] = snsOnlyCost + (snsGB + sizeGB) * egressFwd + syncGB * egressBack + syncWriteCost;
    zRec[zr + 4] = (snsGB + sizeGB) * fwdEF + syncGB * backEF;
  }
}

/** A model's execution profiles as the kernels read them (read-only, so calculators share them). */
interface DurationPools {
  profOff: Int32Array;
  profLen: Int32Array;
  redirOff: number;
  redirLen: number;
  durRec: Float64Array;
  auxRowRef: Int32Array;
  rowDuring: Float64Array;
  auxVals: Float64Array;
}

// Per prepared model: a solve builds several calculators of one model (search, verification),
// and flattening its profiles was a good part of building one.
const poolsOfModel = new WeakMap<PreparedModel, DurationPools>();

function durationPools(m: PreparedModel): DurationPools {
  const known = poolsOfModel.get(m);
  if (known) return known;
  const { N, R } = m;
  // Execution profiles → duration pool with, per duration, a list of auxiliary row offsets.
  const dur: number[] = [];
  const auxOff: number[] = [];
  const auxCnt: number[] = [];
  const rowRef: number[] = [];
  const auxVals: number[] = [];
  const profOff = new Int32Array(N * R);
  const profLen = new Int32Array(N * R);
  // Durations of one bucket share one list of rows (model.ts): flatten each list once.
  const rowsAt = new Map<number[][], number>();
  // Loops by index: this runs once per model, interpreted, where for-of allocates per element.
  const addProfile = (p: { durationsS: number[]; auxRows: number[][][] }): [number, number] => {
    const off = dur.length;
    for (let j = 0; j < p.durationsS.length; j++) {
      dur.push(p.durationsS[j]!);
      const rows = p.auxRows[j]!;
      let at = rowsAt.get(rows);
      if (at === undefined) {
        at = rowRef.length;
        rowsAt.set(rows, at);
        for (let k = 0; k < rows.length; k++) {
          const row = rows[k]!;
          rowRef.push(auxVals.length);
          for (let c = 0; c < row.length; c++) auxVals.push(row[c]!);
        }
      }
      auxOff.push(at);
      auxCnt.push(rows.length);
    }
    return [off, p.durationsS.length];
  };
  const seenProfiles = new Map<object, [number, number]>();
  m.profiles.forEach((p, ir) => {
    const key = p.durationsS; // profiles that fell back to the same region share their pool
    const seen = seenProfiles.get(key);
    const [o, l] = seen ?? addProfile(p);
    if (!seen) seenProfiles.set(key, [o, l]);
    profOff[ir] = o;
    profLen[ir] = l;
  });
  const [redirOff, redirLen] = addProfile(m.redirector);
  const durRec = new Float64Array(3 * dur.length);
  for (let j = 0; j < dur.length; j++) {
    durRec[3 * j] = dur[j]!;
    durRec[3 * j + 1] = auxCnt[j]!;
    durRec[3 * j + 2] = auxOff[j]!;
  }
  const pools: DurationPools = {
    profOff,
    profLen,
    redirOff,
    redirLen,
    durRec,
    auxRowRef: Int32Array.from(rowRef),
    rowDuring: Float64Array.from(rowRef, (ref) => auxVals[ref]!),
    auxVals: Float64Array.from(auxVals),
  };
  poolsOfModel.set(m, pools);
  return pools;
}

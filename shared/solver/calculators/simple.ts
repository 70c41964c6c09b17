// The "simple" calculator: a direct reading of the sampling model (docs/solver.md "One sample"),
// with plain arrays and objects allocated per sample. It is the reference the fast one is tested
// against.
import { DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH } from '../constants.js';
import {
  duringExecutionTransferCarbonG,
  egressCostUsd,
  executionCostUsd,
  readCapacityUnits,
  routeCarbonIntensity,
  snsRequests,
  transmissionCarbonG,
  writeCapacityUnits,
} from '../formulas.js';
import type { LatencyEntry, PreparedModel, PreparedProfile } from '../model.js';
import { Rng, mixSeed } from '../rng.js';
import type { CalculatorOptions, DeploymentMetricsCalculator, EvaluationResult, Placement } from '../types.js';
import { Convergence, resolveMcOptions, runSamples, SampleBuffers, type ResolvedMcOptions } from './monte-carlo.js';

interface Totals {
  cost: number;
  carbon: number;
}

export class SimpleCalculator implements DeploymentMetricsCalculator {
  readonly type = 'simple' as const;
  evaluations = 0;
  samples = 0;
  private readonly rng = new Rng(1);
  private readonly mc: ResolvedMcOptions;
  private readonly buffers: SampleBuffers;
  private readonly convergence = new Convergence();
  private ci: number[] = [];
  private systemCI = DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH;
  private hourSeed = 0;

  constructor(
    private readonly m: PreparedModel,
    private readonly options: CalculatorOptions,
  ) {
    this.mc = resolveMcOptions(options);
    this.buffers = new SampleBuffers(this.mc.maxSamples);
    this.setHour('overall');
  }

  setHour(hour: number | 'overall'): void {
    const ci = this.m.carbonIntensity(hour);
    this.ci = ci.regions;
    this.systemCI = ci.system;
    this.hourSeed = mixSeed(this.options.seed, hour === 'overall' ? 24 : hour);
  }

  evaluate(placement: Placement): EvaluationResult {
    // Common random numbers: every deployment of an hour sees the same random stream, so
    // differences between deployments are not drowned by sampling noise.
    this.rng.reseed(this.hourSeed);
    const regions = Array.from(placement);
    const result = runSamples(
      (k) => {
        const s = this.sample(regions);
        this.buffers.cost[k] = s.cost;
        this.buffers.runtime[k] = s.runtime;
        this.buffers.carbon[k] = s.carbon;
      },
      this.buffers,
      this.mc,
      this.convergence,
    );
    this.evaluations++;
    this.samples += result.samples;
    return result;
  }

  private route(a: number, b: number): number {
    return routeCarbonIntensity(this.ci[a], this.ci[b], a === b);
  }

  private draw<T>(xs: T[]): T {
    return xs[this.rng.index(xs.length)]!;
  }

  private latency(e: LatencyEntry): number {
    return this.draw(e.pool) + e.addS;
  }

  /** Moves data between two placed nodes: carbon on the route, egress when regions differ. */
  private transfer(t: Totals, fromRegion: number, toRegion: number, sizeGB: number): void {
    t.carbon += transmissionCarbonG(sizeGB, this.route(fromRegion, toRegion));
    if (fromRegion !== toRegion) t.cost += egressCostUsd(sizeGB, this.m.egressUsdPerGB[fromRegion]!);
  }

  private execute(profile: PreparedProfile, withAuxiliary = true): { durationS: number; aux: number[] | undefined } {
    if (profile.durationsS.length === 0) return { durationS: 0, aux: undefined };
    const d = this.rng.index(profile.durationsS.length);
    const rows = withAuxiliary ? profile.auxRows[d]! : [];
    return { durationS: profile.durationsS[d]!, aux: rows.length > 0 ? this.draw(rows) : undefined };
  }

  private sample(placement: number[]): { cost: number; runtime: number; carbon: number } {
    const m = this.m;
    const R = m.R;
    const t: Totals = { cost: 0, carbon: 0 };
    const invoked = new Array<boolean>(m.N).fill(false);
    const startS = new Array<number>(m.N).fill(0);
    const endS = new Array<number>(m.N).fill(0);
    const aux = new Array<number[] | undefined>(m.N).fill(undefined);
    const readUnits = new Array<number>(m.N).fill(0);
    const writeUnits = new Array<number>(m.N).fill(0);
    const simulatedArrival = new Array<number>(m.N).fill(-Infinity);
    const uploads: Array<Array<{ atS: number; sizeGB: number }>> = m.instanceNames.map(() => []);
    let runtime = 0;

    // Start hop: who reads the placement document, an optional redirector at home, the client's message.
    const s0 = m.start;
    const rs = placement[s0]!;
    const sh = m.startHop;
    const atFunction = this.rng.next() < sh.wpdAtFunctionProbability;
    const redirected = atFunction && rs !== m.home;
    const inputGB = this.draw(sh.sizesGB);
    const firstRegion = redirected ? m.home : rs;
    t.cost += readCapacityUnits(sh.wpdSizeGB) * m.systemDynamoReadUsdPerRU;
    t.carbon += transmissionCarbonG(
      sh.wpdSizeGB,
      atFunction ? routeCarbonIntensity(this.systemCI, this.ci[firstRegion], false) : DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH,
    );
    t.cost += snsRequests(inputGB) * m.messageUsdPerRequest[firstRegion]!;
    t.carbon += transmissionCarbonG(inputGB, DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH);
    let t0 = 0;
    if (redirected) {
      const h = m.home;
      const { durationS } = this.execute(m.redirector, false);
      const ih = s0 * R + h;
      t.cost += executionCostUsd(durationS, m.memoryGB[s0]!, m.execUsdPerS[ih]! / m.memoryGB[s0]!, m.invocationUsd[ih]!);
      t.carbon += (m.powerKW[ih]! * this.ci[h]! * durationS) / 3600;
      t.cost += snsRequests(inputGB) * m.messageUsdPerRequest[rs]!;
      this.transfer(t, h, rs, inputGB);
      runtime = durationS;
      t0 = durationS + m.pingMeanS[h * R + rs]!;
    }
    invoked[s0] = true;
    startS[s0] = t0;

    for (const i of m.topo) {
      const ri = placement[i]!;
      if (i !== s0) {
        let arrival = -Infinity;
        let any = false;
        for (const ei of m.incoming[i]!) {
          const e = m.edges[ei]!;
          const p = e.from;
          if (!invoked[p]) continue;
          const rp = placement[p]!;
          if (this.rng.next() < e.probability) {
            const offset = e.auxColumn >= 0 ? aux[p]?.[e.auxColumn] : undefined;
            const edgeStart = offset !== undefined && !Number.isNaN(offset) ? startS[p]! + offset : endS[p]!;
            const k = this.rng.index(e.sizesGB.length);
            const sizeGB = e.sizesGB[k]!;
            if (e.toSync) {
              // Payload goes to the sync table; SNS carries only the small envelope.
              t.cost += snsRequests(e.snsOnlySizeGB) * m.messageUsdPerRequest[ri]!;
              this.transfer(t, rp, ri, e.snsOnlySizeGB);
              this.transfer(t, rp, ri, sizeGB);
              writeUnits[i] = writeUnits[i]! + 2 * writeCapacityUnits(e.syncSizeGB);
              this.transfer(t, ri, rp, e.syncSizeGB);
              uploads[i]!.push({ atS: edgeStart, sizeGB });
            } else {
              t.cost += snsRequests(sizeGB) * m.messageUsdPerRequest[ri]!;
              this.transfer(t, rp, ri, sizeGB);
            }
            const lat = this.latency(e.latency(e.sizeBucket[k]!, rp, ri));
            arrival = Math.max(arrival, edgeStart + lat);
            any = true;
          } else {
            // Not taken: the caller marks the sync nodes that wait on this branch.
            for (const ne of e.nonExec) {
              const rsync = placement[ne.syncNode]!;
              writeUnits[ne.syncNode] = writeUnits[ne.syncNode]! + 2 * writeCapacityUnits(ne.responseGB);
              this.transfer(t, rsync, rp, ne.responseGB);
              const lat = this.latency(ne.latency(rp, rsync));
              simulatedArrival[ne.syncNode] = Math.max(simulatedArrival[ne.syncNode]!, endS[p]! + lat);
            }
          }
        }
        invoked[i] = any;
        startS[i] = any ? Math.max(arrival, simulatedArrival[i]!) : 0;
      }
      if (!invoked[i]) continue;
      const ir = i * R + ri;
      const { durationS, aux: row } = this.execute(m.profiles[ir]!);
      aux[i] = row;
      endS[i] = startS[i]! + durationS;
      runtime = Math.max(runtime, endS[i]!);
      t.cost += executionCostUsd(durationS, m.memoryGB[i]!, m.execUsdPerS[ir]! / m.memoryGB[i]!, m.invocationUsd[ir]!);
      t.carbon += (m.powerKW[ir]! * this.ci[ri]! * durationS) / 3600;
      const during = row?.[0] ?? 0;
      if (during > 0) t.carbon += duringExecutionTransferCarbonG(during, this.route(m.home, ri));
      if (m.isSync[i]) {
        // The sync node reads every upload; each upload rewrote the growing item.
        const ups = uploads[i]!.sort((a, b) => a.atS - b.atS);
        let cumulative = 0;
        for (const u of ups) {
          cumulative += u.sizeGB;
          writeUnits[i] = writeUnits[i]! + writeCapacityUnits(cumulative);
        }
        readUnits[i] = readUnits[i]! + readCapacityUnits(cumulative);
      }
    }
    for (let i = 0; i < m.N; i++) {
      const r = placement[i]!;
      t.cost += readUnits[i]! * m.dynamoReadUsdPerRU[r]! + writeUnits[i]! * m.dynamoWriteUsdPerWU[r]!;
    }
    return { cost: t.cost, runtime, carbon: t.carbon };
  }
}

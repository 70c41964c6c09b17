import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as f from '../../../shared/solver/formulas.js';
import { mean, meanConverged, percentileLinear, studentT975 } from '../../../shared/solver/stats.js';
import { Rng } from '../../../shared/solver/rng.js';

const KIB = 1 / (1024 * 1024);
const close = (a: number, b: number, rel = 1e-12) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300), `${a} != ${b}`);

describe('capacity units and SNS requests', () => {
  it('bills 1 WCU per started KiB and 1 RCU per started 4 KiB', () => {
    assert.equal(f.writeCapacityUnits(1 * KIB), 1);
    assert.equal(f.writeCapacityUnits(1.5 * KIB), 2);
    assert.equal(f.readCapacityUnits(4 * KIB), 1);
    assert.equal(f.readCapacityUnits(5 * KIB), 2);
    assert.equal(f.readCapacityUnits(0), 0);
  });
  it('bills one SNS request per started 64 KiB, at least one per message', () => {
    assert.equal(f.snsRequests(0), 1);
    assert.equal(f.snsRequests(64 * KIB), 1);
    assert.equal(f.snsRequests(65 * KIB), 2);
    assert.equal(f.snsRequests(200 * KIB), 4);
  });
});

describe('carbon', () => {
  it('CPU power interpolates between idle and max by utilization', () => {
    close(f.cpuPowerKW(0.5, 0.00074, 0.0035), 0.00212);
    close(f.cpuPowerKW(0, 0.00074, 0.0035), 0.00074);
  });
  it('execution carbon = t × (P_cpu × vCPU + P_mem × GB) / 3600 × PUE × CI', () => {
    // 10 s at 1024 MB (0.578858 vCPU), u = 0.5 → P_cpu 0.00212 kW; P_mem 0.0003725 kW/GB × 1 GB.
    const vcpu = 1024 / 1769;
    const energy = f.executionEnergyKWh(10, 0.00212, vcpu, 0.0003725, 1);
    close(energy, (10 * (0.00212 * 0.5788581119276428 + 0.0003725)) / 3600);
    close(energy, 4.443553e-6, 1e-6);
    close(f.executionCarbonG(energy, 1.11, 400), 1.972938e-3, 1e-6);
  });
  it('transmission carbon uses the route intensity: own region, mean of two, 410 when unknown', () => {
    assert.equal(f.routeCarbonIntensity(100, 300, false), 200);
    assert.equal(f.routeCarbonIntensity(100, 100, true), 100);
    assert.equal(f.routeCarbonIntensity(undefined, 300, false), 410);
    close(f.transmissionCarbonG(1, 200), 0.2);
    close(f.transmissionCarbonG(0.5, 410), 0.205);
  });
  it('traffic during execution is half internet (410), half on the home route', () => {
    close(f.duringExecutionTransferCarbonG(2, 100), 1 * 0.001 * 410 + 1 * 0.001 * 100);
  });
});

describe('cost', () => {
  it('Lambda cost = $/GB-s × GB × s + request price', () => {
    close(f.executionCostUsd(2, 2, 1.66667e-5, 2e-7), 1.66667e-5 * 4 + 2e-7);
    close(f.executionCostUsd(2, 2, 1.66667e-5, 2e-7), 6.68668e-5);
  });
  it('egress and DynamoDB', () => {
    close(f.egressCostUsd(0.5, 0.02), 0.01);
    close(f.dynamoCostUsd(4, 3, 2.5e-7, 1.25e-6), 4 * 2.5e-7 + 3 * 1.25e-6);
  });
});

describe('buckets', () => {
  it('rounds sizes up to 10 KiB and durations up to 10 ms', () => {
    close(f.roundUpToKiB(15 * KIB), 20 * KIB);
    close(f.roundUpToKiB(20 * KIB), 20 * KIB);
    close(f.roundUpToMs(0.123), 0.13);
    close(f.roundUpToMs(0.12), 0.12);
  });
});

describe('statistics and PRNG', () => {
  it('percentile matches numpy linear interpolation', () => {
    const s = new Float64Array(8);
    close(percentileLinear([1, 2, 3, 4], 4, 95, s), 3.85);
    close(percentileLinear([4, 1, 3, 2], 4, 50, s), 2.5);
    close(percentileLinear([7], 1, 95, s), 7);
    close(mean([1, 2, 3, 6]), 3);
  });
  it('Student t 97.5% quantile', () => {
    close(studentT975(10), 2.228139, 2e-4);
    close(studentT975(199), 1.971957, 1e-5);
  });
  it('convergence: a constant converges, a wide spread does not', () => {
    assert.equal(meanConverged(new Float64Array(200).fill(3), 200, 0.05), true);
    const wide = Float64Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.01 : 100 * (i % 7)));
    assert.equal(meanConverged(wide, 200, 0.05), false);
  });
  it('is deterministic under a seed and can draw the last element', () => {
    const a = new Rng(42),
      b = new Rng(42),
      c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 5 }, () => b.next()),
    );
    assert.notDeepEqual(
      xs,
      Array.from({ length: 5 }, () => c.next()),
    );
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(a.index(3));
    assert.deepEqual([...seen].sort(), [0, 1, 2]);
  });
});

// model.ts auxiliaryOf: the grid lookup of a duration bucket's auxiliary rows gives what the linear
// search it replaced gave (the first entry within the size tolerance), near-duplicates included.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { auxiliaryOf } from '../../../shared/solver/model.js';
import type { ExecutionProfile } from '../../../shared/solver/types.js';

const sameSize = (a: number, b: number) => Math.abs(a - b) <= 1e-12 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));

// A few anchors, two of them on the lookup grid's cell boundaries (10 µs cells) and one beyond its
// range, each nudged by relative amounts inside and outside the 1e-9 tolerance: keys collide,
// straddle cells and nearly match.
const ANCHORS = [0, 0.03, 1.23, 0.000015, 12.345675, 999.999995, 1500.01];
const NUDGES = [0, 0, 4e-10, -4e-10, 9e-10, -9e-10, 2e-9, -2e-9];
const duration = fc.tuple(fc.constantFrom(...ANCHORS), fc.constantFrom(...NUDGES)).map(([a, n]) => a + n * Math.max(a, 1e-3));

it('finds the first entry within tolerance, as a linear search does', () => {
  fc.assert(
    fc.property(fc.array(duration, { maxLength: 12 }), fc.array(duration, { minLength: 1, maxLength: 12 }), (keys, buckets) => {
      const profile: ExecutionProfile = { durationsS: [1], auxiliary: keys.map((durationS) => ({ durationS, rows: [[durationS]] })) };
      for (const bucket of [...buckets, ...keys]) {
        assert.equal(
          auxiliaryOf(profile, bucket),
          profile.auxiliary.find((a) => sameSize(a.durationS, bucket)),
          `bucket ${bucket}`,
        );
      }
    }),
  );
});

// The search's placement keys: a base-R number while exact, else the joined indices; decoding gives
// the placement back (the surrogate fits on decoded keys) and distinct placements never share a key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { placementKey, placementOfKey } from '../../../shared/solver/algorithms/context.js';

const placements = fc.record({ R: fc.integer({ min: 1, max: 40 }), N: fc.integer({ min: 1, max: 30 }) }).chain(({ R, N }) =>
  fc.record({
    R: fc.constant(R),
    a: fc.array(fc.integer({ min: 0, max: R - 1 }), { minLength: N, maxLength: N }),
    b: fc.array(fc.integer({ min: 0, max: R - 1 }), { minLength: N, maxLength: N }),
  }),
);

describe('placement keys', () => {
  it('decode to the placement and differ for different placements', () => {
    fc.assert(
      fc.property(placements, ({ R, a, b }) => {
        const ka = placementKey(a, R);
        assert.deepEqual(placementOfKey(ka, R, a.length), a);
        assert.equal(ka === placementKey(b, R), a.join() === b.join());
      }),
    );
  });

  it('are numbers while R^N is exact and strings beyond', () => {
    assert.equal(placementKey([3, 0, 11], 12), 3 + 0 * 12 + 11 * 144);
    assert.equal(typeof placementKey(new Array(14).fill(11), 12), 'number'); // 12^14 < 2^53
    assert.equal(placementKey(new Array(15).fill(11), 12), new Array(15).fill(11).join(',')); // 12^15 > 2^53
    assert.deepEqual(placementOfKey(placementKey(new Array(15).fill(11), 12), 12, 15), new Array(15).fill(11));
  });
});

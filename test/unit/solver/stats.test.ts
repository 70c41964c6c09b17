// percentileLinear (stats.ts, a quickselect) against numpy's definition on a fully sorted copy,
// with ties and signed zeros, at the tails and in the middle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { percentileLinear } from '../../../shared/solver/stats.js';

function numpyLinear(values: number[], p: number): number {
  const s = [...values].sort((x, y) => x - y);
  const pos = (p / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  if (lo + 1 >= s.length || pos === lo) return s[lo]!;
  return s[lo]! + (s[lo + 1]! - s[lo]!) * (pos - lo);
}

test('percentileLinear equals the sorted definition', () => {
  const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.integer({ min: -3, max: 3 }));
  let tried = 0;
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 3000 }), fc.constantFrom(0, 5, 50, 95, 99, 99.9, 100), (values, p) => {
      tried += 1;
      const scratch = new Float64Array(values.length);
      const got = percentileLinear(Float64Array.from(values), values.length, p, scratch);
      const want = numpyLinear(values, p);
      assert.ok(got === want || (Number.isNaN(got) && Number.isNaN(want)), `${got} vs ${want} (n ${values.length}, p ${p})`);
    }),
    { numRuns: 400 },
  );
  assert.equal(tried, 400);
});

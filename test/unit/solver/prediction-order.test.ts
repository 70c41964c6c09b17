// The guided step's lazy order (stochastic.ts PredictionOrder) must give exactly the order of the
// stable sort it replaced, ties and infinities included, or plans would change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PredictionOrder } from '../../../shared/solver/algorithms/stochastic.js';

test('PredictionOrder yields the indices in the order of sort((p, q) => v[p] - v[q] || p - q)', () => {
  const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true }), fc.constant(Number.POSITIVE_INFINITY));
  let tried = 0;
  fc.assert(
    fc.property(fc.array(value, { maxLength: 300 }), (values) => {
      tried += 1;
      const expected = Array.from(values.keys()).sort((p, q) => values[p]! - values[q]! || p - q);
      const order = new PredictionOrder(values);
      const actual: number[] = [];
      for (let i = order.next(); i >= 0; i = order.next()) actual.push(i);
      assert.deepEqual(actual, expected);
    }),
    { numRuns: 300 },
  );
  assert.equal(tried, 300);
});

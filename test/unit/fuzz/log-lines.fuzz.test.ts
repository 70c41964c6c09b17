// Fuzzing of the log syncer's line parser (services/log-syncer/core/parse.ts and its field
// extractor, extract.ts): any CloudWatch message is parsed or counted as skipped, exactly once,
// never thrown on, and the fast path never disagrees with JSON.parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyCounters, parseMessage, parseMessageWithExtractor } from '../../../services/log-syncer/core/parse.js';
import { foreignMessage, mutatedMessage, runtimeMessage } from '../log-syncer/lines.js';

const RUNS = Number(process.env.CARIBOU_FUZZ_RUNS ?? 150);

test('log lines: every message is counted once, never throws, and the extractor agrees with JSON.parse', (t) => {
  const message = fc.oneof(runtimeMessage, mutatedMessage, foreignMessage, fc.string({ unit: 'binary' }));
  let tried = 0;
  fc.assert(
    fc.property(message, fc.integer(), (text, ts) => {
      tried += 1;
      const fast = emptyCounters();
      const strict = emptyCounters();
      const a = parseMessageWithExtractor(text, ts, fast);
      assert.equal(fast.parsed + fast.foreign + fast.corrupt + fast.unknownVersion, 1);
      assert.deepStrictEqual(a, parseMessage(text, ts, strict));
      assert.deepStrictEqual(fast, strict);
    }),
    { numRuns: RUNS * 10 },
  );
  t.diagnostic(`log lines: ${tried} inputs tried`);
});

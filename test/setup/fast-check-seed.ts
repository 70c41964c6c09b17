// `make test` is the landing gate, so its property tests run on one fixed seed: a failure there
// reproduces on any machine, and a green run stays green. `make fuzz` explores fresh seeds with
// more inputs (CARIBOU_FUZZ_SEED=random); fast-check prints the seed of any counterexample.
import fc from 'fast-check';

const DEFAULT_SEED = 20_261_202;
const raw = process.env.CARIBOU_FUZZ_SEED ?? String(DEFAULT_SEED);
if (raw !== 'random') {
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`CARIBOU_FUZZ_SEED: expected an integer or "random", got "${raw}"`);
  }
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}

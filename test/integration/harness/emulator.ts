// Moved to testkit/emulator.ts (the benchmarks use it too; bench/ must not import test/).
export * from '../../../testkit/emulator.js';

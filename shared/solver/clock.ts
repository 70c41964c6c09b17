// Milliseconds from an arbitrary origin, for the solver's timings and search deadlines.
// process.hrtime, not the `performance` global: its first use loads perf_hooks and ~10 of Node's
// internal modules, ~5 ms of a CLI solve's start.
export function nowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1000 + ns / 1e6;
}

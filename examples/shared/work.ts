// Light, deterministic CPU work standing in for the media and ML libraries of the Python benchmarks.

/** FNV-1a over `text`, repeated `rounds` times. */
export function checksum(text: string, rounds = 200): number {
  let h = 2166136261;
  for (let r = 0; r < rounds; r++) for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** A small synthetic greyscale "image" of `size`×`size` pixels derived from a seed string. */
export function syntheticImage(seed: string, size = 32): number[] {
  const pixels: number[] = [];
  let h = checksum(seed, 1);
  for (let i = 0; i < size * size; i++) {
    h = Math.imul(h ^ i, 16777619) >>> 0;
    pixels.push(h & 0xff);
  }
  return pixels;
}

/** Parses a run argument that may arrive as a JSON string (CLI `-a`) or an object. */
export function parseEvent<T>(event: unknown): T {
  if (typeof event === 'string') {
    try {
      return JSON.parse(event) as T;
    } catch {
      return {} as T;
    }
  }
  return (event ?? {}) as T;
}

/**
 * One JSON line saying what a sync node received (integration tests read it from the function's
 * logs). Printed only inside a Lambda execution environment, to keep in-memory test output quiet.
 */
export function reportReceived(runId: string, fn: string, received: unknown[]): void {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return;
  console.log(JSON.stringify({ example_event: 'SYNC_RECEIVED', run_id: runId, function: fn, received }));
}

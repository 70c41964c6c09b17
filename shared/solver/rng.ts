// Seeded PRNG: xoshiro128** with its state in a Uint32Array (no allocation per draw).

/** splitmix32 step, used to spread a seed over the state words. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes any number of integers into one 32-bit seed (order matters). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = splitmix32(h ^ (p >>> 0));
    h = splitmix32(h ^ Math.floor(p / 4294967296));
  }
  return h >>> 0;
}

export class Rng {
  readonly s = new Uint32Array(4);

  constructor(seed = 1) {
    this.reseed(seed);
  }

  reseed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = splitmix32(x + i);
      this.s[i] = x;
    }
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    const s = this.s;
    const s0 = s[0]!,
      s1 = s[1]!,
      s2 = s[2]!,
      s3 = s[3]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result / 4294967296;
  }

  /** Fills buf[from..to) with the next draws (the same sequence as calling next() in turn). */
  fill(buf: Float64Array, from: number, to = buf.length): void {
    const s = this.s;
    let s0 = s[0]!,
      s1 = s[1]!,
      s2 = s[2]!,
      s3 = s[3]!;
    for (let i = from; i < to; i++) {
      const m = Math.imul(s1, 5);
      buf[i] = (Math.imul((m << 7) | (m >>> 25), 9) >>> 0) / 4294967296;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }

  /** Uniform index in [0, n): every element, the last one included, can be drawn. */
  index(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * The random stream of one seed, drawn once and grown on demand (same sequence as next() in turn).
 * Common random numbers make every evaluation of a solve hour read the same stream from its start,
 * so calculators of this thread share one stream per seed: a fresh megabyte-sized typed array costs
 * more in first-touch page faults (~30 ns per value measured on the 2-core VM) than drawing the
 * values (~2 ns), and repeated solves of the same hours (the deployment manager) reuse it.
 */
export class SharedStream {
  values: Float64Array;
  length = 0;
  private readonly rng: Rng;
  constructor(
    readonly seed: number,
    initialCapacity: number,
  ) {
    this.rng = new Rng(seed);
    this.values = new Float64Array(Math.max(4096, initialCapacity));
  }
  /** Makes at least `need` values available (drawing ahead by up to 64 Ki values). */
  extend(need: number): void {
    if (need <= this.length) return;
    let cap = this.values.length;
    if (need > cap) {
      while (cap < need) cap *= 2;
      const grown = new Float64Array(cap);
      grown.set(this.values.subarray(0, this.length));
      this.values = grown;
    }
    const to = Math.max(need, Math.min(this.values.length, this.length + 65536));
    this.rng.fill(this.values, this.length, to);
    this.length = to;
  }
}

const STREAM_CACHE_BYTES = 64 * 1024 * 1024;
const streams = new Map<number, SharedStream>();

/** The shared stream of `seed` (least recently used ones dropped above 64 MiB in total). */
export function sharedStream(seed: number, initialCapacity: number): SharedStream {
  const known = streams.get(seed);
  if (known) {
    streams.delete(seed); // re-insert: Map order is the recency order
    streams.set(seed, known);
    return known;
  }
  const fresh = new SharedStream(seed, initialCapacity);
  streams.set(seed, fresh);
  let bytes = 0;
  for (const s of streams.values()) bytes += s.values.byteLength;
  for (const [k, s] of streams) {
    if (bytes <= STREAM_CACHE_BYTES || s === fresh) break;
    bytes -= s.values.byteLength;
    streams.delete(k);
  }
  return fresh;
}

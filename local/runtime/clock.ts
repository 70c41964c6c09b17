// The runtime's clock for schedules: real time by default, or accelerated (`speed` virtual
// seconds per real second) from a chosen start, for demos and tests.
export class Clock {
  private realAnchorMs: number;
  private virtualAnchorMs: number;

  constructor(
    private speedFactor = 1,
    startMs?: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.realAnchorMs = realNow();
    this.virtualAnchorMs = startMs ?? this.realAnchorMs;
  }

  now(): number {
    return this.virtualAnchorMs + (this.realNow() - this.realAnchorMs) * this.speedFactor;
  }

  get speed(): number {
    return this.speedFactor;
  }

  /** Re-anchors the clock: from now on it runs at `speed`, optionally jumping to `nowMs`. */
  set(options: { speed?: number; nowMs?: number }): void {
    const current = this.now();
    this.realAnchorMs = this.realNow();
    this.virtualAnchorMs = options.nowMs ?? current;
    if (options.speed !== undefined) {
      if (!(options.speed > 0)) throw new RangeError(`clock speed must be positive, got ${options.speed}`);
      this.speedFactor = options.speed;
    }
  }
}

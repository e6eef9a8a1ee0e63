/** Latency samples in milliseconds, and their percentiles. */
export class Latencies {
  private readonly samples: number[] = [];

  add(ms: number): void {
    this.samples.push(ms);
  }

  get count(): number {
    return this.samples.length;
  }

  /** Nearest-rank percentile (p in 0..100); NaN when there is no sample. */
  percentile(p: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const sorted = this.sorted();
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  /** The arithmetic mean; NaN when there is no sample. */
  mean(): number {
    return this.samples.reduce((sum, s) => sum + s, 0) / this.samples.length;
  }

  summary(): { p50: number; p95: number; p99: number } {
    return { p50: this.percentile(50), p95: this.percentile(95), p99: this.percentile(99) };
  }

  private cache?: number[];
  private sorted(): number[] {
    if (!this.cache || this.cache.length !== this.samples.length) {
      this.cache = Array.from(Float64Array.from(this.samples).sort());
    }
    return this.cache;
  }
}

/** Rounds for display and JSON: 2 decimals below 100, 1 below 10,000, else whole. */
export function round(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const abs = Math.abs(value);
  if (abs < 100) return Math.round(value * 100) / 100;
  if (abs < 10_000) return Math.round(value * 10) / 10;
  return Math.round(value);
}

/** `round` applied to every number inside (for details objects headed to JSON). */
export function roundDeep(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : round(value);
  if (Array.isArray(value)) return value.map(roundDeep);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)]));
  }
  return value;
}

/** Counts of things by label (error kinds, response codes). */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(label: string, n = 1): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + n);
  }

  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort((a, b) => b[1] - a[1]));
  }
}

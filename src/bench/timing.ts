// Benchmark helpers with no onnxruntime in them (the GPU bundle ships without onnxruntime-node):
// time-boxed repeated runs with warm-up, percentiles, and formatting of times, rates and sizes.
// (The error measures are in metrics.ts.)

/** What one time-boxed measurement found; times in milliseconds. */
export interface Timing {
  median: number;
  p90: number;
  mean: number;
  min: number;
  /** Measured runs (after warm-up). */
  runs: number;
  /** Warm-up runs (not measured). */
  warmup: number;
  /** The very first call: plan compilation, CUDA graph capture, autotuning... */
  first: number;
}

export interface TimeBox {
  /** Stop measuring once this many seconds have passed (and at least `minRuns` runs were made). */
  seconds: number;
  /** Never more measured runs than this (fast cells finish early). Default 1000. */
  maxRuns?: number;
  /** At least this many measured runs, unless one warm-up run alone took longer than the box. Default 3. */
  minRuns?: number;
}

/**
 * Times `fn`: one first call, warm-up calls (at least 1, up to 3 within a fifth of the box), then
 * measured calls until the box is used up or `maxRuns` is reached.
 */
export async function timeBoxed(fn: () => Promise<unknown>, box: TimeBox): Promise<Timing> {
  const boxMs = box.seconds * 1000;
  const maxRuns = box.maxRuns ?? 1000;
  let t = performance.now();
  await fn();
  const first = performance.now() - t;
  let warmup = 0;
  let last = first;
  const warmEnd = performance.now() + boxMs / 5;
  while (warmup < 1 || (warmup < 3 && performance.now() + last < warmEnd)) {
    t = performance.now();
    await fn();
    last = performance.now() - t;
    warmup++;
  }
  // A run longer than the whole box: one measured run is all the box allows.
  const minRuns = last > boxMs ? 1 : box.minRuns ?? 3;
  const samples: number[] = [];
  const end = performance.now() + boxMs;
  while (samples.length < minRuns || (performance.now() < end && samples.length < maxRuns)) {
    t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return summarize(samples, warmup, first);
}

/** Median, p90, mean and min of `samples` (milliseconds). */
export function summarize(samples: readonly number[], warmup = 0, first = NaN): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    mean: sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length),
    min: sorted[0] ?? NaN,
    runs: sorted.length,
    warmup,
    first,
  };
}

/** The q-quantile of ascending `sorted` (linear interpolation between closest ranks). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** 0.0123 → '12.3 µs', 1.5 → '1.50 ms', 2500 → '2.50 s'. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** 1234567 with unit 'FLOP' → '1.23 MFLOP'; 608 → '608 FLOP' (SI prefixes k, M, G, T, P). */
export function fmtSI(x: number, unit = '', digits = 3): string {
  if (!Number.isFinite(x)) return 'n/a';
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P'];
  let i = 0;
  while (Math.abs(x) >= 1000 && i < prefixes.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x.toPrecision(digits)} ${prefixes[i]}${unit}`.trimEnd();
}

/** Bytes as '1.5 GiB', '300 MiB', '12 KiB'. */
export function fmtBytes(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n.toFixed(0) : n.toPrecision(3)} ${units[i]}`;
}

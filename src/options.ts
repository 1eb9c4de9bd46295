// Validation of public options, sharp-style: "Expected X for Y but received Z".
import { availableParallelism, totalmem } from 'node:os';
import { InvalidArgumentError } from './errors.js';

export type DeviceOption = 'auto' | 'cpu' | 'cuda' | `cuda:${number}`;
export type FallbackOption = 'onnxruntime' | 'error';
export type PrecisionOption = 'fp32' | 'tf32';

/** Dynamic batching of concurrent predict() calls (see src/batcher.ts). */
export interface BatchingOptions {
  /** Most samples in one run (default 64). */
  maxBatch?: number;
  /** How long the oldest queued request may wait for more (default 0: batches form from the requests that queue while a run is in flight). */
  maxDelayMs?: number;
  /** Batch sizes to run at once when the queued requests make one exactly. */
  preferredBatchSizes?: number[];
  /** Most requests queued; beyond it predict() rejects at once with OverloadError (default 10000). */
  maxQueue?: number;
  /** Runs in flight at once for this model (default 2: one assembles or returns while the other computes; unbounded without batching). */
  concurrency?: number;
}

export interface LoadOptions {
  /**
   * Where to run: 'auto' (default) picks CUDA device 0 when the addon was built with CUDA, a driver
   * is present and a device is visible, else the CPU (model.deviceReason says why). 'cuda' or
   * 'cuda:N' insists on that GPU and throws ERR_DEVICE when it cannot be used; 'cpu' never uses one.
   */
  device?: DeviceOption;
  /** GPU matrix precision: 'fp32' (default) or 'tf32' (tensor cores: faster, ~1e-3 relative error). */
  precision?: PrecisionOption;
  /** GPU: replay each batch size's run from a captured CUDA graph (default true). */
  cudaGraphs?: boolean;
  /** Dynamic batching: true (default; on when the model is batchable), false, or its options. */
  batching?: boolean | BatchingOptions;
  /** CPU threads for our kernels and for the fallback; default: the machine's cores. */
  threads?: number;
  /**
   * CPU: a run whose measured time is under this many microseconds executes on the calling thread
   * instead of a worker thread, because the hand-off (a thread wake-up each way) costs more than
   * the run. The event loop is never held longer than about this. Default 30; 0: always a worker.
   */
  inlineUnderUs?: number;
  /** What to do when our engine cannot run the model: 'onnxruntime' (default) or 'error'. */
  fallback?: FallbackOption;
  /** Most bytes one run may need (arena, outputs); larger runs are refused before allocating. */
  memoryLimit?: number;
  /** Folder of external tensor data when the model is given as bytes. */
  baseDir?: string;
}

export interface ResolvedLoadOptions {
  device: { kind: 'auto' | 'cpu' | 'cuda'; index: number };
  precision: PrecisionOption;
  cudaGraphs: boolean;
  batching: false | (Required<Omit<BatchingOptions, 'concurrency'>> & { concurrency?: number });
  threads: number;
  inlineUnderUs: number;
  fallback: FallbackOption;
  memoryLimit: number;
  baseDir: string | undefined;
}

/** See LoadOptions.inlineUnderUs. */
export const DEFAULT_INLINE_UNDER_US = 30;

export function defaultMemoryLimit(): number {
  return Math.min(Math.floor(totalmem() / 2), 16 * 2 ** 30);
}

export function resolveLoadOptions(options: unknown): ResolvedLoadOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('an object', 'options', options);
  const o = options as Record<string, unknown>;
  const known = ['device', 'precision', 'cudaGraphs', 'batching', 'threads', 'inlineUnderUs', 'fallback', 'memoryLimit', 'baseDir'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new InvalidArgumentError(`one of the options ${known.join(', ')}`, 'an option name', k);

  let device: ResolvedLoadOptions['device'] = { kind: 'auto', index: 0 };
  if (o.device !== undefined) {
    const m = typeof o.device === 'string' ? /^(auto|cpu|cuda)(?::(\d+))?$/.exec(o.device) : null;
    if (!m || (m[2] !== undefined && m[1] !== 'cuda')) throw new InvalidArgumentError("'auto', 'cpu', 'cuda' or 'cuda:N'", 'device', o.device);
    device = { kind: m[1] as 'auto' | 'cpu' | 'cuda', index: m[2] ? Number(m[2]) : 0 };
  }
  const precision = o.precision ?? 'fp32';
  if (precision !== 'fp32' && precision !== 'tf32') throw new InvalidArgumentError("'fp32' or 'tf32'", 'precision', o.precision);
  const cudaGraphs = o.cudaGraphs ?? true;
  if (typeof cudaGraphs !== 'boolean') throw new InvalidArgumentError('a boolean', 'cudaGraphs', o.cudaGraphs);
  const threads = o.threads ?? availableParallelism();
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new InvalidArgumentError('an integer between 1 and 1024', 'threads', o.threads);
  }
  const inlineUnderUs = o.inlineUnderUs ?? DEFAULT_INLINE_UNDER_US;
  if (typeof inlineUnderUs !== 'number' || !Number.isFinite(inlineUnderUs) || inlineUnderUs < 0 || inlineUnderUs > 1000) {
    throw new InvalidArgumentError('a number of microseconds between 0 and 1000', 'inlineUnderUs', o.inlineUnderUs);
  }
  const fallback = o.fallback ?? 'onnxruntime';
  if (fallback !== 'onnxruntime' && fallback !== 'error') throw new InvalidArgumentError("'onnxruntime' or 'error'", 'fallback', o.fallback);
  const memoryLimit = o.memoryLimit ?? defaultMemoryLimit();
  if (typeof memoryLimit !== 'number' || !Number.isSafeInteger(memoryLimit) || memoryLimit <= 0) {
    throw new InvalidArgumentError('a positive integer number of bytes', 'memoryLimit', o.memoryLimit);
  }
  if (o.baseDir !== undefined && typeof o.baseDir !== 'string') throw new InvalidArgumentError('a string', 'baseDir', o.baseDir);
  return { device, precision, cudaGraphs, batching: resolveBatching(o.batching), threads, inlineUnderUs, fallback, memoryLimit, baseDir: o.baseDir as string | undefined };
}

function resolveBatching(value: unknown): ResolvedLoadOptions['batching'] {
  if (value === false) return false;
  if (value !== undefined && value !== true && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new InvalidArgumentError('a boolean or an object of batching options', 'batching', value);
  }
  const o = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const known = ['maxBatch', 'maxDelayMs', 'preferredBatchSizes', 'maxQueue', 'concurrency'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new InvalidArgumentError(`one of the batching options ${known.join(', ')}`, 'a batching option name', k);
  const int = (k: string, def: number | undefined, min: number, max: number) => {
    const v = o[k] ?? def;
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`an integer between ${min} and ${max}`, `batching.${k}`, o[k]);
    return v;
  };
  const maxDelayMs = o.maxDelayMs ?? 0;
  if (typeof maxDelayMs !== 'number' || !Number.isFinite(maxDelayMs) || maxDelayMs < 0 || maxDelayMs > 60_000) {
    throw new InvalidArgumentError('a number of milliseconds between 0 and 60000', 'batching.maxDelayMs', o.maxDelayMs);
  }
  const maxBatch = int('maxBatch', 64, 1, 1 << 20)!;
  const preferred = o.preferredBatchSizes ?? [];
  if (!Array.isArray(preferred) || !preferred.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= maxBatch)) {
    throw new InvalidArgumentError(`an array of integers between 1 and maxBatch (${maxBatch})`, 'batching.preferredBatchSizes', o.preferredBatchSizes);
  }
  return {
    maxBatch,
    maxDelayMs,
    preferredBatchSizes: [...(preferred as number[])].sort((a, b) => a - b),
    maxQueue: int('maxQueue', 10_000, 1, 1 << 30)!,
    concurrency: int('concurrency', undefined, 1, 1024),
  };
}

export interface ResolvedPredictOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  priority: 'high' | 'normal';
}

const DEFAULT_PREDICT_OPTIONS: ResolvedPredictOptions = Object.freeze({ priority: 'normal' as const });

export function resolvePredictOptions(options: unknown): ResolvedPredictOptions {
  if (options === undefined) return DEFAULT_PREDICT_OPTIONS;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('an object', 'predict options', options);
  const o = options as Record<string, unknown>;
  const known = ['signal', 'timeoutMs', 'priority'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new InvalidArgumentError(`one of the predict options ${known.join(', ')}`, 'a predict option name', k);
  const signal = resolveSignal({ signal: o.signal });
  if (o.timeoutMs !== undefined && (typeof o.timeoutMs !== 'number' || !Number.isFinite(o.timeoutMs) || o.timeoutMs < 0)) {
    throw new InvalidArgumentError('a non-negative number of milliseconds', 'timeoutMs', o.timeoutMs);
  }
  const priority = o.priority ?? 'normal';
  if (priority !== 'high' && priority !== 'normal') throw new InvalidArgumentError("'high' or 'normal'", 'priority', o.priority);
  return { signal, timeoutMs: o.timeoutMs as number | undefined, priority };
}

export function resolveSignal(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('an object', 'predict options', options);
  const { signal } = options as { signal?: unknown };
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw new InvalidArgumentError('an AbortSignal', 'signal', signal);
  return signal;
}

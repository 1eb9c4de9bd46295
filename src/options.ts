// Validation of public options, sharp-style: "Expected X for Y but received Z".
import { availableParallelism, totalmem } from 'node:os';
import { InvalidArgumentError } from './errors.js';

export type DeviceOption = 'auto' | 'cpu' | 'cuda' | `cuda:${number}`;
export type FallbackOption = 'onnxruntime' | 'error';
export type PrecisionOption = 'fp32' | 'tf32';

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
  /** CPU threads for our kernels and for the fallback; default: the machine's cores. */
  threads?: number;
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
  threads: number;
  fallback: FallbackOption;
  memoryLimit: number;
  baseDir: string | undefined;
}

export function defaultMemoryLimit(): number {
  return Math.min(Math.floor(totalmem() / 2), 16 * 2 ** 30);
}

export function resolveLoadOptions(options: unknown): ResolvedLoadOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('an object', 'options', options);
  const o = options as Record<string, unknown>;
  const known = ['device', 'precision', 'cudaGraphs', 'threads', 'fallback', 'memoryLimit', 'baseDir'];
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
  const fallback = o.fallback ?? 'onnxruntime';
  if (fallback !== 'onnxruntime' && fallback !== 'error') throw new InvalidArgumentError("'onnxruntime' or 'error'", 'fallback', o.fallback);
  const memoryLimit = o.memoryLimit ?? defaultMemoryLimit();
  if (typeof memoryLimit !== 'number' || !Number.isSafeInteger(memoryLimit) || memoryLimit <= 0) {
    throw new InvalidArgumentError('a positive integer number of bytes', 'memoryLimit', o.memoryLimit);
  }
  if (o.baseDir !== undefined && typeof o.baseDir !== 'string') throw new InvalidArgumentError('a string', 'baseDir', o.baseDir);
  return { device, precision, cudaGraphs, threads, fallback, memoryLimit, baseDir: o.baseDir as string | undefined };
}

export function resolveSignal(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('an object', 'predict options', options);
  const { signal } = options as { signal?: unknown };
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw new InvalidArgumentError('an AbortSignal', 'signal', signal);
  return signal;
}

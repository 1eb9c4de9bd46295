// Loading the native addon. It is optional: without it every model runs on onnxruntime-node.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SurrogateError } from './errors.js';
import type { NativePlan } from './graph/plan.js';

export interface NativeCudaDevice { index: number; name: string; computeCapability: string; totalMemory: number; multiprocessors: number }
export interface NativeDevices {
  cpu: { model: string; cores: number; avx2: boolean; fma: boolean; avx512f: boolean; neon: boolean };
  cuda: { built: boolean; reason: string; message: string; driverVersion: number; runtimeVersion: number; devices: NativeCudaDevice[] };
}
export interface NodeSignature { op: string; attrs: Record<string, number | bigint | number[] | string>; inTypes: number[]; inRanks: number[]; outTypes: number[]; outRanks: number[] }
export type CompiledPlan = { readonly __brand: 'CompiledPlan' };
export interface NativeEngine {
  setWeight(id: number, dtype: number, dims: number[], data: ArrayBufferView): void;
  supports(sig: NodeSignature): string;
  compile(plan: NativePlan): CompiledPlan;
  /** Runs on a worker thread; resolves with the run's time there, in microseconds. */
  run(plan: CompiledPlan, feeds: ArrayBufferView[], outputs: ArrayBufferView[]): Promise<number>;
  /** The same run on the calling thread (CPU engines; for runs shorter than a thread hand-off); returns its time in microseconds, measured as run() measures it. */
  runInline(plan: CompiledPlan, feeds: ArrayBufferView[], outputs: ArrayBufferView[]): number;
  dispose(): void;
}
export interface Addon {
  Engine: new (options: { device: number; deviceIndex: number; threads: number; memoryLimit: number; tf32?: boolean; cudaGraphs?: boolean; poison?: boolean }) => NativeEngine;
  init(errorClass: typeof SurrogateError): void;
  devices(): NativeDevices;
  registeredOps(device: number): string[];
  /** The GEMM micro-benchmark (`npm run bench`): sgemm GFLOP/s on m×n×k and the measured FMA peak on `threads` threads. */
  benchGemm(options: { m: number; n: number; k: number; threads: number; seconds: number }): Promise<{ gflops: number; peakGflops: number; bestGflops: number; bestPeakGflops: number }>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The addon files of this package: the engine, and the test build whose CUDA backend is the CPU emulator. */
export const ADDON_FILE = join(ROOT, 'build', 'Release', 'surrogate_rt.node');
export const EMULATOR_ADDON_FILE = process.env.SURROGATE_RT_EMU_ADDON || join(ROOT, 'build', 'Release', 'surrogate_rt_emu.node');

let loaded: { addon?: Addon; error?: string } | undefined;
const byFile = new Map<string, { addon?: Addon; error?: string }>();

/**
 * The addon, or why it is unavailable. SURROGATE_RT_NATIVE=0 disables it (to test the fallback);
 * SURROGATE_RT_ADDON=<file> loads another build of it (the tests use the CUDA emulator build).
 */
export function loadAddon(): { addon?: Addon; error?: string } {
  if (loaded) return loaded;
  if (process.env.SURROGATE_RT_NATIVE === '0') return (loaded = { error: 'the native engine is disabled by SURROGATE_RT_NATIVE=0' });
  return (loaded = loadAddonFile(process.env.SURROGATE_RT_ADDON || ADDON_FILE));
}

/** Loads (once per file) the addon at `file`, or says why it cannot. */
export function loadAddonFile(file: string): { addon?: Addon; error?: string } {
  const cached = byFile.get(file);
  if (cached) return cached;
  let result: { addon?: Addon; error?: string };
  if (!existsSync(file)) {
    result = { error: `the native addon was not built (${file} is missing; run \`npm rebuild surrogate-rt\` and read its output)` };
  } else {
    try {
      const addon = createRequire(import.meta.url)(file) as Addon;
      addon.init(SurrogateError);
      result = { addon };
    } catch (e) {
      result = { error: `the native addon failed to load: ${(e as Error).message}` };
    }
  }
  byFile.set(file, result);
  return result;
}

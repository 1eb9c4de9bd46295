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
  run(plan: CompiledPlan, feeds: ArrayBufferView[], outputs: ArrayBufferView[]): Promise<void>;
  dispose(): void;
}
export interface Addon {
  Engine: new (options: { device: number; deviceIndex: number; threads: number; memoryLimit: number }) => NativeEngine;
  init(errorClass: typeof SurrogateError): void;
  devices(): NativeDevices;
  registeredOps(device: number): string[];
}

let loaded: { addon?: Addon; error?: string } | undefined;

/** The addon, or why it is unavailable. SURROGATE_RT_NATIVE=0 disables it (to test the fallback). */
export function loadAddon(): { addon?: Addon; error?: string } {
  if (loaded) return loaded;
  if (process.env.SURROGATE_RT_NATIVE === '0') return (loaded = { error: 'the native engine is disabled by SURROGATE_RT_NATIVE=0' });
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const file = join(root, 'build', 'Release', 'surrogate_rt.node');
  if (!existsSync(file)) {
    return (loaded = { error: `the native addon was not built (${file} is missing; run \`npm rebuild surrogate-rt\` and read its output)` });
  }
  try {
    const addon = createRequire(import.meta.url)(file) as Addon;
    addon.init(SurrogateError);
    loaded = { addon };
  } catch (e) {
    loaded = { error: `the native addon failed to load: ${(e as Error).message}` };
  }
  return loaded;
}

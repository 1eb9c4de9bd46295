// Shared by the tests and the benchmarks: the bundled models' manifest, seeded random inputs,
// onnxruntime-node as the reference, and error measures.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Tensor, type TensorData, type TensorType } from '../src/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MODELS_DIR = join(ROOT, 'models');

export interface ManifestIO { name: string; type: TensorType; shape: (number | string)[]; range?: [number, number] }
export interface ManifestModel { name: string; file: string; description: string; inputs: ManifestIO[]; outputs: ManifestIO[] }

export function manifest(): ManifestModel[] {
  return (JSON.parse(readFileSync(join(MODELS_DIR, 'manifest.json'), 'utf8')) as { models: ManifestModel[] }).models;
}

/** Small deterministic PRNG (mulberry32), so failures can be reproduced from the seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomTensor(type: TensorType, dims: number[], rand: () => number, range: [number, number] = [-1, 1]): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const [lo, hi] = range;
  let data: TensorData;
  switch (type) {
    case 'float32': data = Float32Array.from({ length: n }, () => lo + (hi - lo) * rand()); break;
    case 'float64': data = Float64Array.from({ length: n }, () => lo + (hi - lo) * rand()); break;
    case 'int64': data = BigInt64Array.from({ length: n }, () => BigInt(Math.floor(lo + (hi - lo + 1) * rand()))); break;
    case 'int32': data = Int32Array.from({ length: n }, () => Math.floor(lo + (hi - lo + 1) * rand())); break;
    case 'bool': data = Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0)); break;
    default: throw new Error(`randomTensor: ${type}`);
  }
  return new Tensor(type, data, dims);
}

/** Random feeds for a bundled model at `batch`, from the manifest's value ranges. */
export function modelFeeds(m: ManifestModel, batch: number, seed: number): Record<string, Tensor> {
  const rand = rng(seed);
  const feeds: Record<string, Tensor> = {};
  for (const i of m.inputs) {
    feeds[i.name] = randomTensor(i.type, i.shape.map((d) => (typeof d === 'number' ? d : batch)), rand, i.range ?? [-1, 1]);
  }
  return feeds;
}

/** onnxruntime-node on the CPU: the reference implementation. */
export async function ortSession(model: string | Uint8Array, threads = 1): Promise<ort.InferenceSession> {
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  return typeof model === 'string' ? ort.InferenceSession.create(model, opts) : ort.InferenceSession.create(model, opts);
}

export async function ortRun(session: ort.InferenceSession, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const input: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) input[k] = new ort.Tensor(t.type, t.data as never, t.dims as number[]);
  const out = await session.run(input);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, new Tensor(t.type as TensorType, t.data as TensorData, t.dims)]));
}

function asNumbers(d: TensorData): Float64Array {
  return d instanceof BigInt64Array ? Float64Array.from(d, Number) : Float64Array.from(d as ArrayLike<number>);
}

/** ‖a − b‖₂ / ‖b‖₂ (or the absolute norm when b is all zeros). */
export function relL2(a: TensorData, b: TensorData): number {
  const x = asNumbers(a), y = asNumbers(b);
  if (x.length !== y.length) return Infinity;
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - y[i]!;
    num += d * d;
    den += y[i]! * y[i]!;
  }
  if (Number.isNaN(num)) return Infinity;
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

/** numpy.testing.assert_allclose semantics: |a − e| ≤ atol + rtol·|e|, NaNs must match. Returns the first mismatch or undefined. */
export function allClose(actual: TensorData, expected: TensorData, rtol = 1e-3, atol = 1e-7): string | undefined {
  const a = asNumbers(actual), e = asNumbers(expected);
  if (a.length !== e.length) return `length ${a.length} vs ${e.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = e[i]!;
    if (Number.isNaN(y) || Number.isNaN(x)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return `index ${i}: ${x} vs ${y}`;
      continue;
    }
    if (x === y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return `index ${i}: ${x} vs expected ${y}`;
  }
  return undefined;
}

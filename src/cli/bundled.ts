// The bundled reference models (models/manifest.json) and seeded random inputs for them:
// used by the demo, the benchmarks and the tests.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numelOf } from '../graph/ir.js';
import { Tensor, type TensorData, type TensorType } from '../tensor.js';

export const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');

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
  const n = numelOf(dims);
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

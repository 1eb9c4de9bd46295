// The public API on the CUDA backend, through the CUDA emulator build (the same CUDA kernels and
// executor compiled against native/cuda/emu, running on the CPU): device selection, results equal
// to the CPU engine's, CUDA-graph replay, TF32 mode, concurrent runs on separate streams, bad
// input data reported from a kernel, and dispose/abort. On a GPU machine the GPU check
// (src/bench/gpu-check.ts) covers the same ground on real hardware.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FP32_TOLERANCE, sameResult } from '../../src/bench/gpu-check.js';
import { DisposedError, loadModel, SurrogateError, type Model, type Tensor } from '../../src/index.js';
import { EMULATOR_ADDON_FILE } from '../../src/native.js';
import { manifest, modelFeeds, MODELS_DIR } from '../helpers.js';

const available = existsSync(EMULATOR_ADDON_FILE);
const file = (name: string) => join(MODELS_DIR, `${name}.onnx`);
const spec = (name: string) => manifest().find((m) => m.name === name)!;

function expectSame(got: Record<string, Tensor>, ref: Record<string, Tensor>, tol = FP32_TOLERANCE) {
  for (const [name, t] of Object.entries(ref)) expect(sameResult(got[name]!, t, tol), name).toBe('');
}

describe.skipIf(!available)('the API on the CUDA backend (emulator build)', () => {
  const saved = process.env.SURROGATE_RT_ADDON;
  // loadAddon() reads this once, on first use in this test file's module graph.
  beforeAll(() => { process.env.SURROGATE_RT_ADDON = EMULATOR_ADDON_FILE; });
  afterAll(() => {
    if (saved === undefined) delete process.env.SURROGATE_RT_ADDON;
    else process.env.SURROGATE_RT_ADDON = saved;
  });

  const models: Model[] = [];
  const load = async (name: string, options: Parameters<typeof loadModel>[1]) => {
    const m = await loadModel(file(name), { fallback: 'error', ...options });
    models.push(m);
    return m;
  };
  afterAll(() => models.forEach((m) => m.dispose()));

  it("device 'auto' picks the CUDA device and records no reason", async () => {
    const m = await load('gmm', {});
    expect([m.device, m.deviceReason, m.backend]).toEqual(['cuda:0', undefined, 'native']);
  });

  it.each(['elemnet', 'crabnet', 'gmm'])('%s: CUDA results equal the CPU engine at batch 1 and 5, eager and replayed from a CUDA graph', async (name) => {
    const [gpu, cpu] = await Promise.all([load(name, { device: 'cuda' }), load(name, { device: 'cpu', threads: 1 })]);
    for (const batch of [1, 5]) {
      const feeds = modelFeeds(spec(name), batch, 11 + batch);
      const ref = await cpu.predict(feeds);
      const first = await gpu.predict(feeds); // eager (first run of this plan)
      const replay = await gpu.predict(feeds); // captured into a CUDA graph and replayed
      expectSame(first, ref);
      for (const [k, t] of Object.entries(first)) expect(Array.from(replay[k]!.data as Float32Array)).toEqual(Array.from(t.data as Float32Array));
    }
  });

  it('cudaGraphs: false gives the same bytes as graph replay', async () => {
    const [graphs, eager] = await Promise.all([load('crabnet', { device: 'cuda' }), load('crabnet', { device: 'cuda', cudaGraphs: false })]);
    const feeds = modelFeeds(spec('crabnet'), 3, 5);
    await graphs.predict(feeds);
    const a = await graphs.predict(feeds);
    const b = await eager.predict(feeds);
    expect(Array.from(a.property!.data as Float32Array)).toEqual(Array.from(b.property!.data as Float32Array));
  });

  it('TF32 mode stays within 1e-2 of fp32 (the figure is printed)', async () => {
    const [tf32, cpu] = await Promise.all([load('elemnet', { device: 'cuda', precision: 'tf32' }), load('elemnet', { device: 'cpu', threads: 1 })]);
    const feeds = modelFeeds(spec('elemnet'), 4, 3);
    const [a, b] = [await tf32.predict(feeds), await cpu.predict(feeds)];
    const x = a.formation_energy!.data as Float32Array, y = b.formation_energy!.data as Float32Array;
    let num = 0, den = 0;
    x.forEach((v, i) => { num += (v - y[i]!) ** 2; den += y[i]! ** 2; });
    const err = Math.sqrt(num / den);
    console.log(`elemnet TF32 vs fp32 CPU, relative L2 error: ${err.toExponential(2)}`);
    expect(err).toBeGreaterThan(0); // inputs really were rounded to TF32
    expect(err).toBeLessThan(1e-2);
  });

  it('concurrent predict() calls run on separate streams and each gets its own result', async () => {
    const gpu = await load('gmm', { device: 'cuda' });
    const feeds = [1, 2, 3, 4, 5, 6].map((s) => modelFeeds(spec('gmm'), 1 + (s % 3), s));
    const sequential = [];
    for (const f of feeds) sequential.push(await gpu.predict(f));
    const together = await Promise.all(feeds.map((f) => gpu.predict(f)));
    together.forEach((r, i) => expect(Array.from(r.log_im!.data as Float32Array)).toEqual(Array.from(sequential[i]!.log_im!.data as Float32Array)));
  });

  it('an out-of-range Gather index found by a CUDA kernel rejects with ERR_INVALID_INPUT, and the model still works', async () => {
    const gpu = await load('crabnet', { device: 'cuda' });
    const feeds = modelFeeds(spec('crabnet'), 2, 3);
    (feeds.elements!.data as BigInt64Array)[3] = 500n;
    await expect(gpu.predict(feeds)).rejects.toSatisfy((e: unknown) =>
      e instanceof SurrogateError && e.code === 'ERR_INVALID_INPUT' && /^Gather \(node \d+\): an index input is out of range$/.test((e as Error).message));
    const ok = await gpu.predict(modelFeeds(spec('crabnet'), 2, 4));
    expect(ok.property!.dims).toEqual([2, 1]);
  });

  it('dispose with a CUDA run in flight rejects it and nothing hangs', async () => {
    const gpu = await loadModel(file('elemnet'), { device: 'cuda' });
    const run = gpu.predict(modelFeeds(spec('elemnet'), 8, 1));
    gpu.dispose();
    await expect(run).rejects.toBeInstanceOf(DisposedError);
  });
});

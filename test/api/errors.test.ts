// Bad input gets a clear, typed error and nothing crashes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError, devices, DisposedError, InputError, InvalidArgumentError, loadModel, MemoryLimitError, ModelError, SurrogateError, Tensor, UnsupportedError, type Model,
} from '../../src/index.js';
import { loadAddon } from '../../src/native.js';
import { buildModel } from '../onnx-builder.js';
import { manifest, modelFeeds, MODELS_DIR } from '../helpers.js';

const file = (name: string) => join(MODELS_DIR, `${name}.onnx`);
const spec = (name: string) => manifest().find((m) => m.name === name)!;

async function rejects(p: Promise<unknown> | (() => unknown), cls: new (...a: never[]) => Error, code: string, message: RegExp) {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(cls);
  expect((err as SurrogateError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
}

describe('predict() feeds', () => {
  let elemnet: Model, crabnet: Model, gmm: Model;
  beforeAll(async () => {
    [elemnet, crabnet, gmm] = await Promise.all(['elemnet', 'crabnet', 'gmm'].map((n) => loadModel(file(n), { device: 'cpu', fallback: 'error' })));
  });
  afterAll(() => [elemnet, crabnet, gmm].forEach((m) => m.dispose()));
  const x = (n = 2) => new Tensor('float32', new Float32Array(n * 86), [n, 86]);

  it('rejects a wrong input name', () => rejects(elemnet.predict({ composition: x(), extra: x() }), InputError, 'ERR_INVALID_INPUT', /^Unknown input 'extra': the model's inputs are 'composition'$/));
  it('rejects a missing input', () => rejects(crabnet.predict({ elements: new Tensor('int64', new BigInt64Array(8), [1, 8]) }), InputError, 'ERR_INVALID_INPUT', /^Missing input 'fractions' \(float32, shape \[batch, 8\]\)$/));
  it('rejects a wrong element type', () => rejects(elemnet.predict({ composition: new Tensor('int32', new Int32Array(86), [1, 86]) }), InputError, 'ERR_INVALID_INPUT', /^Input 'composition' expects float32 data but received int32 \(Int32Array\)$/));
  it('rejects a wrong rank', () => rejects(elemnet.predict({ composition: new Tensor('float32', new Float32Array(86), [86]) }), InputError, 'ERR_INVALID_INPUT', /^Input 'composition' expects rank 2 \(shape \[batch, 86\]\) but received dims \[86\]$/));
  it('rejects a wrong dimension', () => rejects(elemnet.predict({ composition: { data: new Float32Array(85), dims: [1, 85] } }), InputError, 'ERR_INVALID_INPUT', /^Input 'composition' expects dimension 1 to be 86 but received 85/));
  it('rejects inconsistent symbolic dimensions across inputs', () =>
    rejects(crabnet.predict({ elements: new Tensor('int64', new BigInt64Array(16), [2, 8]), fractions: new Tensor('float32', new Float32Array(24), [3, 8]) }), InputError, 'ERR_INVALID_INPUT', /^Input 'fractions' dimension 0 \('batch'\) is 3, but 'batch' is 2 in input 'elements'$/));
  it('rejects data that does not fill its dims', () => rejects(elemnet.predict({ composition: { data: new Float32Array(10), dims: [2, 86] } }), InputError, 'ERR_INVALID_INPUT', /^Input 'composition' has 10 elements but dims \[2, 86\] need 172$/));
  it('rejects feeds that are not an object', () => rejects(elemnet.predict(new Float32Array(86) as never), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected an object mapping input names to tensors for feeds but received Float32Array of length 86$/));
  it('rejects a non-tensor feed', () => rejects(elemnet.predict({ composition: 42 }), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected a Tensor, an onnxruntime Tensor, \{ data, dims \} or a typed array for input 'composition' but received number 42$/));
  it('rejects a bad signal option', () => rejects(elemnet.predict({ composition: x() }, { signal: 'stop' as never }), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected an AbortSignal for signal but received string 'stop'$/));

  it('passes NaN through instead of failing', async () => {
    const feeds = modelFeeds(spec('gmm'), 3, 7);
    (feeds.features!.data as Float32Array)[5] = NaN; // row 1
    const out = (await gmm.predict(feeds)).log_im!;
    const rows = [0, 1, 2].map((r) => Array.from(out.data as Float32Array).slice(r * 8, r * 8 + 8));
    expect(rows[1]!.every(Number.isNaN)).toBe(true);
    expect(rows[0]!.every(Number.isFinite) && rows[2]!.every(Number.isFinite)).toBe(true);
  });

  it('turns an out-of-range embedding index into an error from the native side', async () => {
    const feeds = modelFeeds(spec('crabnet'), 2, 3);
    (feeds.elements!.data as BigInt64Array)[3] = 500n;
    await rejects(crabnet.predict(feeds), SurrogateError, 'ERR_INVALID_INPUT', /Gather: index 500 is out of range/);
    // and the model still works afterwards
    const ok = await crabnet.predict(modelFeeds(spec('crabnet'), 2, 4));
    expect(ok.property!.dims).toEqual([2, 1]);
  });

  it('accepts bare typed arrays with the batch inferred, and { data, dims }', async () => {
    const a = await elemnet.predict({ composition: new Float32Array(3 * 86).fill(0.1) });
    const b = await elemnet.predict({ composition: { data: new Float32Array(3 * 86).fill(0.1), dims: [3, 86] } });
    expect(a.formation_energy!.dims).toEqual([3, 1]);
    expect(Array.from(a.formation_energy!.data as Float32Array)).toEqual(Array.from(b.formation_energy!.data as Float32Array));
  });
});

describe('loading', () => {
  const bytes = readFileSync(file('gmm'));
  it('rejects a truncated file', () => rejects(loadModel(bytes.subarray(0, Math.floor(bytes.length / 2))), ModelError, 'ERR_INVALID_MODEL', /not a valid ONNX file .*truncated or corrupt/));
  it('rejects random bytes', () => rejects(loadModel(Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)), ModelError, 'ERR_INVALID_MODEL', /ONNX/));
  it('rejects an empty file', () => rejects(loadModel(new Uint8Array(0)), ModelError, 'ERR_INVALID_MODEL', /^The model is empty \(0 bytes\)$/));
  it('rejects a missing path', () => rejects(loadModel('/nonexistent/model.onnx'), ModelError, 'ERR_INVALID_MODEL', /^Cannot read the model file '\/nonexistent\/model.onnx'/));
  it('rejects a model that is not bytes or a path', () => rejects(loadModel(42 as never), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected a file path, a Uint8Array\/Buffer or an ArrayBuffer for the model but received number 42$/));

  it('rejects a graph with a cycle', () => {
    const cyclic = buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: [2] }],
      outputs: [{ name: 'c', type: 'float32', shape: [2] }],
      nodes: [
        { op: 'Add', inputs: ['x', 'c'], outputs: ['a'], name: 'first' },
        { op: 'Relu', inputs: ['a'], outputs: ['b'], name: 'second' },
        { op: 'Neg', inputs: ['b'], outputs: ['c'], name: 'third' },
      ],
    });
    return rejects(loadModel(cyclic), ModelError, 'ERR_INVALID_MODEL', /^The graph has a cycle: nodes 'first', 'second', 'third' depend on each other$/);
  });

  it('rejects a node reading a value nobody provides', () => {
    const dangling = buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: [2] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2] }],
      nodes: [{ op: 'Add', inputs: ['x', 'ghost'], outputs: ['y'], name: 'add' }],
    });
    return rejects(loadModel(dangling), ModelError, 'ERR_INVALID_MODEL', /^Node 'add' reads 'ghost', which no node, input or initializer provides$/);
  });

  const withSin = buildModel({
    inputs: [{ name: 'x', type: 'float32', shape: ['n', 3] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['n', 3] }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'] },
      { op: 'Sin', inputs: ['r'], outputs: ['y'] },
    ],
  });
  it("refuses an unknown operator with fallback: 'error'", async () => {
    await rejects(loadModel(withSin, { fallback: 'error' }), UnsupportedError, 'ERR_UNSUPPORTED', /fallback is 'error': our engine lacks Sin/);
    const err = await loadModel(withSin, { fallback: 'error' }).catch((e: UnsupportedError) => e);
    expect((err as UnsupportedError).operators).toEqual(['Sin']);
  });
  it('runs a model with an unknown operator on onnxruntime-node and says so', async () => {
    const model = await loadModel(withSin);
    expect(model.backend).toBe('onnxruntime');
    expect(model.missingOperators).toEqual(['Sin']);
    expect(model.fallbackReason).toMatch(/Sin/);
    const out = await model.predict({ x: new Tensor('float32', Float32Array.from([-1, 0.5, 2, 3, -4, 1]), [2, 3]) });
    const expected = [0, 0.5, 2, 3, 0, 1].map(Math.sin);
    Array.from(out.y!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    model.dispose();
  });

  it('refuses a run that needs more memory than the limit, before allocating', async () => {
    const model = await loadModel(file('phasenet'), { memoryLimit: 8 * 2 ** 20, fallback: 'error' });
    await rejects(model.predict(modelFeeds(spec('phasenet'), 64, 1)), MemoryLimitError, 'ERR_MEMORY_LIMIT', /over the memory limit of 8388608 bytes/);
    const small = await model.predict(modelFeeds(spec('phasenet'), 1, 1)); // still usable
    expect(small.probabilities!.dims).toEqual([1, 3, 3001]);
    model.dispose();
  });
});

describe('options', () => {
  const f = file('gmm');
  it('validates device', () => rejects(loadModel(f, { device: 'gpu' as never }), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected 'auto', 'cpu', 'cuda' or 'cuda:N' for device but received string 'gpu'$/));
  it('validates threads', () => rejects(loadModel(f, { threads: 0 }), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected an integer between 1 and 1024 for threads but received number 0$/));
  it('validates fallback', () => rejects(loadModel(f, { fallback: 'maybe' as never }), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected 'onnxruntime' or 'error' for fallback but received string 'maybe'$/));
  it('validates memoryLimit', () => rejects(loadModel(f, { memoryLimit: -1 }), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected a positive integer number of bytes for memoryLimit but received number -1$/));
  it('rejects unknown options', () => rejects(loadModel(f, { thread: 2 } as never), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected one of the options .* for an option name but received string 'thread'$/));
  it('validates precision', () => rejects(loadModel(f, { precision: 'fp16' as never }), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected 'fp32' or 'tf32' for precision but received string 'fp16'$/));
  it('validates cudaGraphs', () => rejects(loadModel(f, { cudaGraphs: 1 as never }), InvalidArgumentError, 'ERR_INVALID_ARGUMENT', /^Expected a boolean for cudaGraphs but received number 1$/));
  const cuda = devices().cuda;
  const noGpu = cuda.devices.length === 0;
  const label: Record<string, string> = { 'not-built': 'not built with CUDA', 'no-driver': 'no driver', 'driver-too-old': 'driver too old', 'no-device': 'no device' };
  it.skipIf(!noGpu)("device 'cuda' without a usable GPU is a clear error", () =>
    rejects(loadModel(f, { device: 'cuda' }), SurrogateError, 'ERR_DEVICE', new RegExp(`^device 'cuda' was requested but cannot be used \\(${label[cuda.reason]}: `)));
  it.skipIf(!noGpu)("device 'auto' falls back to the CPU and says why", async () => {
    const model = await loadModel(f);
    expect(model.device).toBe('cpu');
    expect(model.deviceReason).toBe(`${label[cuda.reason]}: ${cuda.message}`);
    model.dispose();
  });
  it.skipIf(noGpu)("device 'auto' picks the first GPU when there is one", async () => {
    const model = await loadModel(f);
    expect(model.device).toBe('cuda:0');
    expect(model.deviceReason).toBeUndefined();
    model.dispose();
  });
  it("device 'cuda:N' beyond the visible devices is a clear error", () =>
    rejects(loadModel(f, { device: 'cuda:7' }), SurrogateError, 'ERR_DEVICE', /^device 'cuda:7' was requested but cannot be used \((no device: CUDA device 7 does not exist|not built with CUDA|no driver|driver too old|no device)/));
  it("device 'cpu' says so", async () => {
    const model = await loadModel(f, { device: 'cpu' });
    expect([model.device, model.deviceReason]).toEqual(['cpu', "device 'cpu' was requested"]);
    model.dispose();
  });
});

describe('lifecycle', () => {
  it('a disposed model rejects with DisposedError', async () => {
    const model = await loadModel(file('gmm'));
    model.dispose();
    model.dispose(); // twice is fine
    await rejects(model.predict(modelFeeds(spec('gmm'), 1, 1)), DisposedError, 'ERR_DISPOSED', /^This model has been disposed$/);
  });
  it('dispose with a run in flight rejects it and nothing hangs', async () => {
    const model = await loadModel(file('phasenet'));
    const run = model.predict(modelFeeds(spec('phasenet'), 16, 1));
    model.dispose();
    await rejects(run, DisposedError, 'ERR_DISPOSED', /disposed/);
  });
  it('an aborted signal rejects before and during a run', async () => {
    const model = await loadModel(file('phasenet'));
    await rejects(model.predict(modelFeeds(spec('phasenet'), 1, 1), { signal: AbortSignal.abort() }), AbortError, 'ERR_ABORTED', /aborted/);
    const ctl = new AbortController();
    const run = model.predict(modelFeeds(spec('phasenet'), 16, 1), { signal: ctl.signal });
    ctl.abort();
    await rejects(run, AbortError, 'ERR_ABORTED', /aborted/);
    model.dispose();
  });
});

describe('native validation', () => {
  const { addon } = loadAddon();
  it.runIf(addon)('the engine refuses malformed plans with its own error class', () => {
    const engine = new addon!.Engine({ device: 0, deviceIndex: 0, threads: 1, memoryLimit: 2 ** 30 });
    const base = { consts: [], arenaBytes: 0, inputs: [0], outputs: [1] };
    const t = (storage: number, index: number, dims = [4]) => ({ name: '', dtype: 1, dims, storage, index, offset: 0 });
    const expectThrow = (plan: unknown, code: string, msg: RegExp) => {
      try {
        engine.compile(plan as never);
      } catch (e) {
        expect(e).toBeInstanceOf(SurrogateError);
        expect((e as SurrogateError).code).toBe(code);
        expect((e as Error).message).toMatch(msg);
        return;
      }
      throw new Error('compile should have thrown');
    };
    expectThrow({ ...base, tensors: [t(2, 0), t(3, 0)], nodes: [{ op: 'Relu', inputs: [7], outputs: [1], attrs: {} }] }, 'ERR_INVALID_PLAN', /input id out of range/);
    expectThrow({ ...base, tensors: [t(2, 0), t(3, 0)], nodes: [{ op: 'NoSuchOp', inputs: [0], outputs: [1], attrs: {} }] }, 'ERR_UNSUPPORTED', /no cpu kernel for NoSuchOp/);
    expectThrow({ ...base, tensors: [t(2, 0), t(3, 0, [-1])], nodes: [] }, 'ERR_INVALID_PLAN', /negative dimension/);
    expectThrow({ ...base, tensors: [t(2, 0), { ...t(0, 0), offset: 64 }], nodes: [] }, 'ERR_INVALID_PLAN', /outside the arena|inconsistent/);
    expectThrow({ ...base, tensors: [t(2, 0), t(3, 0)], nodes: [] }, 'ERR_INVALID_PLAN', /never written/);
    expectThrow({ ...base, tensors: [t(2, 0), t(3, 0, [2 ** 40])], nodes: [{ op: 'Relu', inputs: [0], outputs: [1], attrs: {} }] }, 'ERR_MEMORY_LIMIT', /memory limit/);
    engine.dispose();
  });
  it.runIf(addon)('the engine refuses feeds of the wrong size', async () => {
    const engine = new addon!.Engine({ device: 0, deviceIndex: 0, threads: 1, memoryLimit: 2 ** 30 });
    const plan = engine.compile({ consts: [], arenaBytes: 0, inputs: [0], outputs: [1], tensors: [{ name: 'x', dtype: 1, dims: [4], storage: 2, index: 0 }, { name: 'y', dtype: 1, dims: [4], storage: 3, index: 0 }], nodes: [{ op: 'Relu', inputs: [0], outputs: [1], attrs: {}, name: 'r' }] });
    await expect(engine.run(plan, [new Float32Array(3)], [new Float32Array(4)])).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: 'feed 0 has 12 bytes, its shape needs 16' });
    const out = new Float32Array(4);
    await engine.run(plan, [Float32Array.from([-1, 2, -3, 4])], [out]);
    expect(Array.from(out)).toEqual([0, 2, 0, 4]);
    engine.dispose();
  });
  it.runIf(addon)('benchGemm validates its options and reports best and median throughput', async () => {
    expect(() => addon!.benchGemm({ m: 0, n: 8, k: 8, threads: 1, seconds: 0.01 })).toThrow(/out of range/);
    expect(() => addon!.benchGemm({ m: 8, n: 8, k: 8, threads: 1, seconds: 'x' as never })).toThrow(/expected a number for seconds/);
    const r = await addon!.benchGemm({ m: 64, n: 64, k: 64, threads: 2, seconds: 0.05 });
    for (const v of [r.gflops, r.bestGflops, r.peakGflops, r.bestPeakGflops]) expect(v).toBeGreaterThan(0);
    expect(r.bestGflops).toBeGreaterThanOrEqual(r.gflops);
    expect(r.bestPeakGflops).toBeGreaterThanOrEqual(r.peakGflops);
  });
  it.runIf(addon)('runs on the engine\'s lead thread give the same results and errors, and queue', async () => {
    // A CPU engine with several threads runs its plans on the thread pool's lead thread (Engine::runs_on_lead).
    const n = 1 << 23;
    const engine = new addon!.Engine({ device: 0, deviceIndex: 0, threads: 2, memoryLimit: 2 ** 30 });
    const plan = engine.compile({ consts: [], arenaBytes: 0, inputs: [0], outputs: [1], tensors: [{ name: 'x', dtype: 1, dims: [n], storage: 2, index: 0 }, { name: 'y', dtype: 1, dims: [n], storage: 3, index: 0 }], nodes: [{ op: 'Relu', inputs: [0], outputs: [1], attrs: {}, name: 'r' }] });
    const input = (v: number) => new Float32Array(n).map((_, i) => (i % 2 ? v : -v));
    const first = await engine.run(plan, [input(1)], [new Float32Array(n)]);
    expect(first).toBeGreaterThan(0); // the run's time in µs
    await expect(engine.run(plan, [new Float32Array(n - 1)], [new Float32Array(n)])).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: /^feed 0 has/ });
    const outs = [1, 2, 3, 4].map(() => new Float32Array(n));
    await Promise.all(outs.map((o, k) => engine.run(plan, [input(k + 1)], [o])));
    outs.forEach((o, k) => {
      expect([o[0], o[1], o[n - 2], o[n - 1]]).toEqual([0, k + 1, 0, k + 1]);
    });
    // Disposed with runs queued on the lead thread: they still finish, with the right results.
    const late = [5, 6].map(() => new Float32Array(n));
    const runs = late.map((o, k) => engine.run(plan, [input(k + 5)], [o]));
    engine.dispose();
    await Promise.all(runs);
    late.forEach((o, k) => expect([o[0], o[1]]).toEqual([0, k + 5]));
  });
});

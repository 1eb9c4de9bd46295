// The dynamic batcher through the public API: 1,000 concurrent single-sample calls in two shape
// groups each get their own result (equal to an unbatched run) while the batcher really batches;
// outputs are views into one result buffer; overload, timeout, abort while queued and while
// running, dispose with requests in flight, priorities, preferred batch sizes, maxDelayMs, a lone
// serial caller not waiting for an event-loop turn between its requests, and
// models that must not be batched.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError, DisposedError, InvalidArgumentError, loadModel, OverloadError, Tensor, TimeoutError, type Model } from '../../src/index.js';
import { buildModel } from '../onnx-builder.js';
import { manifest, modelFeeds, MODELS_DIR, rng } from '../helpers.js';

const spec = (name: string) => manifest().find((m) => m.name === name)!;
const file = (name: string) => join(MODELS_DIR, `${name}.onnx`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// x [N, L] (L symbolic: two shape groups) → softmax(2x) over L and its row sums times a weight.
const rowModel = buildModel({
  opset: 17,
  inputs: [{ name: 'x', type: 'float32', shape: ['N', 'L'] }],
  outputs: [{ name: 'p', type: 'float32', shape: ['N', 'L'] }, { name: 's', type: 'float32', shape: ['N', 1] }],
  initializers: { two: new Tensor('float32', new Float32Array([2]), []), axes: new Tensor('int64', new BigInt64Array([1n]), [1]) },
  nodes: [
    { op: 'Mul', inputs: ['x', 'two'], outputs: ['x2'] },
    { op: 'Softmax', inputs: ['x2'], outputs: ['p'], attrs: { axis: 1 } },
    { op: 'ReduceSum', inputs: ['x2', 'axes'], outputs: ['s'], attrs: { keepdims: 1 } },
  ],
});

function sample(L: number, seed: number): Tensor {
  const r = rng(seed);
  return new Tensor('float32', Float32Array.from({ length: L }, () => r() * 4 - 2), [1, L]);
}

const models: Model[] = [];
async function load(source: string | Uint8Array, options: Parameters<typeof loadModel>[1] = {}): Promise<Model> {
  const m = await loadModel(source, { device: 'cpu', fallback: 'error', threads: 1, ...options });
  models.push(m);
  return m;
}
afterAll(() => models.forEach((m) => m.dispose()));

describe('dynamic batching', () => {
  it('1,000 concurrent single-sample calls in two shape groups each get their own result, in batches', async () => {
    const batched = await load(rowModel, { batching: { maxBatch: 64 } });
    const alone = await load(rowModel, { batching: false });
    expect(batched.batching.enabled).toBe(true);
    const shapes = Array.from({ length: 1000 }, (_, i) => (rng(i)() < 0.5 ? 5 : 9));
    const feeds = shapes.map((L, i) => ({ x: sample(L, 100 + i) }));
    const results = await Promise.all(feeds.map((f) => batched.predict(f)));
    for (let i = 0; i < feeds.length; i++) {
      const ref = await alone.predict(feeds[i]!);
      expect(results[i]!.p!.dims).toEqual([1, shapes[i]]);
      expect(Array.from(results[i]!.p!.data as Float32Array)).toEqual(Array.from(ref.p!.data as Float32Array));
      expect(Array.from(results[i]!.s!.data as Float32Array)).toEqual(Array.from(ref.s!.data as Float32Array));
    }
    const st = batched.stats();
    expect(st.requestSuccess).toBe(1000);
    expect(st.inferenceCount).toBe(1000);
    const average = st.inferenceCount / st.executionCount;
    console.log(`1000 calls: ${st.executionCount} runs, average batch ${average.toFixed(1)}, sizes ${JSON.stringify(st.batchSizes)}`);
    expect(average).toBeGreaterThan(1);
    expect(Math.max(...Object.keys(st.batchSizes).map(Number))).toBeLessThanOrEqual(64);
    expect(alone.stats().executionCount).toBe(1000);
  });

  it('ElemNet: 300 concurrent calls match unbatched runs, and outputs are views into one result buffer', async () => {
    const batched = await load(file('elemnet'));
    const alone = await load(file('elemnet'), { batching: false });
    const feeds = Array.from({ length: 300 }, (_, i) => modelFeeds(spec('elemnet'), 1 + (i % 3), 7 + i));
    const results = await Promise.all(feeds.map((f) => batched.predict(f)));
    for (let i = 0; i < feeds.length; i++) {
      const ref = (await alone.predict(feeds[i]!)).formation_energy!.data as Float32Array;
      const got = results[i]!.formation_energy!.data as Float32Array;
      expect(got.length).toBe(ref.length);
      got.forEach((v, k) => expect(Math.abs(v - ref[k]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref[k]!))));
    }
    const shared = results.filter((r, i) => i > 0 && r.formation_energy!.data.buffer === results[i - 1]!.formation_energy!.data.buffer);
    expect(shared.length).toBeGreaterThan(0);
  });

  it('closed-loop clients get full batches: a partial batch never starts beside a run in flight', async () => {
    // 96 clients, each sending its next request when the last returns. With maxBatch 96 every
    // run after the first should hold all of them: the slot frees only after the callers'
    // continuations have queued their next requests, and a second slot does not start a partial
    // batch that would split them.
    for (const concurrency of [1, 2]) {
      const m = await load(file('gmm'), { batching: { maxBatch: 96, concurrency } });
      const samples = Array.from({ length: 96 }, (_, i) => modelFeeds(spec('gmm'), 1, 300 + i));
      await Promise.all(samples.map(async (f) => {
        for (let round = 0; round < 20; round++) await m.predict(f);
      }));
      const st = m.stats();
      expect(st.inferenceCount).toBe(96 * 20);
      console.log(`closed loop, concurrency ${concurrency}: ${st.executionCount} runs, sizes ${JSON.stringify(st.batchSizes)}`);
      expect(st.batchSizes[96] ?? 0).toBeGreaterThanOrEqual(18);
      expect(st.executionCount).toBeLessThanOrEqual(22);
    }
  });

  it("a lone caller's next request starts at once: the slot of a run that served only it frees without an event-loop turn", async () => {
    const m = await load(file('gmm'));
    const f = modelFeeds(spec('gmm'), 1, 7);
    await m.predict(f);
    for (let i = 0; i < 5; i++) {
      const p = m.predict(f);
      expect(m.stats()).toMatchObject({ queued: 0, running: 1 });
      await p;
    }
  });

  it('rejects at once with OverloadError beyond maxQueue', async () => {
    const m = await load(file('gmm'), { batching: { maxQueue: 4, maxBatch: 1 } });
    const calls = Array.from({ length: 12 }, (_, i) => m.predict(modelFeeds(spec('gmm'), 1, i)).then(() => 'ok', (e: unknown) => e));
    const outcomes = await Promise.all(calls);
    const overloaded = outcomes.filter((o) => o instanceof OverloadError);
    expect(overloaded.length).toBeGreaterThan(0);
    expect((overloaded[0] as OverloadError).code).toBe('ERR_OVERLOADED');
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(4);
    expect(await m.predict(modelFeeds(spec('gmm'), 1, 99)).then(() => 'ok')).toBe('ok');
  });

  it('a request that times out while queued never runs', async () => {
    const m = await load(file('gmm'), { batching: { maxDelayMs: 60_000, maxBatch: 64 } });
    await expect(m.predict(modelFeeds(spec('gmm'), 1, 1), { timeoutMs: 20 })).rejects.toBeInstanceOf(TimeoutError);
    expect(m.stats()).toMatchObject({ executionCount: 0, queued: 0, requestFailure: 1 });
  });

  it('a request aborted while queued never runs; the others of its batch do', async () => {
    const m = await load(file('gmm'), { batching: { maxDelayMs: 100, maxBatch: 64 } });
    const ctl = new AbortController();
    const a = m.predict(modelFeeds(spec('gmm'), 1, 1), { signal: ctl.signal });
    const b = m.predict(modelFeeds(spec('gmm'), 2, 2));
    ctl.abort();
    await expect(a).rejects.toBeInstanceOf(AbortError);
    expect((await b).log_im!.dims[0]).toBe(2);
    expect(m.stats()).toMatchObject({ executionCount: 1, inferenceCount: 2, batchSizes: { 2: 1 } });
  });

  it('a request aborted or timed out while running is discarded; the model keeps working', async () => {
    const m = await load(file('phasenet'));
    const ctl = new AbortController();
    const run = m.predict(modelFeeds(spec('phasenet'), 16, 1), { signal: ctl.signal });
    await sleep(1);
    ctl.abort();
    await expect(run).rejects.toBeInstanceOf(AbortError);
    await expect(m.predict(modelFeeds(spec('phasenet'), 16, 2), { timeoutMs: 1 })).rejects.toBeInstanceOf(TimeoutError);
    expect((await m.predict(modelFeeds(spec('phasenet'), 1, 3))).probabilities!.dims).toEqual([1, 3, 3001]);
  });

  it('dispose with requests queued and running rejects them all and nothing hangs', async () => {
    const m = await loadModel(file('phasenet'), { device: 'cpu', threads: 1 });
    const calls = Array.from({ length: 50 }, (_, i) => m.predict(modelFeeds(spec('phasenet'), 1 + (i % 2), i)).then(() => 'ok', (e: unknown) => e));
    await sleep(1);
    m.dispose();
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((o) => o === 'ok' || o instanceof DisposedError)).toBe(true);
    expect(outcomes.filter((o) => o instanceof DisposedError).length).toBeGreaterThan(0);
    await expect(m.predict(modelFeeds(spec('phasenet'), 1, 1))).rejects.toBeInstanceOf(DisposedError);
  });

  it("'high' priority requests run before 'normal' ones queued earlier", async () => {
    const m = await load(file('gmm'), { batching: { maxBatch: 1, concurrency: 1 } });
    const order: string[] = [];
    const first = m.predict(modelFeeds(spec('gmm'), 1, 0)).then(() => order.push('first'));
    const normal = [1, 2, 3].map((i) => m.predict(modelFeeds(spec('gmm'), 1, i)).then(() => order.push(`normal${i}`)));
    const high = m.predict(modelFeeds(spec('gmm'), 1, 9), { priority: 'high' }).then(() => order.push('high'));
    await Promise.all([first, ...normal, high]);
    expect(order).toEqual(['first', 'high', 'normal1', 'normal2', 'normal3']);
  });

  it('a preferred batch size that the queue fills runs at once, without waiting for maxDelayMs', async () => {
    const m = await load(file('gmm'), { batching: { maxDelayMs: 60_000, preferredBatchSizes: [4] } });
    await Promise.all([1, 2, 3, 4].map((i) => m.predict(modelFeeds(spec('gmm'), 1, i)))); // would time the test out if it waited
    expect(m.stats().batchSizes).toEqual({ 4: 1 });
  });

  it('maxDelayMs gathers requests that arrive apart into one run', async () => {
    const m = await load(file('gmm'), { batching: { maxDelayMs: 300 } });
    const a = m.predict(modelFeeds(spec('gmm'), 1, 1));
    await sleep(10);
    const b = m.predict(modelFeeds(spec('gmm'), 2, 2));
    await Promise.all([a, b]);
    expect(m.stats().batchSizes).toEqual({ 3: 1 });
  });

  it('a model that mixes samples is not batched, and says why', async () => {
    const m = await load(file('crabnet'));
    expect(m.batching.enabled).toBe(false);
    expect(m.batching.reason).toMatch(/batch dimension/);
    const mixing = buildModel({
      opset: 17,
      inputs: [{ name: 'x', type: 'float32', shape: ['N', 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['N', 4] }],
      nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], attrs: { axis: 0 } }],
    });
    const s = await load(mixing);
    expect(s.batching).toMatchObject({ enabled: false, reason: expect.stringMatching(/^Softmax node .* normalises across the batch$/) });
  });

  it('validates the batching and predict options', async () => {
    await expect(loadModel(file('gmm'), { batching: { maxBatch: 0 } })).rejects.toThrow(/^Expected an integer between 1 and 1048576 for batching.maxBatch but received number 0$/);
    await expect(loadModel(file('gmm'), { batching: { maxDelay: 1 } as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    const m = await load(file('gmm'));
    await expect(m.predict(modelFeeds(spec('gmm'), 1, 1), { priority: 'urgent' as never })).rejects.toThrow(/^Expected 'high' or 'normal' for priority but received string 'urgent'$/);
    await expect(m.predict(modelFeeds(spec('gmm'), 1, 1), { timeoutMs: -1 })).rejects.toThrow(/^Expected a non-negative number of milliseconds for timeoutMs/);
  });
});

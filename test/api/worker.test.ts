// The addon keeps per-environment state (better-sqlite3's pattern), so it loads and runs in
// worker threads alongside the main thread.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { loadModel, Tensor } from '../../src/index.js';
import { MODELS_DIR, ROOT } from '../helpers.js';

it('runs models in two worker threads and the main thread at once', async () => {
  const file = join(MODELS_DIR, 'gmm.onnx');
  const input = Array.from({ length: 10 }, (_, i) => i / 10 - 0.5);
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.index).then(async ({ loadModel, Tensor }) => {
      const model = await loadModel(workerData.file, { fallback: 'error' });
      const out = await model.predict({ features: new Tensor('float32', Float32Array.from(workerData.input), [2, 5]) });
      parentPort.postMessage({ backend: model.backend, data: Array.from(out.log_im.data) });
      model.dispose();
    }).catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));`;
  const index = new URL(`file://${join(ROOT, 'dist', 'index.js')}`).href;
  const run = () => new Promise<{ backend: string; data: number[]; error?: string }>((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { file, input, index } });
    w.once('message', (m) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  });
  const main = await loadModel(file, { fallback: 'error' });
  const [a, b, mainOut] = await Promise.all([run(), run(), main.predict({ features: new Tensor('float32', Float32Array.from(input), [2, 5]) })]);
  expect(a.error).toBeUndefined();
  expect(b.error).toBeUndefined();
  expect(a.backend).toBe('native');
  expect(a.data).toEqual(Array.from(mainOut.log_im!.data as Float32Array));
  expect(b.data).toEqual(a.data);
  main.dispose();
});

// The runs of an engine with several threads are posted to its lead thread (Engine::runs_on_lead)
// from the JS thread and answered through a thread-safe function; with one thread they go through
// libuv's threads (not inline: inlineUnderUs 0). A worker thread terminated with runs of either kind
// in flight must not take the process down, and a process must stay alive until a run it did not
// await has finished.
it.each([
  ['ElemNet, 512 rows (lead thread)', 'elemnet.onnx', 'composition', [512, 86], 4, 2],
  ['GMM, 8 rows (lead thread)', 'gmm.onnx', 'features', [8, 5], 50, 2],
  ['GMM, 8 rows (libuv thread)', 'gmm.onnx', 'features', [8, 5], 50, 1],
] as const)('a worker terminated with runs in flight leaves the main thread working: %s', async (_, model, input, dims, inFlight, threads) => {
  const file = join(MODELS_DIR, model);
  const code = `
    const { parentPort, workerData: d } = require('node:worker_threads');
    import(d.index).then(async ({ loadModel, Tensor }) => {
      const model = await loadModel(d.file, { fallback: 'error', threads: d.threads, batching: false, inlineUnderUs: 0 });
      const x = new Tensor('float32', new Float32Array(d.dims[0] * d.dims[1]).fill(0.01), d.dims);
      await model.predict({ [d.input]: x });
      await model.predict({ [d.input]: x });
      for (let i = 0; i < d.inFlight; i++) void model.predict({ [d.input]: x });
      parentPort.postMessage('in flight');
    }).catch((e) => parentPort.postMessage(String(e && e.stack || e)));`;
  const index = new URL(`file://${join(ROOT, 'dist', 'index.js')}`).href;
  for (let round = 0; round < 3; round++) {
    const message = await new Promise<string>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { file, index, input, dims, inFlight, threads } });
      w.once('message', (m) => { void w.terminate().then(() => resolve(m as string)); });
      w.once('error', reject);
    });
    expect(message).toBe('in flight');
  }
  const main = await loadModel(file, { fallback: 'error', threads: 2 });
  const x = new Tensor('float32', new Float32Array(dims[0] * dims[1]).fill(0.01), [...dims]);
  const [a, b] = [await main.predict({ [input]: x }), await main.predict({ [input]: x })];
  const out = main.outputs[0]!.name;
  expect(Array.from(b[out]!.data as Float32Array)).toEqual(Array.from(a[out]!.data as Float32Array));
  main.dispose();
});

it('a process waits for a run on the lead thread that it did not await', async () => {
  const { execFileSync } = await import('node:child_process');
  const index = new URL(`file://${join(ROOT, 'dist', 'index.js')}`).href;
  const script = `
    import(${JSON.stringify(index)}).then(async ({ loadModel, Tensor }) => {
      const model = await loadModel(${JSON.stringify(join(MODELS_DIR, 'elemnet.onnx'))}, { threads: 2, batching: false });
      const x = new Tensor('float32', new Float32Array(512 * 86).fill(0.01), [512, 86]);
      const first = await model.predict({ composition: x });
      await model.predict({ composition: x });
      model.predict({ composition: x }).then((y) => {
        console.log(y.formation_energy.data[0] === first.formation_energy.data[0] ? 'same' : 'different');
      });
    });`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: process.env });
  expect(out.trim()).toBe('same');
});

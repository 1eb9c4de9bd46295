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

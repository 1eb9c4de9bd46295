// Without the native addon (a machine where it could not be compiled), every model runs on
// onnxruntime-node and says so. Each test file runs in its own process, so disabling it here
// affects nothing else.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { devices, loadModel, UnsupportedError } from '../../src/index.js';
import { manifest, modelFeeds, MODELS_DIR, ortRun, ortSession, relL2 } from '../helpers.js';

process.env.SURROGATE_RT_NATIVE = '0';

it('runs on onnxruntime-node and reports why', async () => {
  expect(devices().native).toBe(false);
  const m = manifest().find((x) => x.name === 'crabnet')!;
  const model = await loadModel(join(MODELS_DIR, m.file));
  expect(model.backend).toBe('onnxruntime');
  expect(model.fallbackReason).toMatch(/disabled by SURROGATE_RT_NATIVE=0/);
  expect(model.inputs.map((i) => i.shape)).toEqual([['batch', 8], ['batch', 8]]);
  const feeds = modelFeeds(m, 3, 5);
  const out = await model.predict(feeds);
  const ref = await ortRun(await ortSession(join(MODELS_DIR, m.file)), feeds);
  expect(relL2(out.property!.data, ref.property!.data)).toBe(0);
  model.dispose();
});

it("fails with fallback: 'error'", async () => {
  await expect(loadModel(join(MODELS_DIR, 'gmm.onnx'), { fallback: 'error' })).rejects.toBeInstanceOf(UnsupportedError);
});

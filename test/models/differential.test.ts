// Every bundled model, on our engine vs onnxruntime-node, at batch sizes 1, 7 and 64 with fresh
// random inputs: relative L2 error ≤ 1e-5 on every output.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../src/index.js';
import { manifest, modelFeeds, MODELS_DIR, ortRun, ortSession, relL2 } from '../helpers.js';

const seed = Number(process.env.SEED ?? Date.now() % 1e9);
console.log(`differential tests: SEED=${seed}`);

describe.each(manifest())('$name', (m) => {
  const file = join(MODELS_DIR, m.file);
  let model: Model;
  afterAll(() => model?.dispose());

  it('loads on our engine (no fallback)', async () => {
    model = await loadModel(file, { device: 'cpu', fallback: 'error' });
    expect(model.backend).toBe('native');
    expect(model.inputs.map((i) => i.name)).toEqual(m.inputs.map((i) => i.name));
    expect(model.outputs.map((o) => o.name)).toEqual(m.outputs.map((o) => o.name));
  });

  it.each([1, 7, 64])('matches onnxruntime-node at batch %i', async (batch) => {
    const session = await ortSession(file);
    const feeds = modelFeeds(m, batch, seed + batch);
    const [ours, ref] = await Promise.all([model.predict(feeds), ortRun(session, feeds)]);
    for (const o of m.outputs) {
      expect(ours[o.name]!.dims).toEqual(ref[o.name]!.dims);
      expect(ours[o.name]!.type).toBe(ref[o.name]!.type);
      const err = relL2(ours[o.name]!.data, ref[o.name]!.data);
      expect(err, `${m.name} ${o.name} batch ${batch}: rel L2 ${err}`).toBeLessThanOrEqual(1e-5);
    }
    await session.release();
  });
});

// Concurrent predict() calls on one model (several native runs at once, sharing the model's
// thread pool, weights and plan cache, each with its own arena) give exactly the results of
// the same calls made one at a time (batching off: this is about overlapping native runs).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadModel } from '../../src/index.js';
import { manifest, modelFeeds, MODELS_DIR } from '../helpers.js';

it.each(['elemnet', 'phasenet', 'crabnet'])('%s: concurrent runs equal sequential runs bit for bit', async (name) => {
  const m = manifest().find((x) => x.name === name)!;
  const model = await loadModel(join(MODELS_DIR, m.file), { threads: 2, fallback: 'error', batching: false });
  const batches = name === 'phasenet' ? [1, 3, 2, 5, 1, 4] : [256, 1, 64, 256, 7, 128, 1, 300];
  const feeds = batches.map((b, i) => modelFeeds(m, b, 1000 + i));
  const sequential = [];
  for (const f of feeds) sequential.push(await model.predict(f));
  const concurrent = await Promise.all(feeds.map((f) => model.predict(f)));
  concurrent.forEach((out, i) => {
    for (const o of m.outputs) {
      expect(out[o.name]!.dims).toEqual(sequential[i]![o.name]!.dims);
      expect(Buffer.from(out[o.name]!.data.buffer).equals(Buffer.from(sequential[i]![o.name]!.data.buffer)), `${name} call ${i} output ${o.name}`).toBe(true);
    }
  });
  model.dispose();
});

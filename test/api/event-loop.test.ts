// predict() runs on a native thread: the event loop keeps turning while a long run is going.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadModel } from '../../src/index.js';
import { manifest, modelFeeds, MODELS_DIR } from '../helpers.js';

it('timers fire while a long predict() runs', async () => {
  const m = manifest().find((x) => x.name === 'phasenet')!;
  const model = await loadModel(join(MODELS_DIR, m.file), { device: 'cpu', threads: 1, fallback: 'error' });
  const feeds = modelFeeds(m, 64, 1);
  await model.predict(modelFeeds(m, 1, 2)); // warm up (plan compile) off the measured run

  let ticks = 0;
  let doneAt = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = performance.now();
  const run = model.predict(feeds).then(() => (doneAt = performance.now()));
  // While the run is in flight, the loop must still be free: a timer resolves before the run ends.
  await new Promise((r) => setTimeout(r, 20));
  const ticksDuringRun = ticks;
  const stillRunning = doneAt === 0;
  await run;
  clearInterval(timer);
  model.dispose();

  expect(stillRunning, 'the run should take longer than 20 ms so the check means something').toBe(true);
  expect(ticksDuringRun).toBeGreaterThanOrEqual(2);
  expect(doneAt - started).toBeGreaterThan(20);
});

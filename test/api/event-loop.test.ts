// predict() runs on a native thread: the event loop keeps turning while a long run is going; runs
// shorter than a thread hand-off run inline.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadModel } from '../../src/index.js';
import { runsInline } from '../../src/runner.js';
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

// Runs shorter than a thread hand-off execute on the calling thread (LoadOptions.inlineUnderUs,
// with hysteresis);
// longer ones never do, and the results are the same either way.
it('short runs execute inline, long ones on a worker, with the same results', async () => {
  const gmm = manifest().find((x) => x.name === 'gmm')!;
  const elemnet = manifest().find((x) => x.name === 'elemnet')!;
  const inline = await loadModel(join(MODELS_DIR, gmm.file), { device: 'cpu', threads: 1, fallback: 'error', batching: false });
  const worker = await loadModel(join(MODELS_DIR, gmm.file), { device: 'cpu', threads: 1, fallback: 'error', batching: false, inlineUnderUs: 0 });
  const big = await loadModel(join(MODELS_DIR, elemnet.file), { device: 'cpu', threads: 1, fallback: 'error', batching: false });
  try {
    for (let i = 0; i < 40; i++) {
      const feeds = modelFeeds(gmm, 1 + (i % 2), 10 + i);
      const [a, b] = [await inline.predict(feeds), await worker.predict(feeds)];
      expect(Array.from(a.log_im!.data as Float32Array)).toEqual(Array.from(b.log_im!.data as Float32Array));
    }
    // The first run of each plan is measured on a worker; later ones of a tiny MLP are inline.
    expect(inline.stats().inlineExecutionCount).toBeGreaterThan(20);
    expect(worker.stats().inlineExecutionCount).toBe(0);
    const feeds = modelFeeds(elemnet, 1024, 3); // tens of milliseconds: always a worker
    for (let i = 0; i < 3; i++) await big.predict(feeds);
    expect(big.stats().inlineExecutionCount).toBe(0);
    await expect(loadModel(join(MODELS_DIR, gmm.file), { inlineUnderUs: -1 })).rejects.toThrow(/Expected a number of microseconds between 0 and 1000 for inlineUnderUs but received number -1/);
    // A plan near the limit keeps its path: inline below it, and once inline up to 1.5 times it.
    const cases: [number | undefined, boolean, number, boolean][] = [
      [undefined, false, 30, false], // never run: a worker measures it first
      [29, false, 30, true],
      [35, false, 30, false],
      [35, true, 30, true],
      [44, true, 30, true],
      [46, true, 30, false],
      [1, true, 0, false], // inlineUnderUs 0: always a worker
    ];
    for (const [micros, wasInline, limit, expected] of cases) expect(runsInline({ micros, inline: wasInline }, limit), `${micros} µs, inline ${wasInline}, limit ${limit}`).toBe(expected);
  } finally {
    inline.dispose();
    worker.dispose();
    big.dispose();
  }
});

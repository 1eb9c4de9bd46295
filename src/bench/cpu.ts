#!/usr/bin/env node
// `npm run bench`: per bundled model and batch size, our CPU time and onnxruntime-node's,
// measured in the same process on the same inputs, and their ratio.
// Then the GEMM micro-benchmark: our sgemm's GFLOP/s at BENCH_GEMM (default 1024x1024x1024) as a
// fraction of the FMA peak measured on this machine with the same number of threads (best run
// against best run, and median against median).
// Options (environment): BENCH_MODELS=elemnet,gmm  BENCH_BATCHES=1,64,1024  BENCH_SECONDS=1.5  THREADS=n
//   BENCH_GEMM=MxNxK[,MxNxK...] (or 'none')
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../index.js';
import { loadAddon } from '../native.js';
import { manifest, modelFeeds, MODELS_DIR } from '../cli/bundled.js';
import { ortRun, ortSession, relL2 } from './reference.js';

const batches = (process.env.BENCH_BATCHES ?? '1,64,1024').split(',').map(Number);
const only = process.env.BENCH_MODELS?.split(',');
const seconds = Number(process.env.BENCH_SECONDS ?? '1.5');
const threads = Number(process.env.THREADS ?? availableParallelism());

/**
 * Median times of `a` and `b`, measured in alternating rounds (ROUNDS of them, each about
 * `seconds` / ROUNDS per function, at least 3 calls) after a warm-up of each of about a fifth of
 * `seconds` (at least one call, at most 5,000): steady state, with the JavaScript of both libraries
 * compiled by the JIT, is what a service sees. Alternating in rounds rather than timing one then
 * the other keeps a slow minute on a shared machine from landing on one side only.
 */
const ROUNDS = 5;
async function timeBoth(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  for (const fn of [a, b]) {
    const warm = performance.now() + (seconds * 1000) / 5;
    for (let i = 0; i === 0 || (i < 5000 && performance.now() < warm); i++) await fn();
  }
  const samples: [number[], number[]] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, fn] of [a, b].entries()) {
      const s = samples[k]!;
      const end = performance.now() + (seconds * 1000) / ROUNDS;
      for (let n = 0; n < 3 || (performance.now() < end && n < 20_000); n++) {
        const t = performance.now();
        await fn();
        s.push(performance.now() - t);
      }
    }
  }
  const median = (s: number[]) => s.sort((x, y) => x - y)[Math.floor(s.length / 2)]!;
  return [median(samples[0]), median(samples[1])];
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
console.log(`CPU benchmark — ${cpus()[0]?.model ?? 'unknown CPU'}, ${threads} thread(s) for both engines`);
console.log('ratio = onnxruntime-node time / surrogate-rt time (> 1: we are faster)\n');
console.log(['model', 'batch', 'surrogate-rt', 'onnxruntime-node', 'ratio', 'rel L2'].map((h, i) => (i < 2 ? h.padEnd(10) : h.padStart(18))).join(''));
for (const m of manifest()) {
  if (only && !only.includes(m.name)) continue;
  const file = join(MODELS_DIR, m.file);
  const model = await loadModel(file, { device: 'cpu', threads, fallback: 'error' });
  const session = await ortSession(file, threads);
  for (const batch of batches) {
    const feeds = modelFeeds(m, batch, batch);
    const ours = await model.predict(feeds);
    const ref = await ortRun(session, feeds);
    const err = Math.max(...m.outputs.map((o) => relL2(ours[o.name]!.data, ref[o.name]!.data)));
    const [tOurs, tOrt] = await timeBoth(() => model.predict(feeds), () => ortRun(session, feeds));
    console.log([m.name.padEnd(10), String(batch).padEnd(10), fmt(tOurs).padStart(18), fmt(tOrt).padStart(18), (tOrt / tOurs).toFixed(2).padStart(18), err.toExponential(1).padStart(18)].join(''));
  }
  model.dispose();
  await session.release();
}

const gemmSizes = (process.env.BENCH_GEMM ?? '1024x1024x1024').split(',').filter((s) => s !== 'none').map((s) => s.split('x').map(Number) as [number, number, number]);
const { addon, error } = loadAddon();
if (gemmSizes.length > 0 && !addon) console.log(`\nGEMM micro-benchmark skipped: ${error}`);
if (gemmSizes.length > 0 && addon) {
  console.log(`\nGEMM micro-benchmark (sgemm, B pre-packed, ${threads} thread(s)); peak = measured FMA throughput of ${threads} thread(s).`);
  console.log('Each is measured repeatedly: best run against best run (what the hardware does), and median against median.');
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
  for (const [m, n, k] of gemmSizes) {
    const r = await addon.benchGemm({ m, n, k, threads, seconds: Math.max(1, seconds) });
    console.log(`  ${m}x${n}x${k}: best ${r.bestGflops.toFixed(1)} of peak ${r.bestPeakGflops.toFixed(1)} GFLOP/s = ${pct(r.bestGflops, r.bestPeakGflops)}; median ${r.gflops.toFixed(1)} of ${r.peakGflops.toFixed(1)} = ${pct(r.gflops, r.peakGflops)}`);
  }
}

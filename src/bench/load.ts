#!/usr/bin/env node
// `npm run bench:load`: N concurrent clients, each sending single-sample requests one after
// another (a closed loop), against (a) surrogate-rt with dynamic batching, (b) surrogate-rt with
// batching off, (c) onnxruntime-node called once per request — on the same model, in one run.
// Prints throughput and p50/p99 latency for each, and the ratios against onnxruntime-node.
// Options (environment): LOAD_MODELS=elemnet,gmm  LOAD_CLIENTS=1,16,256  LOAD_SECONDS=3  THREADS=n
//   LOAD_MAX_BATCH=64 (the batcher's maxBatch)  LOAD_OUT=FILE.md (also write the table there)
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { loadModel, type Model } from '../index.js';
import { manifest, modelFeeds, MODELS_DIR, type ManifestModel } from '../cli/bundled.js';
import type { Tensor } from '../tensor.js';
import { ortRun, ortSession } from './reference.js';
import { fmtMs, percentile } from './timing.js';

const models = (process.env.LOAD_MODELS ?? 'elemnet,gmm').split(',');
const clientCounts = (process.env.LOAD_CLIENTS ?? '1,16,256').split(',').map(Number);
const seconds = Number(process.env.LOAD_SECONDS ?? '3');
const threads = Number(process.env.THREADS ?? availableParallelism());
const maxBatch = Number(process.env.LOAD_MAX_BATCH ?? '64');
const concurrency = process.env.LOAD_CONCURRENCY ? Number(process.env.LOAD_CONCURRENCY) : undefined;

interface Result { throughput: number; p50: number; p99: number; requests: number; avgBatch?: number }

/** `clients` closed-loop clients calling `call` with their own samples for `seconds`. */
async function load(clients: number, samples: Record<string, Tensor>[], call: (feeds: Record<string, Tensor>) => Promise<unknown>): Promise<Result> {
  // Warm-up: one round at this concurrency.
  await Promise.all(Array.from({ length: clients }, (_, c) => call(samples[c % samples.length]!)));
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    let k = c;
    while (performance.now() < end) {
      const t = performance.now();
      await call(samples[k % samples.length]!);
      latencies.push(performance.now() - t);
      k += clients;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { throughput: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), requests: latencies.length };
}

async function withStats(model: Model, clients: number, samples: Record<string, Tensor>[]): Promise<Result> {
  const before = model.stats();
  const r = await load(clients, samples, (f) => model.predict(f));
  const after = model.stats();
  const runs = after.executionCount - before.executionCount;
  return { ...r, avgBatch: runs ? (after.inferenceCount - before.inferenceCount) / runs : undefined };
}

const lines: string[] = [];
const out = (s: string) => {
  console.log(s);
  lines.push(s);
};

out(`# Load benchmark: concurrent single-sample clients\n`);
out(`${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'unknown CPU'} (${availableParallelism()} logical cores), Node ${process.version}; ` +
  `both engines on ${threads} thread(s); ${seconds} s per cell after a warm-up round; closed loop (each client sends its next request when the last returns). ` +
  `Batching: maxBatch ${maxBatch}, maxDelayMs 0 (batches form from requests that queue while a run is in flight).\n`);
out('| model | clients | surrogate-rt, batching | avg batch | surrogate-rt, no batching | onnxruntime-node per request | batching ÷ ORT (throughput) | p99 batching ÷ p99 ORT |');
out('|---|---:|---|---:|---|---|---:|---:|');
const cell = (r: Result) => `${Math.round(r.throughput).toLocaleString('en')} req/s, p50 ${fmtMs(r.p50)}, p99 ${fmtMs(r.p99)}`;

for (const name of models) {
  const m: ManifestModel | undefined = manifest().find((x) => x.name === name);
  if (!m) throw new Error(`unknown model ${name}`);
  const file = join(MODELS_DIR, m.file);
  const samples = Array.from({ length: 512 }, (_, i) => modelFeeds(m, 1, 1 + i));
  const batched = await loadModel(file, { device: 'cpu', threads, fallback: 'error', batching: { maxBatch, concurrency } });
  const alone = await loadModel(file, { device: 'cpu', threads, fallback: 'error', batching: false });
  const session = await ortSession(file, threads);
  if (!batched.batching.enabled) out(`(${name}: batching is off: ${batched.batching.reason})`);
  for (const clients of clientCounts) {
    const a = await withStats(batched, clients, samples);
    const b = await withStats(alone, clients, samples);
    const c = await load(clients, samples, (f) => ortRun(session, f));
    out(`| ${name} | ${clients} | ${cell(a)} | ${a.avgBatch?.toFixed(1) ?? '–'} | ${cell(b)} | ${cell(c)} | ${(a.throughput / c.throughput).toFixed(2)} | ${(a.p99 / c.p99).toFixed(2)} |`);
  }
  batched.dispose();
  alone.dispose();
  await session.release();
}
out('\nRatios: throughput with batching ÷ onnxruntime-node per request (> 1: we serve more); p99 with batching ÷ onnxruntime-node\'s p99 (< 1: our tail latency is lower).');
if (process.env.LOAD_OUT) writeFileSync(process.env.LOAD_OUT, lines.join('\n') + '\n');

// `surrogate-rt bench <model.onnx>`: throughput and latency of a model on random inputs, for each
// batch size with one client, and for each number of concurrent single-sample clients (their
// predict() calls go through the dynamic batcher), with onnxruntime-node alongside (one run()
// per request, as a service would call it) and the ratio of throughputs.
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { loadModel, type Model } from '../model.js';
import type { Tensor, TensorType } from '../tensor.js';
import { isTensorType } from '../tensor.js';
import { intList, positiveNumber, UsageError, type CommandSpec, type ParsedArgs } from './args.js';
import { manifest, randomTensor, rng } from './bundled.js';
import { formatMs, formatRate, LOAD_OPTIONS, loadOptionsOf, readModelFile, table } from './common.js';
import { ProgressBar, type ProgressStream } from './progress.js';

export const benchSpec: CommandSpec = {
  name: 'bench',
  short: 'throughput and latency per batch size and concurrency, against onnxruntime-node',
  summary: 'Measures throughput (samples/s) and latency (p50, p90, p99) on random inputs: one client per batch size,\nthen concurrent single-sample clients (batched by the dynamic batcher), with onnxruntime-node alongside.',
  positionals: [{ name: 'model.onnx', description: 'the ONNX model file' }],
  options: [
    { name: 'batches', kind: 'value', placeholder: 'LIST', description: 'batch sizes for one client (default 1,8,64)' },
    { name: 'concurrency', kind: 'value', placeholder: 'LIST', description: 'numbers of concurrent single-sample clients (default 1,16,256)' },
    { name: 'seconds', kind: 'value', placeholder: 'S', description: 'time per measurement, after a warm-up (default 3)' },
    { name: 'no-ort', kind: 'flag', description: 'do not run onnxruntime-node alongside' },
    { name: 'json', kind: 'flag', description: 'print the results as JSON' },
    ...LOAD_OPTIONS,
  ],
  details: [
    'Inputs are random, from the model\'s input types and shapes: the batch dimension takes each batch size,',
    'other symbolic dimensions 1 (value ranges from models/manifest.json for the bundled models).',
    'onnxruntime-node runs on the CPU with the same number of threads; ratio = our samples/s ÷ its samples/s.',
    '',
    'Examples:',
    '  surrogate-rt bench models/elemnet.onnx',
    '  surrogate-rt bench models/phasenet.onnx --batches 1,16 --concurrency 1,64 --seconds 1 --device cpu',
  ].join('\n'),
};

export interface Measurement {
  samplesPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  requests: number;
}

export interface BenchRow {
  /** 'batch': one client sending batches of `batch`; 'concurrency': `clients` clients sending one sample each. */
  mode: 'batch' | 'concurrency';
  clients: number;
  batch: number;
  ours: Measurement & { samplesPerRun?: number };
  ort?: Measurement;
  /** ours.samplesPerSecond / ort.samplesPerSecond. */
  ratio?: number;
}

export interface BenchResult {
  model: string;
  backend: Model['backend'];
  device: string;
  threads: number;
  batching: Model['batching'];
  seconds: number;
  /** The model has no symbolic batch dimension: one batch row, at its fixed shape. */
  fixedShape: boolean;
  rows: BenchRow[];
}

type Feeds = Record<string, Tensor>;

/** Value ranges of the inputs when the model's inputs match a bundled model's (else undefined). */
function manifestRanges(model: Model): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  try {
    for (const m of manifest()) {
      const same = m.inputs.length === model.inputs.length && m.inputs.every((i) => model.inputs.some((j) => j.name === i.name && j.type === i.type));
      if (same) for (const i of m.inputs) if (i.range) ranges.set(i.name, i.range);
    }
  } catch {
    // No manifest (an installed package without models/): default ranges.
  }
  return ranges;
}

/** Symbols that stand for the batch: those in the first dimension of an input. */
function batchSymbols(model: Model): Set<string> {
  return new Set(model.inputs.map((i) => i.shape[0]).filter((d): d is string => typeof d === 'string'));
}

/** Random feeds at `batch`: batch symbols → batch, other symbolic dims → 1. */
export function randomFeeds(model: Model, batch: number, seed: number): Feeds {
  const rand = rng(seed);
  const ranges = manifestRanges(model);
  const symbols = batchSymbols(model);
  const feeds: Feeds = {};
  for (const input of model.inputs) {
    if (!isTensorType(input.type)) throw new UsageError(`Input '${input.name}' is ${input.type}; bench can only make random float, int and bool inputs`, 'bench');
    const type: TensorType = input.type;
    const dims = input.shape.map((d) => (typeof d === 'number' ? d : symbols.has(d) ? batch : 1));
    const range = ranges.get(input.name) ?? (type === 'float32' || type === 'float64' ? [-1, 1] : [0, 1]);
    feeds[input.name] = randomTensor(type, dims, rand, range);
  }
  return feeds;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * `clients` loops calling `call` until `seconds` have passed (each at least once): latency of
 * every call, and samples per second over the whole time (the last calls included).
 */
async function measure(call: () => Promise<unknown>, clients: number, samplesPerCall: number, seconds: number): Promise<Measurement> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const client = async () => {
    let calls = 0;
    while (calls === 0 || performance.now() < end) {
      const t = performance.now();
      await call();
      latencies.push(performance.now() - t);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    samplesPerSecond: (latencies.length * samplesPerCall) / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p90Ms: percentile(latencies, 0.9),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
  };
}

interface Plan {
  mode: BenchRow['mode'];
  clients: number;
  batch: number;
}

/** Runs every measurement; a progress bar goes to `stream` when it is a terminal. */
export async function runBench(path: string, args: ParsedArgs, stream: ProgressStream = process.stderr): Promise<BenchResult> {
  const batches = intList(args, 'batches', [1, 8, 64], 'bench');
  const concurrency = intList(args, 'concurrency', [1, 16, 256], 'bench');
  const seconds = positiveNumber(args, 'seconds', 3, 'bench');
  const withOrt = !args.flags.has('no-ort');
  const loadOptions = loadOptionsOf(args, 'bench');
  const threads = loadOptions.threads ?? availableParallelism();

  const { bytes, baseDir } = await readModelFile(path);
  const model = await loadModel(bytes, { ...loadOptions, baseDir });
  // onnxruntime-node is loaded only when it runs alongside.
  const reference = withOrt ? await import('../bench/reference.js') : undefined;
  const session = reference ? await reference.ortSession(bytes, threads) : undefined;
  let progress: ProgressBar | undefined;
  try {
    // A model without a symbolic batch dimension runs at its fixed shape: one batch row.
    const batchable = batchSymbols(model).size > 0;
    const plans: Plan[] = [
      ...(batchable ? batches : [1]).map((batch) => ({ mode: 'batch' as const, clients: 1, batch })),
      ...concurrency.map((clients) => ({ mode: 'concurrency' as const, clients, batch: 1 })),
    ];
    const warmup = Math.min(0.5, seconds * 0.2);
    const engines = withOrt ? 2 : 1;
    const bar = new ProgressBar(plans.length * engines * (seconds + warmup), stream);
    progress = bar;
    let done = 0;
    let cellStart = performance.now();
    bar.animate(() => done + (performance.now() - cellStart) / 1000);
    const cell = async (label: string, fn: () => Promise<Measurement>) => {
      bar.update(done, label);
      cellStart = performance.now();
      const m = await fn();
      done += seconds + warmup;
      bar.update(done);
      return m;
    };

    const rows: BenchRow[] = [];
    for (const plan of plans) {
      const feeds = randomFeeds(model, plan.batch, plan.batch);
      // Samples per call: the first input's first dimension (the batch, or a fixed-shape model's own).
      const samples = Object.values(feeds)[0]?.dims[0] ?? 1;
      const what = plan.mode === 'batch' ? `batch ${plan.batch}` : `${plan.clients} client(s)`;
      const oursCall = () => model.predict(feeds);
      const ours = await cell(`${what}: surrogate-rt`, async () => {
        await measure(oursCall, plan.clients, samples, warmup);
        const before = model.stats();
        const m = await measure(oursCall, plan.clients, samples, seconds);
        const after = model.stats();
        const runs = after.executionCount - before.executionCount;
        return { ...m, samplesPerRun: runs > 0 ? (after.inferenceCount - before.inferenceCount) / runs : undefined };
      });
      let ort: Measurement | undefined;
      if (reference && session) {
        const ortCall = () => reference.ortRun(session, feeds);
        ort = await cell(`${what}: onnxruntime-node`, async () => {
          await measure(ortCall, plan.clients, samples, warmup);
          return measure(ortCall, plan.clients, samples, seconds);
        });
      }
      rows.push({ ...plan, ours, ort, ratio: ort ? ours.samplesPerSecond / ort.samplesPerSecond : undefined });
    }
    bar.clear();
    return { model: path, backend: model.backend, device: model.device, threads, batching: { ...model.batching }, seconds, fixedShape: !batchable, rows };
  } finally {
    progress?.clear();
    model.dispose();
    await session?.release();
  }
}

export function formatBench(r: BenchResult): string {
  const b = r.batching;
  const lines: string[] = [];
  lines.push(`${basename(r.model)}: ${r.backend === 'native' ? "surrogate-rt's engine" : 'onnxruntime-node (fallback)'} on ${r.device}, ${r.threads} CPU thread(s); ${r.seconds} s per measurement`);
  lines.push(b.enabled
    ? `batching: on (max batch ${b.maxBatch}, max delay ${b.maxDelayMs} ms, ${b.concurrency} run(s) in flight)`
    : `batching: off (${b.reason ?? 'unknown reason'})`);
  const withOrt = r.rows.some((row) => row.ort);
  if (withOrt) lines.push('onnxruntime-node: CPU, same threads, one run() per request; ratio = our samples/s ÷ its samples/s');
  lines.push('');
  const header = ['load', 'samples/s', 'p50', 'p90', 'p99', 'per run'];
  if (withOrt) header.push('ort samples/s', 'ort p50', 'ort p99', 'ratio');
  const rows = [header];
  for (const row of r.rows) {
    const clients = `${row.clients} client${row.clients === 1 ? '' : 's'}`;
    const load = r.fixedShape ? `${clients} × fixed shape` : row.mode === 'batch' ? `${clients} × batch ${row.batch}` : `${clients} × 1 sample`;
    const o = row.ours;
    const cells = [load, formatRate(o.samplesPerSecond), formatMs(o.p50Ms), formatMs(o.p90Ms), formatMs(o.p99Ms), o.samplesPerRun === undefined ? '-' : o.samplesPerRun.toFixed(1)];
    if (withOrt) {
      const t = row.ort;
      cells.push(t ? formatRate(t.samplesPerSecond) : '-', t ? formatMs(t.p50Ms) : '-', t ? formatMs(t.p99Ms) : '-', row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}×`);
    }
    rows.push(cells);
  }
  lines.push(table(rows));
  return lines.join('\n');
}

export async function benchCommand(args: ParsedArgs): Promise<void> {
  const result = await runBench(args.positionals[0]!, args);
  process.stdout.write(args.flags.has('json') ? `${JSON.stringify(result, null, 2)}\n` : `${formatBench(result)}\n`);
}

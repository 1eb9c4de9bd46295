#!/usr/bin/env node
// The GPU benchmark: `node dist/bench/gpu.js [--out FILE.md] [--json FILE.json]` (the GPU bundle's
// run-gpu.sh runs it). Per bundled model and batch size: latency (median, p90) and throughput of
// our CUDA path (CUDA graphs, without graphs, TF32), our CPU path, and PyTorch on the same GPU
// (models/torch_bench.py: eager, CUDA graphs, TF32), with the ratios torch time / ours; our CUDA
// output checked against our CPU output at batch 64; and, at the largest batch, the fraction of
// the GPU's peak FLOP/s and memory bandwidth reached. Needs no onnxruntime-node.
// Without a usable GPU it says why and still runs the CPU column; without python3/torch/CUDA it
// leaves the PyTorch columns out and says why. The files are rewritten after every model, so an
// interrupted run leaves what it measured.
// Options (environment): BENCH_SECONDS=2 (time box per cell)  BENCH_BATCHES=1,64,1024,8192
//   BENCH_MODELS=elemnet,gmm  BENCH_MAX_RUNS=1000  BENCH_CHECK_BATCH=64  BENCH_CUDA_DEVICE=0
//   THREADS=n (CPU column; default all cores)  BENCH_CPU_MAX_BATCH=1024  BENCH_CPU_MAX_RUN_SECONDS
//   PYTHON=python3  TORCH_BENCH=0 (no PyTorch columns)  TORCH_BENCH_DEVICE=cuda[:N]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlan, devices, importModel, inferShapes, loadModel, simplify, SurrogateError, type LoadOptions, type Model, type Tensor } from '../index.js';
import { manifest, modelFeeds, MODELS_DIR, type ManifestModel } from '../cli/bundled.js';
import { DTYPE_BYTES, numelOf, type Graph, type TensorInfo, type ValueTable } from '../graph/ir.js';
import { relL2 } from './metrics.js';
import { fmtBytes, fmtMs, fmtSI, timeBoxed, type Timing } from './timing.js';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------
const { values: args } = parseArgs({
  options: { out: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
if (args.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
const env = process.env;
const num = (name: string, dflt: number): number => {
  const v = env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${v}: expected a non-negative number`);
  return n;
};
const SECONDS = num('BENCH_SECONDS', 2);
const MAX_RUNS = Math.max(1, Math.floor(num('BENCH_MAX_RUNS', 1000)));
const BATCHES = (env.BENCH_BATCHES || '1,64,1024,8192').split(',').filter(Boolean).map(Number);
if (BATCHES.some((b) => !Number.isInteger(b) || b < 1)) throw new Error(`BENCH_BATCHES=${env.BENCH_BATCHES}: expected positive integers`);
const ONLY = env.BENCH_MODELS ? env.BENCH_MODELS.split(',').filter(Boolean) : undefined;
const CHECK_BATCH = Math.max(1, Math.floor(num('BENCH_CHECK_BATCH', 64)));
const CUDA_INDEX = Math.floor(num('BENCH_CUDA_DEVICE', 0));
const THREADS = Math.max(1, Math.floor(num('THREADS', availableParallelism())));
const CPU_MAX_BATCH = num('BENCH_CPU_MAX_BATCH', 1024);
const CPU_MAX_RUN_SECONDS = num('BENCH_CPU_MAX_RUN_SECONDS', Math.max(1, SECONDS));
const PYTHON = env.PYTHON || 'python3';
const TORCH_DEVICE = env.TORCH_BENCH_DEVICE || `cuda:${CUDA_INDEX}`;
const BOX = { seconds: SECONDS, maxRuns: MAX_RUNS };
/** Relative L2 error of our CUDA output against our CPU output above which a column is flagged. */
const TOLERANCE = { fp32: 1e-4, tf32: 1e-2 };

const progress = (msg: string) => process.stderr.write(`gpu-bench: ${msg}\n`);
const message = (e: unknown) => (e instanceof Error ? `${e instanceof SurrogateError ? `${e.code}: ` : ''}${e.message}` : String(e));
const oneLine = (s: string, max = 240) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

// ---------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------
type ColumnKey = 'cuda-graphs' | 'cuda-eager' | 'cuda-tf32' | 'cpu' | 'torch-eager' | 'torch-graphs' | 'torch-tf32' | 'torch-graphs-device';
const LABEL: Record<ColumnKey, string> = {
  'cuda-graphs': 'ours CUDA graphs',
  'cuda-eager': 'ours CUDA eager',
  'cuda-tf32': 'ours TF32',
  cpu: 'ours CPU',
  'torch-eager': 'torch eager',
  'torch-graphs': 'torch CUDA graphs',
  'torch-tf32': 'torch TF32',
  'torch-graphs-device': 'torch CUDA graphs, device-resident',
};
const TABLE_COLUMNS: ColumnKey[] = ['cuda-graphs', 'cuda-eager', 'cuda-tf32', 'cpu', 'torch-eager', 'torch-graphs', 'torch-tf32'];
/** Like-for-like pairs for the ratio columns: torch time / our time (> 1: we are faster). */
const RATIOS: [torch: ColumnKey, ours: ColumnKey][] = [['torch-graphs', 'cuda-graphs'], ['torch-eager', 'cuda-eager'], ['torch-tf32', 'cuda-tf32']];
const RATIO_LABEL: Partial<Record<ColumnKey, string>> = { 'torch-graphs': 'graphs: torch ÷ ours', 'torch-eager': 'eager: torch ÷ ours', 'torch-tf32': 'TF32: torch ÷ ours' };
const CUDA_CONFIGS: { key: ColumnKey; options: LoadOptions; tolerance: number }[] = [
  { key: 'cuda-graphs', options: { precision: 'fp32', cudaGraphs: true }, tolerance: TOLERANCE.fp32 },
  { key: 'cuda-eager', options: { precision: 'fp32', cudaGraphs: false }, tolerance: TOLERANCE.fp32 },
  { key: 'cuda-tf32', options: { precision: 'tf32', cudaGraphs: true }, tolerance: TOLERANCE.tf32 },
];

interface Cell {
  column: ColumnKey;
  batch: number;
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  timing?: Timing;
  /** batch / median latency */
  samplesPerSec?: number;
}

interface Analysis {
  batch: number;
  /** 2·m·n·k per Gemm/MatMul, 2·out·(Cin/g)·k per Conv, 2·in·(Cout/g)·k per ConvTranspose. */
  flops: number;
  /** Weights once + every activation (inputs, node outputs) written once and read once. */
  bytesMoved: number;
  weightBytes: number;
  /** Our plan at this batch: arena + outputs + plan constants. */
  planBytes: number;
  inputBytes: number;
}

interface ModelRecord {
  name: string;
  description: string;
  parameters?: number;
  analysis: Record<number, Analysis>;
  analysisError?: string;
  /** Relative L2 of each CUDA column's output against our CPU output at CHECK_BATCH. */
  check: Partial<Record<ColumnKey, { relL2?: number; ok?: boolean; error?: string; device?: string }>>;
  cells: Cell[];
}

// ---------------------------------------------------------------------------------------------
// FLOPs and bytes, counted from our graph at a concrete batch
// ---------------------------------------------------------------------------------------------
function bytesOf(info: TensorInfo | undefined): number {
  if (!info?.shape || !info.shape.every((d) => typeof d === 'number')) return 0;
  return numelOf(info.shape as number[]) * (DTYPE_BYTES[info.type] ?? 4);
}
const dimsOf = (values: ValueTable, name: string): number[] => (values.get(name)?.shape ?? []) as number[];

function analyze(bytes: Uint8Array, batch: number): Analysis {
  const { graph } = importModel(bytes);
  const loadTime = simplify(graph, inferShapes(graph));
  const shapes = new Map(loadTime.inputs.map((i) => [i.name, (i.shape ?? []).map((d) => (typeof d === 'number' ? d : batch))]));
  const g: Graph = simplify(loadTime, inferShapes(loadTime, shapes));
  const values = inferShapes(g, shapes);
  let flops = 0;
  let activations = 0;
  for (const i of g.inputs) activations += bytesOf(values.get(i.name));
  for (const n of g.nodes) {
    for (const o of n.outputs) if (o) activations += bytesOf(values.get(o));
    const out = dimsOf(values, n.outputs[0]!);
    if (n.op === 'Gemm') {
      const a = dimsOf(values, n.inputs[0]!);
      const k = n.attrs.transA ? a[0]! : a[1]!;
      flops += 2 * numelOf(out) * k;
    } else if (n.op === 'MatMul') {
      const a = dimsOf(values, n.inputs[0]!);
      flops += 2 * numelOf(out) * (a[a.length - 1] ?? 1);
    } else if (n.op === 'Conv') {
      const w = dimsOf(values, n.inputs[1]!);
      flops += 2 * numelOf(out) * (numelOf(w) / w[0]!);
    } else if (n.op === 'ConvTranspose') {
      const x = dimsOf(values, n.inputs[0]!);
      const w = dimsOf(values, n.inputs[1]!);
      flops += 2 * numelOf(x) * (numelOf(w) / w[0]!);
    }
  }
  let weightBytes = 0;
  for (const c of loadTime.constants.values()) weightBytes += c.data.byteLength;
  const weightIds = new Map([...loadTime.constants.keys()].map((k, i) => [k, i]));
  const plan = buildPlan(g, values, weightIds, Number.MAX_SAFE_INTEGER);
  const inputBytes = g.inputs.reduce((s, i) => s + bytesOf(values.get(i.name)), 0);
  return { batch, flops, bytesMoved: weightBytes + 2 * activations, weightBytes, planBytes: plan.bytes, inputBytes };
}

// ---------------------------------------------------------------------------------------------
// The GPU's peak, by device name (dense, no sparsity; NVIDIA's datasheets)
// ---------------------------------------------------------------------------------------------
interface Peak { label: string; fp32: number; tf32: number; bandwidth: number }
function peakFor(name: string, totalMemory: number): Peak | undefined {
  const n = name.toUpperCase();
  const T = 1e12;
  if (/\bH200\b/.test(n)) return { label: 'H200', fp32: 67 * T, tf32: 495 * T, bandwidth: 4.8 * T };
  if (/\bH100\b/.test(n)) {
    if (/PCIE/.test(n)) return { label: 'H100 PCIe', fp32: 51 * T, tf32: 378 * T, bandwidth: 2.0 * T };
    if (/\bNVL\b/.test(n)) return { label: 'H100 NVL', fp32: 60 * T, tf32: 418 * T, bandwidth: 3.9 * T };
    return { label: 'H100 SXM 80GB', fp32: 67 * T, tf32: 495 * T, bandwidth: 3.35 * T };
  }
  if (/\bA100\b/.test(n)) {
    const is40 = /40GB/.test(n) || (totalMemory > 0 && totalMemory < 48 * 2 ** 30);
    return { label: is40 ? 'A100 40GB' : 'A100 80GB', fp32: 19.5 * T, tf32: 156 * T, bandwidth: (is40 ? 1.55 : 2.0) * T };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// PyTorch (models/torch_bench.py in a child process)
// ---------------------------------------------------------------------------------------------
interface TorchRow {
  model: string; batch: number; mode: 'eager' | 'graphs' | 'tf32' | 'all'; io: 'host' | 'device';
  median_ms?: number; p90_ms?: number; mean_ms?: number; min_ms?: number; runs?: number; warmup?: number; first_ms?: number;
  samples_per_s?: number; skipped?: string; rel_l2_vs_eager_fp32?: number;
}
interface TorchResult {
  error?: string; torch?: string; torch_cuda?: string | null; cudnn?: number; cudnn_benchmark?: boolean; gpu?: string;
  compute_capability?: string; python?: string; rows?: TorchRow[];
}

function runTorch(models: string[]): Promise<TorchResult> {
  if (env.TORCH_BENCH === '0') return Promise.resolve({ error: 'TORCH_BENCH=0' });
  const script = join(MODELS_DIR, 'torch_bench.py');
  const argv = [script, '--json', '--device', TORCH_DEVICE, '--seconds', String(SECONDS), '--max-runs', String(MAX_RUNS),
    '--models', models.join(','), '--batches', BATCHES.join(',')];
  progress(`PyTorch: ${PYTHON} ${argv.join(' ')}`);
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderrTail = '';
    let child;
    try {
      child = spawn(PYTHON, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, PYTHONDONTWRITEBYTECODE: '1' } });
    } catch (e) {
      resolvePromise({ error: `cannot run ${PYTHON}: ${message(e)}` });
      return;
    }
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d.toString()).slice(-2000);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      resolvePromise({ error: e.code === 'ENOENT' ? `${PYTHON} was not found (set PYTHON=/path/to/python3)` : `cannot run ${PYTHON}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      let parsed: TorchResult | undefined;
      try {
        parsed = line ? (JSON.parse(line) as TorchResult) : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed) {
        if (!parsed.error && code !== 0) parsed.error = `torch_bench.py exited with ${code ?? signal}`;
        resolvePromise(parsed);
      } else {
        resolvePromise({ error: `torch_bench.py exited with ${code ?? signal} and printed no JSON: ${oneLine(stderrTail.split('\n').slice(-6).join(' '))}` });
      }
    });
  });
}

function torchCells(result: TorchResult, model: string): Cell[] {
  const cells: Cell[] = [];
  for (const r of result.rows ?? []) {
    if (r.model !== model) continue;
    const column: ColumnKey | undefined = r.io === 'device' ? (r.mode === 'graphs' ? 'torch-graphs-device' : undefined)
      : r.mode === 'eager' ? 'torch-eager' : r.mode === 'graphs' ? 'torch-graphs' : r.mode === 'tf32' ? 'torch-tf32' : undefined;
    if (!column) continue;
    if (r.skipped !== undefined || r.median_ms === undefined) {
      cells.push({ column, batch: r.batch, status: 'skipped', reason: r.skipped ?? 'no timing' });
    } else {
      cells.push({
        column, batch: r.batch, status: 'ok',
        timing: { median: r.median_ms, p90: r.p90_ms ?? NaN, mean: r.mean_ms ?? NaN, min: r.min_ms ?? NaN, runs: r.runs ?? 0, warmup: r.warmup ?? 0, first: r.first_ms ?? NaN },
        samplesPerSec: r.batch / (r.median_ms / 1000),
      });
    }
  }
  return cells;
}

// ---------------------------------------------------------------------------------------------
// Our engine
// ---------------------------------------------------------------------------------------------
function isMemoryError(e: unknown): boolean {
  return e instanceof SurrogateError && (e.code === 'ERR_OUT_OF_MEMORY' || e.code === 'ERR_MEMORY_LIMIT');
}

async function timeCell(model: Model, column: ColumnKey, batch: number, feeds: Record<string, Tensor>): Promise<Cell> {
  try {
    const timing = await timeBoxed(() => model.predict(feeds), BOX);
    progress(`${column} batch ${batch}: median ${fmtMs(timing.median)}, p90 ${fmtMs(timing.p90)} (${timing.runs} run(s); first call ${fmtMs(timing.first)})`);
    return { column, batch, status: 'ok', timing, samplesPerSec: batch / (timing.median / 1000) };
  } catch (e) {
    progress(`${column} batch ${batch}: ${message(e)}`);
    if (isMemoryError(e)) return { column, batch, status: 'skipped', reason: `does not fit: ${oneLine(message(e))}` };
    return { column, batch, status: 'error', reason: oneLine(message(e)) };
  }
}

function maxRelL2(ours: Record<string, Tensor>, ref: Record<string, Tensor>): number {
  let worst = 0;
  for (const [name, t] of Object.entries(ref)) {
    const o = ours[name];
    if (!o || o.dims.join(',') !== t.dims.join(',')) return Infinity;
    worst = Math.max(worst, relL2(o.data, t.data));
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------
const started = new Date();
const dev = devices();
const gpu = dev.cuda.devices.find((d) => d.index === CUDA_INDEX) ?? dev.cuda.devices[CUDA_INDEX];
let gpuReason: string | undefined;
if (!dev.native) gpuReason = `the native addon is not available: ${dev.nativeError}`;
else if (!dev.cuda.built) gpuReason = `the addon was built without CUDA: ${dev.cuda.message}`;
else if (dev.cuda.reason) gpuReason = `${dev.cuda.reason}: ${dev.cuda.message}`;
else if (!gpu) gpuReason = `no CUDA device ${CUDA_INDEX} (${dev.cuda.devices.length} visible)`;
const peak = gpu ? peakFor(gpu.name, gpu.totalMemory) : undefined;
const gpuMemoryLimit = gpu ? Math.floor(gpu.totalMemory * 0.9) : 0;
const version = (v: number) => (v > 0 ? `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}` : 'none');
const cpuModel = cpus()[0]?.model?.trim() || dev.cpu.model || 'unknown CPU';
const pkg = JSON.parse(readFileSync(join(MODELS_DIR, '..', 'package.json'), 'utf8')) as { version?: string };

const models = manifest().filter((m) => !ONLY || ONLY.includes(m.name));
if (ONLY) for (const n of ONLY) if (!models.some((m) => m.name === n)) throw new Error(`BENCH_MODELS: no bundled model '${n}'`);

progress(gpuReason ? `no GPU: ${gpuReason}` : `GPU ${gpu!.name} (compute capability ${gpu!.computeCapability}, ${fmtBytes(gpu!.totalMemory)})`);
const cellsPerModel = BATCHES.length * (gpuReason ? 1 : 3) + BATCHES.filter((b) => b <= CPU_MAX_BATCH).length;
progress(`${models.length} model(s) × batches ${BATCHES.join(', ')}; time box ${SECONDS} s per cell: our columns take at most ~${Math.ceil((models.length * cellsPerModel * SECONDS * 1.3) / 60)} min`);

const torch = await runTorch(models.map((m) => m.name));
if (torch.error) progress(`PyTorch columns left out: ${torch.error}`);

const records: ModelRecord[] = [];
writeOutputs(true);
for (const m of models) {
  records.push(await benchModel(m));
  writeOutputs(records.length < models.length);
}
const markdown = render(false);
console.log(markdown);
progress(`done in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s${args.out ? `; wrote ${args.out}` : ''}${args.json ? ` and ${args.json}` : ''}`);

async function benchModel(m: ManifestModel): Promise<ModelRecord> {
  progress(`== ${m.name}`);
  const file = join(MODELS_DIR, m.file);
  const bytes = readFileSync(file);
  const rec: ModelRecord = {
    name: m.name, description: m.description, parameters: (m as ManifestModel & { parameters?: number }).parameters,
    analysis: {}, check: {}, cells: [...torchCells(torch, m.name)],
  };
  try {
    for (const b of new Set([1, CHECK_BATCH, ...BATCHES])) rec.analysis[b] = analyze(bytes, b);
  } catch (e) {
    rec.analysisError = oneLine(message(e));
  }
  const feedCache = new Map<number, Record<string, Tensor>>();
  const feeds = (b: number) => {
    let f = feedCache.get(b);
    if (!f) feedCache.set(b, (f = modelFeeds(m, b, b)));
    return f;
  };

  // Our CPU path: the reference for the CUDA check, then its own column.
  let cpu: Model | undefined;
  let cpuReason: string | undefined;
  let ref: Record<string, Tensor> | undefined;
  try {
    cpu = await loadModel(file, { device: 'cpu', threads: THREADS, fallback: 'error' });
    ref = await cpu.predict(feeds(CHECK_BATCH));
  } catch (e) {
    cpuReason = `our CPU path failed: ${oneLine(message(e))}`;
    progress(cpuReason);
  }

  for (const cfg of CUDA_CONFIGS) {
    const skipAll = (reason: string) => {
      for (const b of BATCHES) rec.cells.push({ column: cfg.key, batch: b, status: 'skipped', reason });
    };
    if (gpuReason) {
      skipAll(`no GPU: ${gpuReason}`);
      continue;
    }
    let model: Model;
    try {
      model = await loadModel(file, { ...cfg.options, device: `cuda:${CUDA_INDEX}`, fallback: 'error', memoryLimit: gpuMemoryLimit });
    } catch (e) {
      const why = `loadModel failed: ${oneLine(message(e))}`;
      progress(`${cfg.key}: ${why}`);
      rec.check[cfg.key] = { error: why };
      skipAll(why);
      continue;
    }
    try {
      const out = await model.predict(feeds(CHECK_BATCH));
      const err = ref ? maxRelL2(out, ref) : NaN;
      rec.check[cfg.key] = { relL2: err, ok: ref ? err <= cfg.tolerance : undefined, device: model.device };
      progress(`${cfg.key} on ${model.device}: rel L2 vs CPU at batch ${CHECK_BATCH} = ${err.toExponential(2)}${ref ? (err <= cfg.tolerance ? ' (ok)' : ` — OVER ${cfg.tolerance}`) : ' (no CPU reference)'}`);
    } catch (e) {
      rec.check[cfg.key] = { error: oneLine(message(e)), device: model.device };
      progress(`${cfg.key}: check run failed: ${message(e)}`);
    }
    for (const b of BATCHES) {
      const a = rec.analysis[b];
      const need = a ? a.weightBytes + a.planBytes + a.inputBytes : 0;
      if (gpu && need > gpuMemoryLimit) {
        rec.cells.push({ column: cfg.key, batch: b, status: 'skipped', reason: `would need ${fmtBytes(need)} of GPU memory, more than 90% of ${fmtBytes(gpu.totalMemory)}` });
        continue;
      }
      rec.cells.push(await timeCell(model, cfg.key, b, feeds(b)));
    }
    try {
      model.dispose();
    } catch (e) {
      progress(`${cfg.key}: dispose failed: ${message(e)}`);
    }
  }

  let previous: Cell | undefined;
  for (const b of BATCHES) {
    const skip = (reason: string) => rec.cells.push({ column: 'cpu', batch: b, status: 'skipped', reason });
    if (!cpu) {
      skip(cpuReason ?? 'no CPU model');
      continue;
    }
    if (b > CPU_MAX_BATCH) {
      skip(`the CPU column stops at batch ${CPU_MAX_BATCH} (BENCH_CPU_MAX_BATCH)`);
      continue;
    }
    const estimate = previous?.timing ? (previous.timing.median * b) / previous.batch : 0;
    if (estimate > CPU_MAX_RUN_SECONDS * 1000) {
      skip(`too slow: about ${fmtMs(estimate)} per run expected from batch ${previous!.batch} (limit ${CPU_MAX_RUN_SECONDS} s, BENCH_CPU_MAX_RUN_SECONDS)`);
      continue;
    }
    const cell = await timeCell(cpu, 'cpu', b, feeds(b));
    rec.cells.push(cell);
    if (cell.status === 'ok') previous = cell;
  }
  cpu?.dispose();
  return rec;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
function cellOf(rec: ModelRecord, column: ColumnKey, batch: number): Cell | undefined {
  return rec.cells.find((c) => c.column === column && c.batch === batch);
}

function fmtRate(samplesPerSec: number): string {
  return fmtSI(samplesPerSec, '/s');
}

function render(partial: boolean): string {
  const lines: string[] = [];
  const hasTorch = !torch.error || (torch.rows?.length ?? 0) > 0;
  // Without a GPU the CUDA columns are left out (the header says why).
  const columns = TABLE_COLUMNS.filter((c) => (hasTorch || !c.startsWith('torch')) && (!gpuReason || !c.startsWith('cuda')));
  lines.push(`# surrogate-rt GPU benchmark${partial ? ' (partial: still running or interrupted)' : ''}`, '');
  lines.push(`- Date: ${started.toISOString()} on ${hostname()}`);
  if (gpu) {
    lines.push(`- GPU: ${gpu.name} (cuda:${gpu.index}), compute capability ${gpu.computeCapability}, ${fmtBytes(gpu.totalMemory)}, ${gpu.multiprocessors} SMs`);
    lines.push(`- Peak: ${peak ? `${peak.label}: ${peak.fp32 / 1e12} TFLOP/s FP32, ${peak.tf32 / 1e12} TFLOP/s TF32 (dense), ${peak.bandwidth / 1e12} TB/s` : 'n/a (device not in the table)'}`);
  } else {
    lines.push(`- GPU: none usable — ${gpuReason}. The CUDA columns are left out.`);
  }
  lines.push(`- CUDA: driver ${version(dev.cuda.driverVersion)}, runtime ${version(dev.cuda.runtimeVersion)} (${!dev.native ? 'our addon is not loaded' : dev.cuda.built ? 'our addon, built with CUDA' : 'our addon, built WITHOUT CUDA'})`);
  lines.push(`- CPU: ${cpuModel} (${availableParallelism()} logical cores${dev.cpu.avx512f ? ', AVX-512' : dev.cpu.avx2 ? ', AVX2' : ''}), ${fmtBytes(totalmem())} RAM; our CPU column uses ${THREADS} thread(s)`);
  lines.push(`- Node ${process.version}, surrogate-rt ${pkg.version ?? '?'}`);
  if (torch.error && !(torch.rows?.length)) lines.push(`- PyTorch: columns left out — ${torch.error}`);
  else lines.push(`- PyTorch ${torch.torch ?? '?'} (CUDA ${torch.torch_cuda ?? '?'}, cuDNN ${torch.cudnn ?? '?'}${torch.cudnn_benchmark ? ', cudnn.benchmark on' : ''}), Python ${torch.python ?? '?'}, on ${torch.gpu ?? TORCH_DEVICE}${torch.error ? ` — ${torch.error}` : ''}`);
  lines.push(`- Method: each cell is time-boxed to ${SECONDS} s (BENCH_SECONDS) after a first call and 1–3 warm-up calls, at most ${MAX_RUNS} runs; latency = median (p90) of one call from host inputs to host outputs (ours: \`await model.predict()\`; PyTorch: copy to the GPU, forward, copy back), throughput = batch / median (samples/s). Ratios: torch time ÷ our time, like for like (> 1: we are faster). fp32 columns run with TF32 off; "TF32" columns use TF32 tensor cores (ours: \`precision: 'tf32'\`, PyTorch: allow_tf32 for matmul and cuDNN, with CUDA graphs).`);
  lines.push('');

  // Correctness.
  if (!gpuReason) {
    lines.push(`## Check: our CUDA output vs our CPU output (batch ${CHECK_BATCH}, relative L2, max over outputs)`, '');
    lines.push(`| model | ${CUDA_CONFIGS.map((c) => LABEL[c.key]).join(' | ')} |`, `|---|${CUDA_CONFIGS.map(() => '---|').join('')}`);
    for (const rec of records) {
      lines.push(`| ${rec.name} | ${CUDA_CONFIGS.map((c) => {
        const k = rec.check[c.key];
        if (!k) return '—';
        if (k.error) return `error: ${oneLine(k.error, 80)}`;
        if (k.ok === undefined) return `${k.relL2!.toExponential(1)} (no CPU reference)`;
        return `${k.relL2!.toExponential(1)} ${k.ok ? 'ok' : `**MISMATCH** (> ${c.tolerance})`}`;
      }).join(' | ')} |`);
    }
    lines.push('', `Tolerances: ${TOLERANCE.fp32} for fp32, ${TOLERANCE.tf32} for TF32. A column that fails the check is marked ✗ below: its times describe a wrong result.`, '');
  }

  // Per model.
  for (const rec of records) {
    const a1 = rec.analysis[1];
    lines.push(`## ${rec.name}`, '', rec.description, '');
    if (a1) {
      lines.push(`${rec.parameters !== undefined ? `${fmtSI(rec.parameters)} parameters, ` : ''}${fmtSI(a1.flops, 'FLOP')} per sample (Gemm/MatMul/Conv/ConvTranspose), weights ${fmtBytes(a1.weightBytes)}, activations ~${fmtBytes((a1.bytesMoved - a1.weightBytes) / 2)} per sample.`, '');
    } else if (rec.analysisError) {
      lines.push(`FLOP count unavailable: ${rec.analysisError}`, '');
    }
    const ratioCols = hasTorch && !gpuReason ? RATIOS : [];
    lines.push(`| batch | ${columns.map((c) => LABEL[c]).join(' | ')}${ratioCols.map(([t]) => ` | ${RATIO_LABEL[t]}`).join('')} |`);
    lines.push(`|---:|${columns.map(() => '---|').join('')}${ratioCols.map(() => '---:|').join('')}`);
    const notes: { column: ColumnKey; batch: number; what: string }[] = [];
    for (const b of BATCHES) {
      const row = columns.map((col) => {
        const c = cellOf(rec, col, b);
        if (!c) return '—';
        if (c.status !== 'ok') {
          notes.push({ column: col, batch: b, what: `${c.status === 'error' ? 'ERROR: ' : 'skipped: '}${c.reason}` });
          return c.status === 'error' ? 'error' : 'skipped';
        }
        const bad = rec.check[col]?.ok === false ? ' ✗' : '';
        return `${fmtMs(c.timing!.median)} (p90 ${fmtMs(c.timing!.p90)}) · ${fmtRate(c.samplesPerSec!)}${bad}`;
      });
      const ratios = ratioCols.map(([t, o]) => {
        const ct = cellOf(rec, t, b), co = cellOf(rec, o, b);
        return ct?.timing && co?.timing ? `${(ct.timing.median / co.timing.median).toFixed(2)}×` : '—';
      });
      lines.push(`| ${b} | ${[...row, ...ratios].join(' | ')} |`);
    }
    lines.push('');
    // One note per reason: the columns and batches it applies to.
    const byReason = new Map<string, { columns: Set<string>; batches: Set<number> }>();
    for (const n of notes) {
      const g = byReason.get(n.what) ?? { columns: new Set(), batches: new Set() };
      g.columns.add(LABEL[n.column]);
      g.batches.add(n.batch);
      byReason.set(n.what, g);
    }
    for (const [what, g] of byReason) lines.push(`- ${[...g.columns].join(', ')} (batch ${[...g.batches].join(', ')}): ${what}`);
    if (byReason.size) lines.push('');
  }

  // Fraction of peak.
  if (records.length && !gpuReason) {
    lines.push('## Fraction of the GPU\'s peak at the largest batch that ran', '');
    lines.push('| model | engine | batch | latency | achieved FLOP/s | of peak | achieved B/s | of peak bandwidth |', '|---|---|---:|---:|---:|---:|---:|---:|');
    const engines: [ColumnKey, 'fp32' | 'tf32'][] = [['cuda-graphs', 'fp32'], ['cuda-tf32', 'tf32'], ['torch-graphs', 'fp32'], ['torch-tf32', 'tf32'], ['torch-graphs-device', 'fp32']];
    for (const rec of records) {
      for (const [col, precision] of engines) {
        const ok = rec.cells.filter((c) => c.column === col && c.status === 'ok').sort((x, y) => y.batch - x.batch)[0];
        const a = ok && rec.analysis[ok.batch];
        if (!ok || !a) continue;
        const s = ok.timing!.median / 1000;
        const fl = a.flops / s, bw = a.bytesMoved / s;
        const pct = (x: number, p: number | undefined) => (p ? `${((100 * x) / p).toPrecision(2)}% (${precision.toUpperCase()})` : 'n/a');
        lines.push(`| ${rec.name} | ${LABEL[col]} | ${ok.batch} | ${fmtMs(ok.timing!.median)} | ${fmtSI(fl, 'FLOP/s')} | ${pct(fl, peak?.[precision])} | ${fmtSI(bw, 'B/s')} | ${peak ? `${((100 * bw) / peak.bandwidth).toPrecision(2)}%` : 'n/a'} |`);
      }
    }
    lines.push('', 'FLOPs: 2·m·n·k per Gemm/MatMul, 2·output·(Cin/groups)·kernel per Conv, 2·input·(Cout/groups)·kernel per ConvTranspose, counted from our graph at that batch (elementwise work not counted). Bytes: weights once, plus every activation (inputs and node outputs) written once and read once — what an unfused executor moves at least. All but the device-resident row include the host↔device copies and the call overhead, so they understate what the kernels reach.', '');
  }
  return lines.join('\n');
}

function writeOutputs(partial: boolean): void {
  if (args.out) {
    mkdirSync(dirname(resolve(args.out)), { recursive: true });
    writeFileSync(args.out, render(partial) + '\n');
  }
  if (args.json) {
    mkdirSync(dirname(resolve(args.json)), { recursive: true });
    const json = {
      partial,
      date: started.toISOString(),
      host: hostname(),
      node: process.version,
      surrogateRt: pkg.version,
      options: { seconds: SECONDS, maxRuns: MAX_RUNS, batches: BATCHES, checkBatch: CHECK_BATCH, threads: THREADS, cpuMaxBatch: CPU_MAX_BATCH, cpuMaxRunSeconds: CPU_MAX_RUN_SECONDS, cudaDevice: CUDA_INDEX },
      gpu: gpu ?? null,
      gpuReason: gpuReason ?? null,
      peak: peak ?? null,
      devices: dev,
      cpu: { model: cpuModel, logicalCores: availableParallelism(), totalMemory: totalmem() },
      torch,
      models: records,
    };
    writeFileSync(args.json, JSON.stringify(json, null, 1) + '\n');
  }
}

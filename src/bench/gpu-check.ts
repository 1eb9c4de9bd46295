// The GPU check: on a CUDA machine, every ONNX conformance case of op set v1 and every bundled
// model at batch sizes 1, 7, 64 and 1024 must give the same results on 'cuda' as on 'cpu'
// (relative L2 error ≤ 1e-5 in fp32; NaN and ±Inf in the same places; integers exact), and the
// conformance cases must also match their expected outputs (rtol 1e-3, atol 1e-7). Device memory
// (arena and outputs) and the host output buffers are filled with 0xFF bytes (NaN) before every
// run, so memory a kernel fails to write shows. Each CUDA run is done twice: the second replays
// the captured CUDA graph and must give identical bytes. The TF32 error of each model is printed.
// Ends with 'N passed, N failed'.
//
//   node dist/bench/gpu-check.js [--device cuda:N] [--batches 1,7,64,1024] [--models a,b]
//                                [--no-conformance] [--no-models] [--emulator]
// SURROGATE_RT_CONFORMANCE points at the conformance data; --emulator runs the CUDA code on the
// CPU emulator build (build/Release/surrogate_rt_emu.node), to check this script without a GPU.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifest, modelFeeds, MODELS_DIR, type ManifestModel } from '../cli/bundled.js';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { checkFeeds, type Feed, type ModelIO } from '../feeds.js';
import type { Graph } from '../graph/ir.js';
import { inferShapes } from '../graph/infer.js';
import type { PlanOutput } from '../graph/plan.js';
import { simplify } from '../graph/simplify.js';
import { EMULATOR_ADDON_FILE, loadAddon, loadAddonFile, type Addon } from '../native.js';
import { importModel } from '../onnx/import.js';
import { NativeRunner, type EngineConfig } from '../runner.js';
import { arrayClassFor, type Tensor, type TensorData, type TensorType } from '../tensor.js';
import { conformanceCases, conformanceDir, dataSets, type ConformanceCase } from './conformance.js';
import { allClose, asNumbers } from './metrics.js';

export interface GpuCheckOptions {
  addon: Addon;
  deviceIndex: number;
  /** Conformance data folder; undefined skips the conformance part. */
  conformance?: string;
  /** Case names to run (all when undefined). */
  caseFilter?: (c: ConformanceCase) => boolean;
  models: ManifestModel[];
  batches: number[];
  seed: number;
  threads: number;
  log: (line: string) => void;
}

export interface GpuCheckResult {
  passed: number;
  failed: number;
  /** Not run: outside what our engine supports on any device (e.g. float16 cases). */
  skipped: number;
  failures: string[];
  /** Relative L2 error of TF32 mode against the CPU, per model and batch. */
  tf32: { model: string; batch: number; error: number }[];
}

export const FP32_TOLERANCE = 1e-5;

/** Output buffers filled with 0xFF bytes (NaN for floats), so unwritten elements show. */
export function poisoned(o: PlanOutput): TensorData {
  const C = arrayClassFor(o.type as TensorType);
  const a = new C(o.dims.reduce((x, y) => x * y, 1));
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0xff);
  return a;
}

/**
 * Why `got` is not the same result as `ref` ('' when it is): same type and dims; integers and
 * booleans equal; floats with NaN and ±Inf in the same places and a relative L2 error of the rest
 * at most `tol`.
 */
export function sameResult(got: Tensor, ref: Tensor, tol: number): string {
  if (got.type !== ref.type) return `type ${got.type} vs ${ref.type}`;
  if (got.dims.join(',') !== ref.dims.join(',')) return `dims [${got.dims}] vs [${ref.dims}]`;
  const a = asNumbers(got.data), b = asNumbers(ref.data);
  const exact = got.type !== 'float32' && got.type !== 'float64';
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (exact || !Number.isFinite(y) || !Number.isFinite(x)) {
      if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)))) return `element ${i}: ${x} vs ${y}`;
      continue;
    }
    num += (x - y) * (x - y);
    den += y * y;
  }
  const err = den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  return err <= tol ? '' : `relative L2 error ${err.toExponential(2)} > ${tol}`;
}

function sameBytes(a: Tensor, b: Tensor): boolean {
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function prepared(bytes: Uint8Array, baseDir?: string): Graph {
  const graph = importModel(bytes, { baseDir }).graph;
  return simplify(graph, inferShapes(graph));
}

function runner(addon: Addon, graph: Graph, config: Partial<EngineConfig> & Pick<EngineConfig, 'device'>): NativeRunner {
  return new NativeRunner(addon, graph, { deviceIndex: 0, threads: 1, memoryLimit: 16 * 2 ** 30, tf32: false, cudaGraphs: true, poison: true, ...config });
}

/** Why these feeds cannot run on `r` ('' when they can). */
function unsupported(r: NativeRunner, feeds: Feed[]): string {
  const shapes = new Map(feeds.map((f) => [f.name, f.dims]));
  return [...new Set(r.unsupportedFor(shapes, r.inputValues(feeds)))].slice(0, 2).join('; ');
}

export async function gpuCheck(o: GpuCheckOptions): Promise<GpuCheckResult> {
  const result: GpuCheckResult = { passed: 0, failed: 0, skipped: 0, failures: [], tf32: [] };
  const pass = () => result.passed++;
  const fail = (what: string, why: string) => {
    result.failed++;
    result.failures.push(`${what}: ${why}`);
    o.log(`FAIL ${what}: ${why}`);
  };
  const cuda = { device: 'cuda' as const, deviceIndex: o.deviceIndex };

  if (o.conformance) {
    const cases = conformanceCases(o.conformance).filter(o.caseFilter ?? (() => true));
    o.log(`conformance: ${cases.length} cases of op set v1 in ${o.conformance}`);
    const skippedWhy = new Map<string, number>();
    for (const c of cases) {
      const what = `${c.suite}/${c.name}`;
      let graph: Graph;
      try {
        graph = prepared(readFileSync(join(c.dir, 'model.onnx')));
      } catch (e) {
        if (!(e instanceof UnsupportedError)) { fail(what, `import: ${(e as Error).message}`); continue; }
        result.skipped++;
        skippedWhy.set('not importable', (skippedWhy.get('not importable') ?? 0) + 1);
        continue;
      }
      let cpu: NativeRunner | undefined, gpu: NativeRunner | undefined;
      try {
        cpu = runner(o.addon, graph, { device: 'cpu' });
        gpu = runner(o.addon, graph, cuda);
        for (const set of dataSets(c, graph.inputs.length, graph.outputs.length)) {
          const given: Record<string, Tensor> = {};
          graph.inputs.forEach((inp, i) => { if (set.inputs[i]) given[inp.name] = set.inputs[i]!; });
          const { feeds } = checkFeeds(graph.inputs as ModelIO[], given);
          const cpuWhy = unsupported(cpu, feeds);
          if (cpuWhy) {
            result.skipped++;
            skippedWhy.set(cpuWhy, (skippedWhy.get(cpuWhy) ?? 0) + 1);
            continue;
          }
          const gpuWhy = unsupported(gpu, feeds);
          if (gpuWhy) { fail(`${what} ${set.name}`, `runs on the CPU but not on CUDA: ${gpuWhy}`); continue; }
          const ref = await cpu.run(feeds, poisoned);
          const first = await gpu.run(feeds, poisoned);
          const again = await gpu.run(feeds, poisoned);
          const problems: string[] = [];
          graph.outputs.forEach((out, i) => {
            const expected = set.outputs[i];
            const got = first[out.name]!;
            if (expected) {
              const bad = got.type !== expected.type ? `type ${got.type} vs ${expected.type}` : got.dims.join(',') !== expected.dims.join(',') ? `dims [${got.dims}] vs [${expected.dims}]` : allClose(got.data, expected.data);
              if (bad) problems.push(`output ${i} vs expected: ${bad}`);
            }
            const vsCpu = sameResult(got, ref[out.name]!, FP32_TOLERANCE);
            if (vsCpu) problems.push(`output ${i} vs cpu: ${vsCpu}`);
            if (!sameBytes(got, again[out.name]!)) problems.push(`output ${i}: the CUDA-graph replay differs from the first run`);
          });
          if (problems.length) fail(`${what} ${set.name}`, problems.join('; '));
          else pass();
        }
      } catch (e) {
        // Element types no part of surrogate-rt handles (float16, string, uint16 ...): not run.
        if (e instanceof UnsupportedError || (e instanceof InvalidArgumentError && / for Tensor type /.test(e.message))) {
          result.skipped++;
          const why = (e as Error).message.replace(/^.*(element type \w+|received string '\w+').*$/, '$1');
          skippedWhy.set(why, (skippedWhy.get(why) ?? 0) + 1);
        } else {
          fail(what, `${(e as Error).name}: ${(e as Error).message}`);
        }
      } finally {
        cpu?.dispose();
        gpu?.dispose();
      }
    }
    o.log(`conformance: ${result.passed} passed, ${result.failed} failed, ${result.skipped} not run (outside our engine on any device)`);
    for (const [why, n] of skippedWhy) o.log(`  not run (${n}): ${why}`);
  }

  for (const m of o.models) {
    const file = join(MODELS_DIR, m.file);
    const graph = prepared(readFileSync(file), MODELS_DIR);
    const cpu = runner(o.addon, graph, { device: 'cpu', threads: o.threads });
    const gpu = runner(o.addon, graph, cuda);
    const tf32 = runner(o.addon, graph, { ...cuda, tf32: true });
    try {
      for (const batch of o.batches) {
        const what = `${m.name} batch ${batch}`;
        try {
          const { feeds } = checkFeeds(graph.inputs as ModelIO[], modelFeeds(m, batch, o.seed + batch));
          const ref = await cpu.run(feeds, poisoned);
          const first = await gpu.run(feeds, poisoned);
          const again = await gpu.run(feeds, poisoned);
          const t = await tf32.run(feeds, poisoned);
          const problems: string[] = [];
          let worst = 0, worstTf32 = 0;
          for (const out of graph.outputs) {
            const bad = sameResult(first[out.name]!, ref[out.name]!, FP32_TOLERANCE);
            if (bad) problems.push(`${out.name}: ${bad}`);
            if (!sameBytes(first[out.name]!, again[out.name]!)) problems.push(`${out.name}: the CUDA-graph replay differs from the first run`);
            worst = Math.max(worst, relError(first[out.name]!, ref[out.name]!));
            worstTf32 = Math.max(worstTf32, relError(t[out.name]!, ref[out.name]!));
          }
          result.tf32.push({ model: m.name, batch, error: worstTf32 });
          o.log(`${problems.length ? 'FAIL' : 'ok  '} ${what.padEnd(22)} fp32 rel L2 ${worst.toExponential(2)}  tf32 rel L2 ${worstTf32.toExponential(2)}`);
          if (problems.length) fail(what, problems.join('; '));
          else pass();
        } catch (e) {
          fail(what, `${(e as Error).name}: ${(e as Error).message}`);
        }
      }
    } finally {
      cpu.dispose();
      gpu.dispose();
      tf32.dispose();
    }
  }
  return result;
}

function relError(a: Tensor, b: Tensor): number {
  const x = asNumbers(a.data), y = asNumbers(b.data);
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) continue;
    num += (x[i]! - y[i]!) ** 2;
    den += y[i]! ** 2;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const emulator = args.includes('--emulator');
  const { addon, error } = emulator ? loadAddonFile(EMULATOR_ADDON_FILE) : loadAddon();
  if (!addon) throw new Error(`the native addon is not available: ${error}`);
  const cuda = addon.devices().cuda;
  const deviceIndex = Number((value('--device') ?? 'cuda:0').replace(/^cuda:?/, '') || 0);
  console.log(`GPU check: ${emulator ? 'CUDA emulator build' : 'CUDA build'}, driver ${cuda.driverVersion}, runtime ${cuda.runtimeVersion}`);
  for (const d of cuda.devices) console.log(`  cuda:${d.index} ${d.name} (compute ${d.computeCapability}, ${(d.totalMemory / 2 ** 30).toFixed(1)} GiB)`);
  if (cuda.devices.length === 0) {
    console.log(`no usable CUDA device (${cuda.reason}: ${cuda.message})\n0 passed, 1 failed`);
    process.exitCode = 1;
    return;
  }
  const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
  const wanted = value('--models')?.split(',');
  const result = await gpuCheck({
    addon,
    deviceIndex,
    conformance: args.includes('--no-conformance') ? undefined : conformanceDir(existsSync(join(root, 'conformance')) ? join(root, 'conformance') : join(root, '..', 'shared', 'onnx-conformance')),
    models: args.includes('--no-models') ? [] : manifest().filter((m) => !wanted || wanted.includes(m.name)),
    batches: (value('--batches') ?? '1,7,64,1024').split(',').map(Number),
    seed: Number(process.env.SEED ?? 1234),
    threads: availableParallelism(),
    log: (line) => console.log(line),
  });
  if (result.tf32.length) {
    const worst = Math.max(...result.tf32.map((t) => t.error));
    console.log(`TF32 mode: largest relative L2 error against the CPU (fp32) ${worst.toExponential(2)}`);
  }
  if (result.failures.length) console.log(`failures:\n  ${result.failures.join('\n  ')}`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exitCode = result.failed > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

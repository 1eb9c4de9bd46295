// What ops.test.ts and ops.bench.ts share: building a case's model and inputs from a seed, the
// backend list, running a case through our pipeline stages (import → infer → simplify →
// NativeRunner) with guarded output buffers, and comparing with onnxruntime-node.
import { UnsupportedError } from '../../src/errors.js';
import { checkFeeds, type Feed, type ModelIO } from '../../src/feeds.js';
import type { Graph } from '../../src/graph/ir.js';
import { inferShapes } from '../../src/graph/infer.js';
import type { PlanOutput } from '../../src/graph/plan.js';
import { simplify } from '../../src/graph/simplify.js';
import { EMULATOR_ADDON_FILE, loadAddon, loadAddonFile, type Addon, type NativeEngine } from '../../src/native.js';
import { importModel } from '../../src/onnx/import.js';
import { NativeRunner } from '../../src/runner.js';
import { Tensor, type TensorData, type TensorType } from '../../src/tensor.js';
import { rng } from '../helpers.js';
import { buildModel, type NodeSpec } from '../onnx-builder.js';
import { DEFAULT_TOL, type InputSpec, type OpCase, type OutputSpec } from './cases.js';

export const MEMORY_LIMIT = 1 << 30;
/** Threads of our engine in the op tests (1, as the brief of these tests says; THREADS=n to stress a threaded build). */
export const THREADS = Number(process.env.THREADS ?? 1);
export const GUARD_BYTES = 64;
const GUARD_FILL = 0xa5;
const POISON = 0xff;

// ---- seeds and inputs ------------------------------------------------------------------------

/** The run's base seed: SEED=… reproduces a run. */
export function baseSeed(): number {
  const s = process.env.SEED;
  return s !== undefined && s !== '' ? Number(s) >>> 0 : (Date.now() % 1e9) >>> 0;
}

/** A case's own seed (FNV-1a of its name mixed with the base seed), so one case reproduces alone. */
export function caseSeed(base: number, name: string): number {
  let h = 0x811c9dc5 ^ base;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const ARRAY: Record<TensorType, { new (n: number): TensorData; new (b: ArrayBuffer, offset: number, length: number): TensorData; BYTES_PER_ELEMENT: number }> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array, int64: BigInt64Array, bool: Uint8Array,
};

const numel = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function randomData(spec: InputSpec & { kind: 'random' }, dims: number[], rand: () => number): TensorData {
  const n = numel(dims);
  const isInt = spec.type === 'int32' || spec.type === 'int64' || spec.type === 'int8' || spec.type === 'uint8';
  const [lo, hi] = spec.range ?? (isInt ? [-10, 10] : spec.type === 'bool' ? [0, 1] : [-1, 1]);
  const data = new ARRAY[spec.type](n);
  for (let i = 0; i < n; i++) {
    if (spec.type === 'bool') {
      (data as Uint8Array)[i] = rand() < 0.5 ? 1 : 0;
    } else if (isInt) {
      const v = Math.min(hi, Math.floor(lo + (hi - lo + 1) * rand()));
      if (data instanceof BigInt64Array) data[i] = BigInt(v);
      else (data as Int32Array)[i] = v;
    } else {
      let v = lo + (hi - lo) * rand();
      if (spec.integers) v = Math.round(v);
      if (spec.nan && rand() < spec.nan) v = NaN;
      (data as Float32Array)[i] = v;
    }
  }
  return data;
}

function constData(spec: InputSpec & { kind: 'const' }): TensorData {
  const data = new ARRAY[spec.type](spec.values.length);
  spec.values.forEach((v, i) => {
    if (data instanceof BigInt64Array) data[i] = BigInt(v);
    else (data as Float32Array)[i] = Number(v);
  });
  return data;
}

export interface BuiltCase {
  bytes: Uint8Array;
  /** Graph inputs (random inputs that are not initializers), by name. */
  feeds: Record<string, Tensor>;
  /** Feeds for a second run at other values of the symbolic dims (same model), when the case has symbols. */
  altFeeds?: Record<string, Tensor>;
  seed: number;
}

/**
 * Other values for a case's symbolic dims, for a second run of the same runner at new shapes
 * (a second plan): 'batch' becomes 1 (or 4 when it was 1), any other symbol grows by 3.
 */
export function altSymbols(c: OpCase): Map<string, number> | undefined {
  if (c.fixedDims) return undefined;
  const m = new Map<string, number>();
  for (const spec of c.inputs) {
    if (spec.kind !== 'random' || spec.init || !spec.declared) continue;
    spec.declared.forEach((d, i) => {
      if (typeof d !== 'string' || m.has(d)) return;
      const was = spec.dims[i]!;
      m.set(d, d === 'batch' ? (was === 1 ? 4 : 1) : was + 3);
    });
  }
  return m.size ? m : undefined;
}

/** Random feeds for the graph inputs, with symbolic dims bound by `symbols` (else the case's dims). */
function buildFeeds(c: OpCase, rand: () => number, bench: boolean, symbols?: Map<string, number>): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const spec of c.inputs) {
    if (spec.kind !== 'random' || spec.init) continue;
    let dims = bench && spec.benchDims ? spec.benchDims : spec.dims;
    if (symbols && spec.declared) dims = dims.map((d, i) => (typeof spec.declared![i] === 'string' ? symbols.get(spec.declared![i] as string) ?? d : d));
    feeds[spec.name] = new Tensor(spec.type, randomData(spec, dims, rand), dims);
  }
  return feeds;
}

/** The case's ONNX model and its feeds, from `seed`; `bench` uses the benchDims. */
export function buildCase(c: OpCase, seed: number, bench = false): BuiltCase {
  const rand = rng(seed); // weights
  const initializers: Record<string, Tensor> = {};
  const graphInputs: { name: string; type: string; shape: (number | string)[] }[] = [];
  for (const spec of c.inputs) {
    if (spec.kind === 'const') {
      initializers[spec.name] = new Tensor(spec.type, constData(spec), spec.dims);
      continue;
    }
    const dims = bench && spec.benchDims ? spec.benchDims : spec.dims;
    if (spec.init) {
      initializers[spec.name] = new Tensor(spec.type, randomData(spec, dims, rand), dims);
    } else {
      const declared = spec.declared ? spec.declared.map((d, i) => (typeof d === 'string' ? d : dims[i]!)) : dims;
      graphInputs.push({ name: spec.name, type: spec.type, shape: declared });
    }
  }
  const feedRand = rng(seed ^ 0x9e3779b9);
  const feeds = buildFeeds(c, feedRand, bench);
  const alt = bench ? undefined : altSymbols(c);
  const altFeeds = alt ? buildFeeds(c, feedRand, false, alt) : undefined;
  const outputs: OutputSpec[] = c.outputs ?? [{ name: 'y', type: 'float32' }];
  const nodes: NodeSpec[] = c.nodes ?? [{ op: c.op, inputs: c.nodeInputs ?? c.inputs.map((i) => i.name), outputs: outputs.map((o) => o.name), attrs: c.attrs }];
  const bytes = buildModel({
    opset: c.opset,
    inputs: graphInputs,
    outputs: outputs.map((o) => ({ name: o.name, type: o.type, shape: undefined })),
    nodes,
    initializers,
  });
  return { bytes, feeds, altFeeds, seed };
}

// ---- backends --------------------------------------------------------------------------------

export interface Backend {
  name: 'cpu' | 'cuda' | 'cuda-emu';
  /** The addon, with Engine bound to this backend's device. */
  addon?: Addon;
  /** Why this backend is not tested here. */
  skip?: string;
}

/** The addon with every Engine created on `device`/`index` (prepareNative asks for the CPU). */
function onDevice(addon: Addon, device: number, deviceIndex: number): Addon {
  const Base = addon.Engine;
  const Engine = function (options: ConstructorParameters<Addon['Engine']>[0]): NativeEngine {
    return new Base({ ...options, device, deviceIndex });
  } as unknown as Addon['Engine'];
  return { ...addon, Engine };
}

/**
 * Every backend the engine has: 'cpu'; 'cuda' when the addon sees a GPU; and 'cuda-emu', the CUDA
 * kernels and executor of the emulator build (build/Release/surrogate_rt_emu.node, which `npm test`
 * builds first) running on the CPU, so CI tests the CUDA code without a GPU.
 */
export function backends(): Backend[] {
  const { addon, error } = loadAddon();
  const list: Backend[] = [];
  if (!addon) {
    list.push({ name: 'cpu', skip: `the native addon is not available: ${error}` }, { name: 'cuda', skip: 'the native addon is not available' });
  } else {
    list.push({ name: 'cpu', addon });
    const cuda = addon.devices().cuda;
    if (cuda.devices.length === 0) list.push({ name: 'cuda', skip: `no CUDA device (${cuda.reason || 'none'}: ${cuda.message})` });
    else list.push({ name: 'cuda', addon: onDevice(addon, 1, 0) });
  }
  const emu = loadAddonFile(EMULATOR_ADDON_FILE);
  if (emu.addon) list.push({ name: 'cuda-emu', addon: onDevice(emu.addon, 1, 0) });
  else list.push({ name: 'cuda-emu', skip: `the CUDA emulator build is not available (${emu.error}; \`npm run build:emu\` builds it)` });
  return list;
}

// ---- our engine, stage by stage --------------------------------------------------------------

export type Prepared =
  | { ok: true; runner: NativeRunner; graph: Graph; feeds: Feed[] }
  | { ok: false; skip: string };

/** Checked feeds for a prepared runner, or why the engine cannot run these shapes. */
export function nativeFeeds(runner: NativeRunner, feeds: Record<string, Tensor>): { feeds: Feed[] } | { skip: string } {
  const checked = checkFeeds(runner.graph.inputs as ModelIO[], feeds);
  const reasons = runner.unsupportedFor(checked.shapes, runner.inputValues(checked.feeds));
  return reasons.length > 0 ? { skip: `engine: ${[...new Set(reasons)].join('; ')}` } : { feeds: checked.feeds };
}

/** import → simplify(graph, inferShapes(graph)) → NativeRunner → unsupportedFor(shapes). */
export function prepareNative(addon: Addon, built: BuiltCase, threads = THREADS): Prepared {
  let imported;
  try {
    imported = importModel(built.bytes);
  } catch (e) {
    if (e instanceof UnsupportedError) return { ok: false, skip: `import: ${e.message}` };
    throw e;
  }
  const refused = imported.graph.nodes.filter((n) => n.unsupported);
  if (refused.length > 0) return { ok: false, skip: `import: ${refused.map((n) => `${n.op}: ${n.unsupported}`).join('; ')}` };
  const graph = simplify(imported.graph, inferShapes(imported.graph));
  let runner: NativeRunner;
  try {
    runner = new NativeRunner(addon, graph, { device: 'cpu', deviceIndex: 0, threads, memoryLimit: MEMORY_LIMIT, tf32: false, cudaGraphs: true });
  } catch (e) {
    if (e instanceof UnsupportedError) return { ok: false, skip: `runner: ${e.message}` };
    throw e;
  }
  const { feeds, shapes } = checkFeeds(graph.inputs as ModelIO[], built.feeds);
  let reasons: string[];
  try {
    reasons = runner.unsupportedFor(shapes, runner.inputValues(feeds));
  } catch (e) {
    runner.dispose();
    throw e;
  }
  if (reasons.length > 0) {
    runner.dispose();
    return { ok: false, skip: `engine: ${[...new Set(reasons)].join('; ')}` };
  }
  return { ok: true, runner, graph, feeds };
}

/** Output buffers with GUARD_BYTES of 0xA5 on each side, the output itself poisoned with 0xFF (NaN for floats). */
export class GuardedOutputs {
  private readonly regions: { name: string; bytes: Uint8Array; size: number }[] = [];

  readonly allocate = (o: PlanOutput): TensorData => {
    const C = ARRAY[o.type as TensorType];
    if (!C) throw new Error(`output '${o.name}' has element type ${o.type}, which no typed array holds`);
    const n = numel(o.dims);
    const size = n * C.BYTES_PER_ELEMENT;
    const buffer = new ArrayBuffer(size + 2 * GUARD_BYTES);
    const bytes = new Uint8Array(buffer);
    bytes.fill(GUARD_FILL);
    bytes.fill(POISON, GUARD_BYTES, GUARD_BYTES + size);
    this.regions.push({ name: o.name, bytes, size });
    return new C(buffer, GUARD_BYTES, n);
  };

  /** Descriptions of every guard byte that changed (empty when all are intact). */
  check(): string[] {
    const bad: string[] = [];
    for (const { name, bytes, size } of this.regions) {
      const hits: number[] = [];
      for (let i = 0; i < GUARD_BYTES; i++) {
        if (bytes[i] !== GUARD_FILL) hits.push(i - GUARD_BYTES);
        if (bytes[GUARD_BYTES + size + i] !== GUARD_FILL) hits.push(size + i);
      }
      if (hits.length > 0) bad.push(`output '${name}' (${size} bytes): guard bytes overwritten at byte offsets ${hits.slice(0, 8).join(', ')}${hits.length > 8 ? ', …' : ''}`);
    }
    return bad;
  }
}

// ---- comparison ------------------------------------------------------------------------------

const FLOAT_TYPES = new Set(['float32', 'float64']);

/**
 * Compares one output with the reference: same element type and dims; floats by relative L2
 * error (NaN must be where the reference has NaN, ±Inf must match exactly), integers and bool
 * exactly. Returns the failure or undefined.
 */
export function compareOutput(name: string, actual: Tensor, expected: { type: string; dims: readonly number[]; data: TensorData }, tol = DEFAULT_TOL): string | undefined {
  if (actual.type !== expected.type) return `output '${name}': element type ${actual.type}, reference ${expected.type}`;
  if (actual.dims.length !== expected.dims.length || actual.dims.some((d, i) => d !== expected.dims[i])) {
    return `output '${name}': dims [${actual.dims.join(', ')}], reference [${expected.dims.join(', ')}]`;
  }
  const a = actual.data, e = expected.data;
  if (a.length !== e.length) return `output '${name}': ${a.length} elements, reference ${e.length}`;
  if (!FLOAT_TYPES.has(actual.type)) {
    let mismatches = 0;
    let first = -1;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== e[i]) {
        if (first < 0) first = i;
        mismatches++;
      }
    }
    if (mismatches > 0) {
      return `output '${name}' (${actual.type}): ${mismatches}/${a.length} elements differ; first at flat index ${first} (${indexOf(first, actual.dims)}): ${a[first]} vs reference ${e[first]}` +
        `\n  ours: ${preview(a)}\n  ref:  ${preview(e)}`;
    }
    return undefined;
  }
  const x = a as Float32Array, y = e as Float32Array;
  let num = 0, den = 0, worst = -1, worstErr = -1;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!, v = y[i]!;
    if (Number.isNaN(v) || Number.isNaN(u)) {
      if (Number.isNaN(v) !== Number.isNaN(u)) return `output '${name}': flat index ${i} (${indexOf(i, actual.dims)}) is ${u}, reference ${v}\n  ours: ${preview(x)}\n  ref:  ${preview(y)}`;
      continue;
    }
    if (!Number.isFinite(v) || !Number.isFinite(u)) {
      if (u !== v) return `output '${name}': flat index ${i} (${indexOf(i, actual.dims)}) is ${u}, reference ${v}\n  ours: ${preview(x)}\n  ref:  ${preview(y)}`;
      continue;
    }
    const d = u - v;
    num += d * d;
    den += v * v;
    if (Math.abs(d) > worstErr) {
      worstErr = Math.abs(d);
      worst = i;
    }
  }
  const err = den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  if (!(err <= tol)) {
    return `output '${name}': relative L2 error ${err.toExponential(3)} > ${tol}; worst at flat index ${worst} (${indexOf(worst, actual.dims)}): ${x[worst]} vs reference ${y[worst]}` +
      `\n  ours: ${preview(x)}\n  ref:  ${preview(y)}`;
  }
  return undefined;
}

/** The relative L2 error the way compareOutput measures it (Infinity when NaN/Inf positions differ). */
export function relError(actual: TensorData, expected: TensorData): number {
  const x = actual as Float32Array, y = expected as Float32Array;
  if (x.length !== y.length) return Infinity;
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!, v = y[i]!;
    if (Number.isNaN(u) || Number.isNaN(v) || !Number.isFinite(u) || !Number.isFinite(v)) {
      if (!(Object.is(u, v) || (Number.isNaN(u) && Number.isNaN(v)) || u === v)) return Infinity;
      continue;
    }
    num += (u - v) ** 2;
    den += v * v;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

/** A single-input element-wise case's result in float64, rounded to float32 (the best float32 answer). */
export function exactOutput(c: OpCase, built: BuiltCase): Float32Array | undefined {
  if (c.exact64) return Float32Array.from(c.exact64(built.feeds));
  if (!c.exact) return undefined;
  const inputs = Object.values(built.feeds);
  if (inputs.length !== 1 || inputs[0]!.type !== 'float32') return undefined;
  return Float32Array.from(inputs[0]!.data as Float32Array, (v) => c.exact!(v));
}

function indexOf(flat: number, dims: readonly number[]): string {
  const idx: number[] = [];
  for (let k = dims.length - 1; k >= 0; k--) {
    idx.unshift(flat % dims[k]!);
    flat = Math.floor(flat / dims[k]!);
  }
  return `[${idx.join(', ')}]`;
}

function preview(d: TensorData, n = 12): string {
  const items = Array.from({ length: Math.min(n, d.length) }, (_, i) => {
    const v = d[i]!;
    return typeof v === 'bigint' ? String(v) : Number.isInteger(v) ? String(v) : (v as number).toPrecision(6);
  });
  return `[${items.join(', ')}${d.length > n ? `, … (${d.length})` : ''}]`;
}

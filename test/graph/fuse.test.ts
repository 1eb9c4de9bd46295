// The fusion passes (src/graph/fuse.ts): each on small models built here, where it must fire and
// where it must not, with the outputs of the graph before and after run on our engine (equal within
// float rounding) and compared with onnxruntime-node on the original model, and the fused graph on the
// CUDA kernels (emulator build) against the CPU; then the bundled models.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Feed } from '../../src/feeds.js';
import { activation, foldAffine, fuse, gelu, layerNorm, matmulAddGemm, type FusionPass } from '../../src/graph/fuse.js';
import { inferShapes } from '../../src/graph/infer.js';
import type { Graph, ValueTable } from '../../src/graph/ir.js';
import { simplify } from '../../src/graph/simplify.js';
import { loadModel, Tensor } from '../../src/index.js';
import { EMULATOR_ADDON_FILE, loadAddon, loadAddonFile, type Addon } from '../../src/native.js';
import { importModel } from '../../src/onnx/import.js';
import { NativeRunner } from '../../src/runner.js';
import { manifest, modelFeeds, MODELS_DIR, ortRun, ortSession, randomTensor, relL2, rng } from '../helpers.js';
import { buildModel, type ModelSpec, type NodeSpec } from '../onnx-builder.js';

const { addon } = loadAddon();
/** The CUDA kernels compiled against the CPU emulator (built before npm test), when present. */
const emu = loadAddonFile(EMULATOR_ADDON_FILE).addon;
/** Before vs after fusion, both on our engine. */
const SAME_TOL = 1e-6;
/** Ours (fused) vs onnxruntime-node on the original model. */
const ORT_TOL = 1e-5;

/** The load-time stages before fusion: import → infer → simplify. */
function stages(bytes: Uint8Array): { graph: Graph; values: ValueTable } {
  const { graph } = importModel(bytes);
  const values = inferShapes(graph);
  return { graph: simplify(graph, values), values };
}

/** Runs `graph` on our engine (CPU), without fusion on the specialised graph unless `refuse`. */
async function runGraph(graph: Graph, feeds: Record<string, Tensor>, refuse = false, on: { addon: Addon; device: 'cpu' | 'cuda' } = { addon: addon!, device: 'cpu' }, threads = 1): Promise<Record<string, Tensor>> {
  const runner = new NativeRunner(on.addon, graph, { device: on.device, deviceIndex: 0, threads, memoryLimit: 1 << 30, tf32: false, cudaGraphs: false, fuse: refuse });
  try {
    const list: Feed[] = Object.entries(feeds).map(([name, t]) => ({ name, type: t.type, data: t.data, dims: [...t.dims] }));
    return await runner.run(list);
  } finally {
    runner.dispose();
  }
}

async function ortOutputs(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ortSession(bytes);
  try {
    return await ortRun(session, feeds);
  } finally {
    await session.release();
  }
}

const ops = (g: Graph) => g.nodes.map((n) => n.op);

interface Case {
  spec: ModelSpec;
  feeds: Record<string, Tensor>;
  /** The pass under test (default: all of them, through fuse()). */
  pass?: FusionPass;
  /** The core ops after the pass, or 'unchanged' when it must not fire. */
  expected: string[] | 'unchanged';
  /** Threads of our engine for the fused graph (default 1). */
  threads?: number;
}

/** Checks what the pass does to the model, then before ≡ after on our engine, and after ≈ onnxruntime. */
async function check(c: Case): Promise<Graph> {
  const bytes = buildModel(c.spec);
  const { graph, values } = stages(bytes);
  const fused = c.pass ? c.pass.run(graph, values) : fuse(graph, values);
  if (c.expected === 'unchanged') {
    expect(ops(fused)).toEqual(ops(graph));
    expect(fused.nodes).toEqual(graph.nodes);
  } else {
    expect(ops(fused)).toEqual(c.expected);
    expect(fused.nodes.length).toBeLessThan(graph.nodes.length);
  }
  // every constant the fused graph reads exists and is known to `values`
  for (const n of fused.nodes) for (const i of n.inputs) if (i !== '' && !n.outputs.includes(i)) expect(values.has(i), `value ${i}`).toBe(true);
  for (const name of fused.constants.keys()) expect(fused.nodes.some((n) => n.inputs.includes(name)) || fused.outputs.some((o) => o.name === name)).toBe(true);
  if (!addon) return fused;
  const [before, after, ref] = await Promise.all([runGraph(graph, c.feeds), runGraph(fused, c.feeds, false, undefined, c.threads), ortOutputs(bytes, c.feeds)]);
  // The fused graph on the CUDA kernels too (through the emulator), against our CPU engine.
  const onCuda = emu ? await runGraph(fused, c.feeds, false, { addon: emu, device: 'cuda' }) : undefined;
  for (const o of c.spec.outputs) {
    if (onCuda) {
      const e = relL2(onCuda[o.name]!.data, after[o.name]!.data);
      expect(e, `${o.name}: fused on cuda-emu vs cpu, rel L2 ${e}`).toBeLessThanOrEqual(SAME_TOL);
    }
    expect(after[o.name]!.dims).toEqual(ref[o.name]!.dims);
    expect(after[o.name]!.dims).toEqual(before[o.name]!.dims);
    const same = relL2(after[o.name]!.data, before[o.name]!.data);
    expect(same, `${o.name}: before vs after fusion, rel L2 ${same}`).toBeLessThanOrEqual(SAME_TOL);
    const err = relL2(after[o.name]!.data, ref[o.name]!.data);
    expect(err, `${o.name}: fused vs onnxruntime, rel L2 ${err}`).toBeLessThanOrEqual(ORT_TOL);
  }
  return fused;
}

const f32 = (dims: number[], seed: number, range: [number, number] = [-1, 1]) => randomTensor('float32', dims, rng(seed), range);
const scalar = (v: number) => new Tensor('float32', Float32Array.of(v), []);
const out = (name = 'y') => ({ name, type: 'float32', shape: undefined });
const inp = (name: string, shape: (number | string)[]) => ({ name, type: 'float32', shape });

// ---- BatchNormalization (and per-channel Mul/Add) folded into Conv, ConvTranspose, Gemm ---------------

function bnInits(c: number, seed: number): Record<string, Tensor> {
  return { bn_s: f32([c], seed, [0.5, 1.5]), bn_b: f32([c], seed + 1), bn_m: f32([c], seed + 2), bn_v: f32([c], seed + 3, [0.2, 2]) };
}
const bnNode = (x: string, y = 'y'): NodeSpec => ({ op: 'BatchNormalization', inputs: [x, 'bn_s', 'bn_b', 'bn_m', 'bn_v'], outputs: [y], attrs: { epsilon: { float: 1e-3 } } });

interface ConvOpts { op: 'Conv' | 'ConvTranspose'; spatial: number[]; cin: number; cout: number; k: number; group?: number; bias: boolean; strides?: number[] }

function convBn(o: ConvOpts): Case {
  const group = o.group ?? 1;
  const s = o.spatial.length;
  const w = o.op === 'Conv' ? [o.cout, o.cin / group, ...new Array(s).fill(o.k)] : [o.cin, o.cout / group, ...new Array(s).fill(o.k)];
  const pad = Math.floor(o.k / 2);
  const attrs = { group, pads: new Array(2 * s).fill(pad), strides: o.strides ?? new Array(s).fill(1) };
  return {
    spec: {
      inputs: [inp('x', ['n', o.cin, ...o.spatial])],
      outputs: [out()],
      nodes: [{ op: o.op, inputs: o.bias ? ['x', 'w', 'b'] : ['x', 'w'], outputs: ['c'], attrs }, bnNode('c')],
      initializers: { w: f32(w, 1), ...(o.bias ? { b: f32([o.cout], 2) } : {}), ...bnInits(o.cout, 3) },
    },
    feeds: { x: f32([2, o.cin, ...o.spatial], 9) },
    pass: foldAffine,
    expected: [o.op],
  };
}

describe('fold-affine: BatchNormalization into Conv / ConvTranspose / Gemm', () => {
  it.each([
    ['Conv 1-D with bias', { op: 'Conv', spatial: [20], cin: 3, cout: 4, k: 5, bias: true }],
    ['Conv 1-D without bias', { op: 'Conv', spatial: [20], cin: 3, cout: 4, k: 5, bias: false }],
    ['Conv 2-D with bias, group 2', { op: 'Conv', spatial: [9, 7], cin: 4, cout: 6, k: 3, group: 2, bias: true }],
    ['Conv 2-D without bias, stride 2', { op: 'Conv', spatial: [9, 9], cin: 3, cout: 5, k: 3, bias: false, strides: [2, 2] }],
    ['ConvTranspose 1-D without bias', { op: 'ConvTranspose', spatial: [12], cin: 6, cout: 4, k: 3, bias: false, strides: [2] }],
    ['ConvTranspose 2-D with bias, group 2', { op: 'ConvTranspose', spatial: [5, 6], cin: 4, cout: 6, k: 3, group: 2, bias: true }],
  ] as [string, ConvOpts][])('%s', async (_, o) => {
    const fused = await check(convBn(o));
    expect(fused.nodes[0]!.inputs).toHaveLength(3); // the BN's shift became the bias
    expect(fused.nodes[0]!.outputs).toEqual(['y']);
  });

  it('folds a lone per-channel Add (a bias) and Mul after a Conv', async () => {
    const fused = await check({
      spec: {
        inputs: [inp('x', ['n', 3, 10, 10])],
        outputs: [out()],
        nodes: [
          { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Add', inputs: ['t', 'c'], outputs: ['a'] },
          { op: 'Mul', inputs: ['a', 'k'], outputs: ['y'] },
        ],
        initializers: { w: f32([4, 3, 3, 3], 1), t: f32([1, 4, 1, 1], 2), k: scalar(0.75) },
      },
      feeds: { x: f32([2, 3, 10, 10], 3) },
      pass: foldAffine,
      expected: ['Conv'],
    });
    expect(fused.constants.has('w')).toBe(false); // the original weight is no longer read
  });

  it('folds BatchNormalization after a Gemm (per output column), transB 0 and 1', async () => {
    for (const transB of [0, 1]) {
      await check({
        spec: {
          inputs: [inp('x', ['n', 12])],
          outputs: [out()],
          nodes: [{ op: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['g'], attrs: { transB, alpha: { float: 0.5 }, beta: { float: 2 } } }, bnNode('g')],
          initializers: { w: f32(transB ? [7, 12] : [12, 7], 1), b: f32([7], 2), ...bnInits(7, 3) },
        },
        feeds: { x: f32([5, 12], 4) },
        pass: foldAffine,
        expected: ['Gemm'],
      });
    }
  });

  const convThen = (nodes: NodeSpec[], outputs: string[], extra: Record<string, Tensor> = {}, w: 'const' | 'input' = 'const'): Case => ({
    spec: {
      inputs: [inp('x', ['n', 3, 16]), ...(w === 'input' ? [inp('w', [4, 3, 3])] : [])],
      outputs: outputs.map((o) => out(o)),
      nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { pads: [1, 1] } }, ...nodes],
      initializers: { ...(w === 'const' ? { w: f32([4, 3, 3], 1) } : {}), b: f32([4], 2), ...bnInits(4, 3), ...extra },
    },
    feeds: { x: f32([2, 3, 16], 5), ...(w === 'input' ? { w: f32([4, 3, 3], 6) } : {}) },
    pass: foldAffine,
    expected: 'unchanged',
  });

  it('does not fold when the Conv output is read twice', async () => {
    await check(convThen([bnNode('c'), { op: 'Relu', inputs: ['c'], outputs: ['z'] }], ['y', 'z']));
  });

  it('does not fold when the Conv output is a graph output', async () => {
    await check(convThen([bnNode('c')], ['y', 'c']));
  });

  it('does not fold a constant that varies along a spatial axis, or a computed weight', async () => {
    await check(convThen([{ op: 'Add', inputs: ['c', 't'], outputs: ['y'] }], ['y'], { t: f32([16], 7) }));
    await check(convThen([{ op: 'Mul', inputs: ['c', 't'], outputs: ['y'] }], ['y'], { t: f32([4, 16], 7) }));
    await check(convThen([bnNode('c')], ['y'], {}, 'input'));
  });
});

// ---- MatMul + Add → Gemm ------------------------------------------------------------------------------

describe('matmul-add-gemm', () => {
  const mmAdd = (x: (number | string)[], bias: number[], biasFirst = false, extra: NodeSpec[] = [], outputs = ['y']): Case => ({
    spec: {
      inputs: [inp('x', x)],
      outputs: outputs.map((o) => out(o)),
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] }, { op: 'Add', inputs: biasFirst ? ['b', 'm'] : ['m', 'b'], outputs: ['y'] }, ...extra],
      initializers: { w: f32([16, 8], 1), b: f32(bias, 2) },
    },
    feeds: { x: f32(x.map((d) => (typeof d === 'number' ? d : 3)), 3) },
    pass: matmulAddGemm,
    expected: ['Gemm'],
  });

  it('fuses a rank-2 MatMul with a constant weight and a bias of shape [N] or [1, N], in either order', async () => {
    const fused = await check(mmAdd(['n', 16], [8]));
    expect(fused.nodes[0]!.attrs).toEqual({ alpha: 1, beta: 1, transA: 0, transB: 0 });
    await check(mmAdd(['n', 16], [1, 8], true));
    await check(mmAdd([5, 16], [1]));
  });

  it('leaves batched MatMuls, row-varying biases and shared products alone', async () => {
    await check({ ...mmAdd(['n', 4, 16], [8]), expected: 'unchanged' });
    await check({ ...mmAdd([3, 16], [3, 8]), expected: 'unchanged' });
    await check({ ...mmAdd(['n', 16], [8], false, [{ op: 'Relu', inputs: ['m'], outputs: ['z'] }], ['y', 'z']), expected: 'unchanged' });
    await check({ ...mmAdd(['n', 16], [8], false, [], ['y', 'm']), expected: 'unchanged' });
  });

  it('chains with fold-affine: MatMul → Add → BatchNormalization becomes one Gemm', async () => {
    const c = mmAdd(['n', 16], [8], false);
    c.spec.nodes[1]!.outputs = ['a'];
    c.spec.nodes.push(bnNode('a'));
    c.spec.initializers = { ...c.spec.initializers, ...bnInits(8, 4) };
    await check({ ...c, pass: undefined, expected: ['Gemm'] });
  });
});

// ---- LayerNormalization --------------------------------------------------------------------------------

interface LnOpts {
  x?: (number | string)[];
  axes?: number[];
  square?: 'pow' | 'mul';
  gamma?: 'const' | 'input' | 'none';
  beta?: boolean;
  outputs?: string[];
  extra?: NodeSpec[];
}

function lnCase(o: LnOpts = {}): Case {
  const x = o.x ?? ['n', 5, 16];
  const axes = o.axes ?? [-1];
  // gamma/beta dims: x's from the first reduced axis on, 1 where not reduced
  const reduced = axes.map((a) => (a < 0 ? a + x.length : a));
  const norm = x.slice(Math.min(...reduced)).map((d, i) => (reduced.includes(i + Math.min(...reduced)) ? (d as number) : 1));
  const gamma = o.gamma ?? 'const';
  const nodes: NodeSpec[] = [
    { op: 'ReduceMean', inputs: ['x'], outputs: ['mu'], attrs: { axes } },
    { op: 'Sub', inputs: ['x', 'mu'], outputs: ['d'] },
    o.square === 'mul' ? { op: 'Mul', inputs: ['d', 'd'], outputs: ['d2'] } : { op: 'Pow', inputs: ['d', 'two'], outputs: ['d2'] },
    { op: 'ReduceMean', inputs: ['d2'], outputs: ['var'], attrs: { axes } },
    { op: 'Add', inputs: o.square === 'mul' ? ['eps', 'var'] : ['var', 'eps'], outputs: ['ve'] },
    { op: 'Sqrt', inputs: ['ve'], outputs: ['sd'] },
    { op: 'Div', inputs: ['d', 'sd'], outputs: ['nrm'] },
  ];
  let last = 'nrm';
  if (gamma !== 'none') {
    nodes.push({ op: 'Mul', inputs: [last, 'gamma'], outputs: ['sc'] });
    last = 'sc';
  }
  if (o.beta ?? true) {
    nodes.push({ op: 'Add', inputs: ['beta', last], outputs: ['bt'] });
    last = 'bt';
  }
  nodes[nodes.length - 1]!.outputs = ['y'];
  const feedDims = x.map((d) => (typeof d === 'number' ? d : 3));
  return {
    spec: {
      inputs: [inp('x', x), ...(gamma === 'input' ? [inp('gamma', norm)] : [])],
      outputs: (o.outputs ?? ['y']).map((n) => out(n)),
      nodes: [...nodes, ...(o.extra ?? [])],
      initializers: { two: scalar(2), eps: scalar(1e-5), beta: f32(norm, 2), ...(gamma === 'const' ? { gamma: f32(norm, 1, [0.5, 1.5]) } : {}) },
      opset: 17,
    },
    feeds: { x: f32(feedDims, 3, [-2, 3]), ...(gamma === 'input' ? { gamma: f32(norm, 4) } : {}) },
    pass: layerNorm,
    expected: ['LayerNormalization'],
  };
}

describe('layer-norm', () => {
  it('fuses the opset < 17 spelling (Pow, Div, gamma, beta) over the last axis', async () => {
    const fused = await check(lnCase());
    const ln = fused.nodes[0]!;
    expect(ln.attrs.axis).toBe(2);
    expect(ln.attrs.epsilon).toBeCloseTo(1e-5, 12);
    expect(ln.inputs).toEqual(['x', 'gamma', 'beta']);
  });

  it('fuses Mul(d, d), eps first, over two trailing axes, and without gamma/beta', async () => {
    const fused = await check(lnCase({ x: ['n', 4, 6], axes: [-2, -1], square: 'mul' }));
    expect(fused.nodes[0]!.attrs.axis).toBe(1);
    await check(lnCase({ gamma: 'none', beta: false }));
    await check(lnCase({ gamma: 'none' }));
  });

  it('leaves a non-constant gamma (and the beta after it) as they are', async () => {
    // The normalisation itself is still exactly LayerNormalization (with unit scale); gamma is not absorbed.
    const fused = await check({ ...lnCase({ gamma: 'input' }), expected: ['LayerNormalization', 'Mul', 'Add'] });
    expect(fused.nodes[1]!.inputs).toContain('gamma');
    expect(Array.from(fused.constants.get(fused.nodes[0]!.inputs[1]!)!.data as Float32Array)).toEqual(new Array(16).fill(1));
  });

  it('does not fire over a non-trailing axis, or when an intermediate is read elsewhere', async () => {
    await check({ ...lnCase({ axes: [1] }), expected: 'unchanged' });
    await check({ ...lnCase({ outputs: ['y', 'd'] }), expected: 'unchanged' });
    await check({ ...lnCase({ outputs: ['y', 'z'], extra: [{ op: 'Neg', inputs: ['mu'], outputs: ['z'] }] }), expected: 'unchanged' });
  });
});

// ---- GELU ---------------------------------------------------------------------------------------------

const geluCase = (nodes: NodeSpec[], consts: Record<string, number>, expected: Case['expected'] = ['Gelu'], outputs = ['y']): Case => ({
  spec: {
    inputs: [inp('x', ['n', 4, 32])],
    outputs: outputs.map((o) => out(o)),
    nodes,
    initializers: Object.fromEntries(Object.entries(consts).map(([k, v]) => [k, scalar(v)])),
  },
  feeds: { x: f32([3, 4, 32], 11, [-4, 4]) },
  pass: gelu,
  expected,
});

/** torch's export of nn.GELU(): x · (1 + erf(x / √2)) · 0.5 */
const erfTorch = (half = 0.5, sqrt2 = 1.4142135381698608, outputs = ['y']) => geluCase([
  { op: 'Div', inputs: ['x', 'sqrt2'], outputs: ['t'] },
  { op: 'Erf', inputs: ['t'], outputs: ['e'] },
  { op: 'Add', inputs: ['e', 'one'], outputs: ['a'] },
  { op: 'Mul', inputs: ['x', 'a'], outputs: ['m'] },
  { op: 'Mul', inputs: ['m', 'half'], outputs: ['y'] },
], { sqrt2, one: 1, half }, ['Gelu'], outputs);

describe('gelu', () => {
  it('fuses x·(1 + erf(x/√2))·0.5 (torch) into Gelu', async () => {
    const fused = await check(erfTorch());
    expect(fused.nodes[0]!.attrs).toEqual({ approximate: 'none' });
    expect(fused.nodes[0]!.inputs).toEqual(['x']);
  });

  it('fuses (x·0.5)·(1 + erf(x·(1/√2))) and (0.5·(erf + 1))·x', async () => {
    await check(geluCase([
      { op: 'Mul', inputs: ['x', 'r'], outputs: ['t'] },
      { op: 'Erf', inputs: ['t'], outputs: ['e'] },
      { op: 'Add', inputs: ['one', 'e'], outputs: ['a'] },
      { op: 'Mul', inputs: ['x', 'half'], outputs: ['h'] },
      { op: 'Mul', inputs: ['h', 'a'], outputs: ['y'] },
    ], { r: 0.7071067811865476, one: 1, half: 0.5 }));
    await check(geluCase([
      { op: 'Mul', inputs: ['r', 'x'], outputs: ['t'] },
      { op: 'Erf', inputs: ['t'], outputs: ['e'] },
      { op: 'Add', inputs: ['e', 'one'], outputs: ['a'] },
      { op: 'Mul', inputs: ['half', 'a'], outputs: ['h'] },
      { op: 'Mul', inputs: ['x', 'h'], outputs: ['y'] },
    ], { r: 0.70710678, one: 1, half: 0.5 }));
  });

  it('fuses the tanh form into Gelu(approximate tanh): Pow(x, 3) and x·(x·x)', async () => {
    const fused = await check(geluCase([
      { op: 'Pow', inputs: ['x', 'three'], outputs: ['x3'] },
      { op: 'Mul', inputs: ['x3', 'k'], outputs: ['kx3'] },
      { op: 'Add', inputs: ['x', 'kx3'], outputs: ['s'] },
      { op: 'Mul', inputs: ['c', 's'], outputs: ['u'] },
      { op: 'Tanh', inputs: ['u'], outputs: ['th'] },
      { op: 'Add', inputs: ['th', 'one'], outputs: ['a'] },
      { op: 'Mul', inputs: ['half', 'x'], outputs: ['h'] },
      { op: 'Mul', inputs: ['h', 'a'], outputs: ['y'] },
    ], { three: 3, k: 0.044715, c: Math.sqrt(2 / Math.PI), one: 1, half: 0.5 }));
    expect(fused.nodes[0]!.attrs).toEqual({ approximate: 'tanh' });
    await check(geluCase([
      { op: 'Mul', inputs: ['x', 'x'], outputs: ['x2'] },
      { op: 'Mul', inputs: ['x', 'x2'], outputs: ['x3'] },
      { op: 'Mul', inputs: ['k', 'x3'], outputs: ['kx3'] },
      { op: 'Add', inputs: ['kx3', 'x'], outputs: ['s'] },
      { op: 'Mul', inputs: ['s', 'c'], outputs: ['u'] },
      { op: 'Tanh', inputs: ['u'], outputs: ['th'] },
      { op: 'Add', inputs: ['one', 'th'], outputs: ['a'] },
      { op: 'Mul', inputs: ['x', 'a'], outputs: ['m'] },
      { op: 'Mul', inputs: ['m', 'half'], outputs: ['y'] },
    ], { k: 0.044715, c: 0.7978845608, one: 1, half: 0.5 }));
  });

  it('does not fire on wrong constants or intermediates read elsewhere', async () => {
    await check({ ...erfTorch(0.49), expected: 'unchanged' });
    await check({ ...erfTorch(0.5, 1.41), expected: 'unchanged' });
    await check({ ...erfTorch(0.5, 1.4142135381698608, ['y', 'e']), expected: 'unchanged' });
    const twice = erfTorch(0.5, 1.4142135381698608, ['y', 'z']);
    twice.spec.nodes.push({ op: 'Neg', inputs: ['t'], outputs: ['z'] });
    await check({ ...twice, expected: 'unchanged' });
  });
});

// ---- activation into the Gemm / Conv / ConvTranspose before it --------------------------------------------

describe('activation', () => {
  const gemmAct = (act: string, attrs: NodeSpec['attrs'] = {}, extra: NodeSpec[] = [], outputs = ['y']): Case => ({
    spec: {
      inputs: [inp('x', ['n', 16])],
      outputs: outputs.map((o) => out(o)),
      nodes: [{ op: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['g'], attrs: { transB: 1 } }, { op: act, inputs: ['g'], outputs: ['y'], attrs }, ...extra],
      initializers: { w: f32([24, 16], 1, [-2, 2]), b: f32([24], 2) },
    },
    feeds: { x: f32([70, 16], 3, [-2, 2]) },
    pass: activation,
    expected: ['Gemm'],
  });

  it.each([['Relu'], ['Tanh'], ['Sigmoid'], ['LeakyRelu']])('fuses Gemm → %s', async (act) => {
    const fused = await check(gemmAct(act, act === 'LeakyRelu' ? { alpha: { float: 0.2 } } : {}));
    expect(fused.nodes[0]!.attrs.activation).toBe(act);
    if (act === 'LeakyRelu') expect(fused.nodes[0]!.attrs.activation_alpha).toBeCloseTo(0.2, 6);
  });

  it('fuses on products large enough for the blocked GEMM path', async () => {
    for (const act of ['Relu', 'Tanh']) {
      const c = gemmAct(act);
      c.spec.inputs = [inp('x', ['n', 256])];
      c.spec.initializers = { w: f32([520, 256], 1, [-0.2, 0.2]), b: f32([520], 2) };
      c.feeds = { x: f32([300, 256], 3) };
      const fused = await check(c);
      expect(fused.nodes[0]!.attrs.activation).toBe(act);
    }
  });

  // The bias and activation are applied in sgemm's epilogue, on each path sgemm takes: few rows
  // (dot products or axpys), few columns, register tiles with partial edges, several K blocks,
  // B packed ahead of time or not (a weight, or a graph input), op(A) packed by each task or by
  // the tasks together, on 1 and 2 threads.
  it.each([['Relu'], ['LeakyRelu'], ['Sigmoid']])('fuses Gemm → %s on every sgemm path', async (act) => {
    const shapes: { m: number; n: number; k: number; transA?: number; transB: number; weight: boolean }[] = [
      { m: 3, n: 40, k: 50, transB: 1, weight: true }, // few rows, dot products
      { m: 5, n: 70, k: 33, transB: 0, weight: true }, // few rows, axpys
      { m: 100, n: 7, k: 60, transB: 1, weight: true }, // few columns
      { m: 37, n: 45, k: 300, transB: 1, weight: true }, // partial tiles, two K blocks, B packed
      { m: 200, n: 150, k: 300, transB: 0, weight: false }, // B not packed: blocked path on 2 threads
      { m: 40, n: 300, k: 1100, transB: 1, weight: true }, // C split by columns, op(A) packed by the tasks together
      { m: 40, n: 300, k: 1100, transA: 1, transB: 0, weight: true }, // ... from A transposed
    ];
    for (const { m, n, k, transA = 0, transB, weight } of shapes) {
      for (const threads of [1, 2]) {
        const c = gemmAct(act, act === 'LeakyRelu' ? { alpha: { float: 0.1 } } : {});
        const wDims = transB ? [n, k] : [k, n];
        c.spec.nodes[0]!.attrs = { transA, transB };
        c.spec.inputs = [inp('x', transA ? [k, 'n'] : ['n', k]), ...(weight ? [] : [inp('w', wDims)])];
        c.spec.initializers = { ...(weight ? { w: f32(wDims, 1, [-0.3, 0.3]) } : {}), b: f32([n], 2) };
        c.feeds = { x: f32(transA ? [k, m] : [m, k], 3), ...(weight ? {} : { w: f32(wDims, 4, [-0.3, 0.3]) }) };
        c.threads = threads;
        const fused = await check(c);
        expect(fused.nodes[0]!.attrs.activation).toBe(act);
      }
    }
  });

  it('fuses Conv → Relu, depthwise Conv → Sigmoid and ConvTranspose → Tanh', async () => {
    for (const [o, act] of [
      [{ op: 'Conv', spatial: [9, 7], cin: 4, cout: 6, k: 3, bias: true }, 'Relu'],
      [{ op: 'Conv', spatial: [30], cin: 4, cout: 4, k: 5, group: 4, bias: true }, 'Sigmoid'],
      [{ op: 'ConvTranspose', spatial: [12], cin: 6, cout: 4, k: 3, bias: false, strides: [2] }, 'Tanh'],
    ] as [ConvOpts, string][]) {
      const c = convBn(o);
      c.spec.nodes[1] = { op: act, inputs: ['c'], outputs: ['y'] };
      const fused = await check({ ...c, pass: activation, expected: [o.op] });
      expect(fused.nodes[0]!.attrs.activation).toBe(act);
    }
  });

  it('does not fuse when the product is read twice or is a graph output', async () => {
    await check({ ...gemmAct('Relu', {}, [{ op: 'Add', inputs: ['y', 'g'], outputs: ['z'] }], ['z']), expected: 'unchanged' });
    await check({ ...gemmAct('Relu', {}, [], ['y', 'g']), expected: 'unchanged' });
  });
});

// ---- through loadModel, and the bundled models -----------------------------------------------------------

describe.skipIf(!addon)('fusion at load', () => {
  it('loadModel fuses (Conv + BatchNormalization, GELU) and matches onnxruntime-node', async () => {
    const bytes = buildModel({
      inputs: [inp('x', ['n', 3, 24])],
      outputs: [out()],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { pads: [1, 1] } },
        bnNode('c', 'bn'),
        ...erfTorch().spec.nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => (i === 'x' ? 'bn' : i)) })),
      ],
      initializers: { w: f32([4, 3, 3], 1), ...bnInits(4, 2), sqrt2: scalar(Math.SQRT2), one: scalar(1), half: scalar(0.5) },
    });
    const model = await loadModel(bytes, { device: 'cpu', fallback: 'error' });
    try {
      expect(model.graph.nodes.map((n) => n.op)).toEqual(['Conv', 'Gelu']);
      const feeds = { x: f32([5, 3, 24], 3) };
      const [ours, ref] = await Promise.all([model.predict(feeds), ortOutputs(bytes, feeds)]);
      expect(relL2(ours.y!.data, ref.y!.data)).toBeLessThanOrEqual(ORT_TOL);
    } finally {
      model.dispose();
    }
  });
});

describe.each(manifest())('bundled model $name', (m) => {
  const file = join(MODELS_DIR, m.file);
  const bytes = readFileSync(file);
  const { graph, values } = stages(bytes);
  const fused = fuse(graph, values);

  it('fuses what it can', () => {
    console.log(`fusion: ${m.name}: ${graph.nodes.length} → ${fused.nodes.length} nodes`);
    const count = (g: Graph, op: string) => g.nodes.filter((n) => n.op === op).length;
    if (m.name === 'phasenet') {
      // every BatchNormalization (after a ConvTranspose) is folded away
      expect(count(graph, 'Mul') + count(graph, 'Add')).toBeGreaterThan(0);
      expect(count(fused, 'Mul') + count(fused, 'Add')).toBe(0);
    }
    if (m.name === 'crabnet') {
      expect(count(fused, 'Erf')).toBe(0);
      expect(count(fused, 'Gelu')).toBe(count(graph, 'Erf'));
    }
    expect(fused.nodes.length).toBeLessThanOrEqual(graph.nodes.length);
  });

  it.skipIf(!addon)('gives the same outputs before and after fusion, and as onnxruntime-node', async () => {
    const feeds = modelFeeds(m, 7, 1234);
    const [before, after, ref] = await Promise.all([runGraph(graph, feeds), runGraph(fused, feeds, true), ortOutputs(bytes, feeds)]);
    for (const o of m.outputs) {
      const same = relL2(after[o.name]!.data, before[o.name]!.data);
      const err = relL2(after[o.name]!.data, ref[o.name]!.data);
      console.log(`fusion: ${m.name}.${o.name}: before vs after ${same.toExponential(2)}, vs onnxruntime ${err.toExponential(2)}`);
      expect(same).toBeLessThanOrEqual(SAME_TOL);
      expect(err).toBeLessThanOrEqual(ORT_TOL);
    }
  });
});

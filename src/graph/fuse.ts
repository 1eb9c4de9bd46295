// Stage 3b: fusion, after simplify() (at load, and again on each specialised graph). Chains of core
// nodes are rewritten into fewer, equivalent ones, each only where that is exactly valid: float32
// throughout, constant operands of the right shapes (broadcasting must not change any shape), every
// intermediate value read by the chain alone and not a graph output. The passes, in order:
//
//   matmul-add-gemm  MatMul(A, B) → Add(·, C)  ⇒  Gemm(A, B, C), for A of rank 2, B a constant
//                    matrix and C a constant of shape [N], [1, N] (or a scalar). Batched MatMuls stay.
//   fold-affine      Conv / ConvTranspose / Gemm with a constant weight (and constant or no bias)
//                    followed by Mul, Add or Sub by per-output-channel constants (the lowered
//                    BatchNormalization, a bias Add): folded into the weight and the bias.
//   layer-norm       ReduceMean(x) → Sub(x, ·) → Pow(·, 2) | Mul(d, d) → ReduceMean → Add(eps) →
//                    Sqrt → Div(d, ·) | Mul(d, Reciprocal(·)) → [Mul(gamma)] → [Add(beta)]
//                    ⇒ LayerNormalization, over a trailing set of axes, gamma/beta constants over
//                    the normalised dims.
//   gelu             x·(1 + Erf(x/√2))·0.5 in its usual spellings ⇒ Gelu; and
//                    0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x³))) ⇒ Gelu(approximate 'tanh').
//
//   activation       Gemm / Conv / ConvTranspose → Relu | Tanh | Sigmoid | LeakyRelu  ⇒  the product
//                    with attribute activation (and activation_alpha), applied by its kernel.
//
// Each pass is (graph, values) ⇒ Graph and can run alone. A fused node takes the output name of the
// chain's last node, so `values` still describes every value of the result; the constants a pass
// creates (folded weights, materialised scales) are added to `values` too. Constants no node reads
// any more are dropped.
import type { ConstTensor, Graph, Node, Shape, ValueTable } from './ir.js';
import { dimsEqual, numelOf } from './ir.js';
import { broadcastIndex, intAttr, numAttr, toNumbers } from './values.js';

export interface FusionPass {
  name: string;
  run(graph: Graph, values: ValueTable): Graph;
}

/** Relative tolerance when matching the constants of a pattern (√2, 0.5, 0.044715, ...). */
export const CONSTANT_RTOL = 1e-6;

interface Use {
  node: number;
  slot: number;
}

/** One pass's view of a graph: producers and readers of values, and the rewrites made so far. */
class Rewriter {
  private readonly producer = new Map<string, number>();
  private readonly uses = new Map<string, Use[]>();
  private readonly outputs: Set<string>;
  private readonly claimed = new Set<number>();
  private readonly removed = new Set<number>();
  private readonly replaced = new Map<number, Node>();
  private readonly constants: Map<string, ConstTensor>;
  private readonly taken: Set<string>;

  constructor(readonly graph: Graph, readonly values: ValueTable) {
    graph.nodes.forEach((n, i) => {
      for (const o of n.outputs) if (o !== '') this.producer.set(o, i);
      n.inputs.forEach((v, slot) => {
        if (v === '') return;
        const list = this.uses.get(v);
        if (list) list.push({ node: i, slot });
        else this.uses.set(v, [{ node: i, slot }]);
      });
    });
    this.outputs = new Set(graph.outputs.map((o) => o.name));
    this.constants = new Map(graph.constants);
    this.taken = new Set([...values.keys(), ...graph.constants.keys(), ...this.producer.keys(), ...graph.inputs.map((i) => i.name)]);
  }

  node(i: number): Node {
    return this.graph.nodes[i]!;
  }

  /** A constant of the graph by name (undefined for '' or a computed value). */
  constant(name: string | undefined): ConstTensor | undefined {
    return name ? this.graph.constants.get(name) : undefined;
  }

  shape(name: string): Shape | undefined {
    return this.values.get(name)?.shape;
  }

  isFloat(name: string): boolean {
    return this.values.get(name)?.type === 'float32';
  }

  /** The supported node producing `value`, when its op is one of `ops`. */
  producedBy(value: string, ...ops: string[]): [number, Node] | undefined {
    const i = this.producer.get(value);
    if (i === undefined) return undefined;
    const n = this.node(i);
    return !n.unsupported && ops.includes(n.op) ? [i, n] : undefined;
  }

  /** Every input slot reading `value`. */
  usesOf(value: string): readonly Use[] {
    return this.uses.get(value) ?? [];
  }

  isOutput(value: string): boolean {
    return this.outputs.has(value);
  }

  /** The one node reading `value` (read once, and not a graph output), when its op is one of `ops`. */
  soleUser(value: string, ...ops: string[]): [number, Node] | undefined {
    if (this.outputs.has(value)) return undefined;
    const u = this.usesOf(value);
    if (u.length !== 1) return undefined;
    const n = this.node(u[0]!.node);
    return !n.unsupported && ops.includes(n.op) ? [u[0]!.node, n] : undefined;
  }

  /** For a two-input node reading `value` once, its other operand when that is a constant. */
  otherConstant(node: Node, value: string): { name: string; value: ConstTensor } | undefined {
    if (node.inputs.length !== 2) return undefined;
    const [a, b] = node.inputs as [string, string];
    const other = a === value && b !== value ? b : b === value && a !== value ? a : undefined;
    const c = this.constant(other);
    return c ? { name: other!, value: c } : undefined;
  }

  isClaimed(i: number): boolean {
    return this.claimed.has(i);
  }

  /** Claims the nodes of one rewrite: false (and nothing claimed) when one is part of another. */
  claim(ids: readonly number[]): boolean {
    if (ids.some((i) => this.claimed.has(i))) return false;
    for (const i of ids) this.claimed.add(i);
    return true;
  }

  /** Removes the nodes `ids` but `at`, whose place `node` takes. */
  replace(ids: readonly number[], at: number, node: Node): void {
    for (const i of ids) if (i !== at) this.removed.add(i);
    this.replaced.set(at, node);
  }

  /** Adds a constant under a fresh name derived from `hint` (and records it in `values`). */
  addConstant(hint: string, value: ConstTensor): string {
    let name = hint;
    for (let k = 1; this.taken.has(name); k++) name = `${hint}__${k}`;
    this.taken.add(name);
    this.constants.set(name, value);
    this.values.set(name, { type: value.type, shape: value.dims, value });
    return name;
  }

  result(): Graph {
    if (this.replaced.size === 0) return this.graph;
    const nodes = this.graph.nodes.flatMap((n, i) => (this.removed.has(i) ? [] : [this.replaced.get(i) ?? n]));
    const read = new Set<string>(this.graph.outputs.map((o) => o.name));
    for (const n of nodes) for (const i of n.inputs) if (i !== '') read.add(i);
    const constants = new Map([...this.constants].filter(([name]) => read.has(name)));
    return { ...this.graph, nodes, constants };
  }
}

const sameShape = (a: Shape | undefined, b: Shape | undefined): boolean => a !== undefined && b !== undefined && dimsEqual(a, b);

const near = (v: number, target: number): boolean => Math.abs(v - target) <= CONSTANT_RTOL * Math.abs(target);

/** A float32 constant with one element whose broadcasting cannot raise the rank `rank`, close to `target`. */
function isScalar(c: ConstTensor | undefined, rank: number, target: number): boolean {
  return c !== undefined && c.type === 'float32' && numelOf(c.dims) === 1 && c.dims.length <= rank && near(Number(c.data[0]), target);
}

/** A one-element constant of any numeric type equal to `target` exactly (exponents). */
function isExactly(c: ConstTensor | undefined, rank: number, target: number): boolean {
  return c !== undefined && c.type !== 'bool' && numelOf(c.dims) === 1 && c.dims.length <= rank && Number(c.data[0]) === target;
}

/** The graph after each pass in turn (all of FUSION_PASSES by default). */
export function fuse(graph: Graph, values: ValueTable, passes: readonly FusionPass[] = FUSION_PASSES): Graph {
  let g = graph;
  for (const p of passes) g = p.run(g, values);
  return g;
}

// ---- MatMul + Add → Gemm ---------------------------------------------------------------------------

export const matmulAddGemm: FusionPass = {
  name: 'matmul-add-gemm',
  run(graph, values) {
    const rw = new Rewriter(graph, values);
    graph.nodes.forEach((mm, i) => {
      if (mm.op !== 'MatMul' || mm.unsupported || mm.inputs.length !== 2) return;
      const [a, b] = mm.inputs as [string, string];
      const y = mm.outputs[0]!;
      const w = rw.constant(b);
      if (!rw.isFloat(a) || rw.shape(a)?.length !== 2 || !w || w.type !== 'float32' || w.dims.length !== 2) return;
      const user = rw.soleUser(y, 'Add');
      if (!user) return;
      const [j, add] = user;
      const c = rw.otherConstant(add, y);
      if (!c || c.value.type !== 'float32' || c.value.dims.length > 2) return;
      const N = w.dims[1]!;
      const cd = [...new Array<number>(2 - c.value.dims.length).fill(1), ...c.value.dims];
      if (cd[0] !== 1 || (cd[1] !== 1 && cd[1] !== N)) return;
      const out = add.outputs[0]!;
      if (!rw.isFloat(out) || !sameShape(rw.shape(out), rw.shape(y)) || !rw.claim([i, j])) return;
      rw.replace([i, j], j, { op: 'Gemm', name: mm.name, inputs: [a, b, c.name], outputs: [out], attrs: { alpha: 1, beta: 1, transA: 0, transB: 0 } });
    });
    return rw.result();
  },
};

// ---- per-channel Mul/Add/Sub folded into Conv, ConvTranspose, Gemm ----------------------------------

/**
 * A constant's value per output channel, for an output of rank `rank` whose channels are axis 1
 * (N, C, spatial... for convolutions; M, N for Gemm): every other axis of the constant, aligned to
 * the output's, must be 1. Undefined when it is not such a constant.
 */
function perChannel(c: ConstTensor, rank: number, channels: number): Float64Array | undefined {
  if (c.type !== 'float32' || c.dims.length > rank) return undefined;
  const dims = [...new Array<number>(rank - c.dims.length).fill(1), ...c.dims];
  if (!dims.every((d, i) => d === 1 || (i === 1 && d === channels))) return undefined;
  const out = new Float64Array(channels);
  const one = numelOf(c.dims) === 1;
  for (let m = 0; m < channels; m++) out[m] = Number(c.data[one ? 0 : m]);
  return out;
}

export const foldAffine: FusionPass = {
  name: 'fold-affine',
  run(graph, values) {
    const rw = new Rewriter(graph, values);
    graph.nodes.forEach((lin, i) => {
      if (lin.unsupported || (lin.op !== 'Conv' && lin.op !== 'ConvTranspose' && lin.op !== 'Gemm')) return;
      if (lin.outputs.length !== 1 || rw.isClaimed(i)) return;
      const y0 = lin.outputs[0]!;
      const shape = rw.shape(y0);
      const w = rw.constant(lin.inputs[1]);
      if (!shape || !rw.isFloat(y0) || !rw.isFloat(lin.inputs[0]!) || !w || w.type !== 'float32') return;
      const biasName = lin.inputs[2] ?? '';
      const b = rw.constant(biasName);
      if (biasName !== '' && (!b || b.type !== 'float32')) return;

      // Output channels M; the bias as rows × M (rows > 1 only for a Gemm whose C has M rows).
      let M: number;
      let rows = 1;
      let bias: Float64Array | undefined;
      if (lin.op === 'Gemm') {
        if (w.dims.length !== 2 || shape.length !== 2) return;
        M = numAttr(lin, 'transB', 0) !== 0 ? w.dims[0]! : w.dims[1]!;
        if (b) {
          if (b.dims.length > 2) return;
          const [cr, cn] = [...new Array<number>(2 - b.dims.length).fill(1), ...b.dims] as [number, number];
          if (cn !== 1 && cn !== M) return;
          if (cr !== 1 && cr !== shape[0]) return;
          rows = cr;
          const beta = numAttr(lin, 'beta', 1);
          bias = new Float64Array(rows * M);
          for (let r = 0; r < rows; r++) for (let m = 0; m < M; m++) bias[r * M + m] = beta * Number(b.data[r * cn + (cn === 1 ? 0 : m)]);
        }
      } else {
        if (shape.length < 3 || w.dims.length !== shape.length) return;
        const group = intAttr(lin, 'group', 1);
        M = lin.op === 'Conv' ? w.dims[0]! : w.dims[1]! * group;
        if (b) {
          if (b.dims.length !== 1 || b.dims[0] !== M) return;
          bias = Float64Array.from(b.data as Float32Array);
        }
      }
      if (typeof shape[1] === 'number' && shape[1] !== M) return;

      // Follow the chain of per-channel Mul/Add/Sub: y = mult·(X ⊛ W) + bias, per channel.
      const mult = new Float64Array(M).fill(1);
      let scaled = false;
      const chain: number[] = [];
      let out = y0;
      for (;;) {
        const user = rw.soleUser(out, 'Mul', 'Add', 'Sub');
        if (!user || rw.isClaimed(user[0])) break;
        const [j, n] = user;
        if (n.op === 'Sub' && n.inputs[0] !== out) break;
        const c = rw.otherConstant(n, out);
        const v = c && perChannel(c.value, shape.length, M);
        const next = n.outputs[0]!;
        if (!v || !rw.isFloat(next) || !sameShape(rw.shape(next), shape)) break;
        if (n.op === 'Mul') {
          scaled = true;
          for (let m = 0; m < M; m++) mult[m]! *= v[m]!;
          if (bias) for (let k = 0; k < bias.length; k++) bias[k]! *= v[k % M]!;
        } else {
          bias ??= new Float64Array(rows * M);
          const sign = n.op === 'Sub' ? -1 : 1;
          for (let k = 0; k < bias.length; k++) bias[k]! += sign * v[k % M]!;
        }
        chain.push(j);
        out = next;
      }
      if (chain.length === 0 || !rw.claim([i, ...chain])) return;

      const inputs = [...lin.inputs];
      const attrs = { ...lin.attrs };
      if (scaled) {
        const data = new Float32Array(w.data.length);
        const src = w.data as Float32Array;
        if (lin.op === 'Conv') {
          // W is (M, C/group, kernel...).
          const per = src.length / M;
          for (let k = 0; k < src.length; k++) data[k] = src[k]! * mult[Math.floor(k / per)]!;
        } else if (lin.op === 'ConvTranspose') {
          // W is (C, M/group, kernel...): input channel c of group g feeds outputs g·M/group + j.
          const group = intAttr(lin, 'group', 1);
          const [C, Mg] = w.dims as [number, number];
          const kk = src.length / (C * Mg);
          const Cg = C / group;
          for (let c = 0; c < C; c++) {
            for (let j = 0; j < Mg; j++) {
              const s = mult[Math.floor(c / Cg) * Mg + j]!;
              const base = (c * Mg + j) * kk;
              for (let k = 0; k < kk; k++) data[base + k] = src[base + k]! * s;
            }
          }
        } else {
          // Gemm: column n of op(B); B is (K, N), or (N, K) with transB.
          const transB = numAttr(lin, 'transB', 0) !== 0;
          const K = src.length / M;
          for (let k = 0; k < K; k++) {
            for (let n = 0; n < M; n++) {
              const at = transB ? n * K + k : k * M + n;
              data[at] = src[at]! * mult[n]!;
            }
          }
        }
        inputs[1] = rw.addConstant(`${lin.inputs[1]}/fused`, { type: 'float32', dims: [...w.dims], data });
      }
      if (bias) {
        const dims = lin.op === 'Gemm' && rows > 1 ? [rows, M] : [M];
        inputs[2] = rw.addConstant(`${lin.name}/fused_bias`, { type: 'float32', dims, data: Float32Array.from(bias) });
        if (lin.op === 'Gemm') attrs.beta = 1;
      }
      rw.replace([i, ...chain], i, { ...lin, inputs, outputs: [out], attrs });
    });
    return rw.result();
  },
};

// ---- LayerNormalization ------------------------------------------------------------------------------

/** A ReduceMean's axes, normalised and sorted, when given (attribute or constant input) and non-empty. */
function meanAxes(rw: Rewriter, node: Node, rank: number): number[] | undefined {
  if (node.op !== 'ReduceMean' || numAttr(node, 'keepdims', 1) === 0) return undefined;
  let list: number[] | undefined;
  if (node.inputs[1]) {
    const c = rw.constant(node.inputs[1]);
    list = c ? toNumbers(c) : undefined;
  } else if (Array.isArray(node.attrs.axes)) {
    list = node.attrs.axes as number[];
  }
  if (!list || list.length === 0) return undefined;
  const axes = [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  return axes.every((a) => Number.isInteger(a) && a >= 0 && a < rank) ? axes : undefined;
}

/**
 * gamma or beta as a dense constant over the normalised dims `norm` (x's dims from `axis` on):
 * aligned to x's rank, its dims before `axis` must be 1 and the others 1 or x's.
 */
function overNormalised(c: ConstTensor, rank: number, axis: number, norm: number[]): ConstTensor | undefined {
  if (c.type !== 'float32' || c.dims.length > rank) return undefined;
  const dims = [...new Array<number>(rank - c.dims.length).fill(1), ...c.dims];
  if (!dims.every((d, i) => d === 1 || (i >= axis && d === norm[i - axis]))) return undefined;
  if (dimsEqual(c.dims, norm)) return c;
  const idx = broadcastIndex(dims.slice(axis), norm);
  const data = new Float32Array(idx.length);
  for (let k = 0; k < idx.length; k++) data[k] = (c.data as Float32Array)[idx[k]!]!;
  return { type: 'float32', dims: [...norm], data };
}

export const layerNorm: FusionPass = {
  name: 'layer-norm',
  run(graph, values) {
    const rw = new Rewriter(graph, values);
    graph.nodes.forEach((r1, i1) => {
      if (r1.op !== 'ReduceMean' || r1.unsupported) return;
      const x = r1.inputs[0]!;
      const xs = rw.shape(x);
      if (!xs || !rw.isFloat(x)) return;
      const rank = xs.length;
      const axes = meanAxes(rw, r1, rank);
      if (!axes || !axes.every((a, k) => a === rank - axes.length + k)) return; // a trailing run of axes
      const axis = axes[0]!;
      const norm = xs.slice(axis);
      if (!norm.every((d): d is number => typeof d === 'number')) return;

      // mean → d = x − mean
      const mean = r1.outputs[0]!;
      const sub = rw.soleUser(mean, 'Sub');
      if (!sub || sub[1].inputs[0] !== x || sub[1].inputs[1] !== mean) return;
      const d = sub[1].outputs[0]!;
      if (rw.isOutput(d) || !sameShape(rw.shape(d), xs)) return;

      // d is read by the square (Pow(d, 2) or Mul(d, d)) and by the division (Div(d, ·) or Mul(d, inv)).
      const readers = [...new Set(rw.usesOf(d).map((u) => u.node))];
      if (readers.length !== 2) return;
      const isSquare = (n: Node) =>
        !n.unsupported && ((n.op === 'Pow' && n.inputs[0] === d && isExactly(rw.constant(n.inputs[1]), rank, 2)) || (n.op === 'Mul' && n.inputs[0] === d && n.inputs[1] === d));
      const iSq = readers.find((k) => isSquare(rw.node(k)));
      const iDiv = readers.find((k) => k !== iSq);
      if (iSq === undefined || iDiv === undefined) return;
      const sq = rw.node(iSq);
      const div = rw.node(iDiv);
      if (rw.usesOf(d).length !== (sq.op === 'Mul' ? 3 : 2)) return;

      // variance = ReduceMean(d²) over the same axes; + eps; sqrt
      const r2 = rw.soleUser(sq.outputs[0]!, 'ReduceMean');
      if (!r2 || r2[1].inputs[0] !== sq.outputs[0] || !dimsEqual(meanAxes(rw, r2[1], rank) ?? [], axes)) return;
      const addEps = rw.soleUser(r2[1].outputs[0]!, 'Add');
      const eps = addEps && rw.otherConstant(addEps[1], r2[1].outputs[0]!);
      if (!addEps || !eps || eps.value.type !== 'float32' || numelOf(eps.value.dims) !== 1 || eps.value.dims.length > rank) return;
      const epsilon = Number(eps.value.data[0]);
      if (!(epsilon >= 0)) return;
      const ve = addEps[1].outputs[0]!;
      const sqrt = rw.soleUser(ve, 'Sqrt', 'Pow');
      if (!sqrt || sqrt[1].inputs[0] !== ve || (sqrt[1].op === 'Pow' && !isExactly(rw.constant(sqrt[1].inputs[1]), rank, 0.5))) return;
      const sd = sqrt[1].outputs[0]!;

      // normalised = d / sd, or d · Reciprocal(sd)
      const ids = [i1, sub[0], iSq, r2[0], addEps[0], sqrt[0]];
      if (div.unsupported) return;
      if (div.op === 'Div') {
        if (div.inputs[0] !== d || div.inputs[1] !== sd || !rw.soleUser(sd, 'Div')) return;
      } else if (div.op === 'Mul') {
        const inv = div.inputs[0] === d ? div.inputs[1]! : div.inputs[0]!;
        const rec = rw.producedBy(inv, 'Reciprocal');
        if (!rec || rec[1].inputs[0] !== sd || !rw.soleUser(sd, 'Reciprocal') || !rw.soleUser(inv, 'Mul')) return;
        ids.push(rec[0]);
      } else {
        return;
      }
      ids.push(iDiv);
      let out = div.outputs[0]!;
      let last = iDiv;
      if (!sameShape(rw.shape(out), xs)) return;

      // optional · gamma, then optional + beta: constants over the normalised dims
      const affine = (op: 'Mul' | 'Add'): { name: string; value: ConstTensor; given: boolean } | undefined => {
        const u = rw.soleUser(out, op);
        const c = u && rw.otherConstant(u[1], out);
        const t = c && overNormalised(c.value, rank, axis, norm);
        if (!u || !c || !t || !rw.isFloat(u[1].outputs[0]!) || !sameShape(rw.shape(u[1].outputs[0]!), xs)) return undefined;
        ids.push(u[0]);
        last = u[0];
        out = u[1].outputs[0]!;
        return { name: c.name, value: t, given: t === c.value };
      };
      const gamma = affine('Mul');
      const beta = affine('Add');
      if (!rw.claim(ids)) return;
      const constant = (t: { name: string; value: ConstTensor; given: boolean }, what: string) => (t.given ? t.name : rw.addConstant(`${r1.name}/fused_${what}`, t.value));
      const ones = { type: 'float32' as const, dims: [...norm], data: new Float32Array(numelOf(norm)).fill(1) };
      const inputs = [x, gamma ? constant(gamma, 'scale') : rw.addConstant(`${r1.name}/fused_scale`, ones)];
      if (beta) inputs.push(constant(beta, 'bias'));
      rw.replace(ids, last, { op: 'LayerNormalization', name: r1.name, inputs, outputs: [out], attrs: { axis, epsilon } });
    });
    return rw.result();
  },
};

// ---- GELU --------------------------------------------------------------------------------------------

/** For a node with two inputs, one of them a constant: [the other input, the constant]. */
function splitConstant(rw: Rewriter, node: Node): [string, ConstTensor] | undefined {
  if (node.inputs.length !== 2) return undefined;
  const [a, b] = node.inputs as [string, string];
  const ca = rw.constant(a);
  const cb = rw.constant(b);
  if (cb && !ca) return [a, cb];
  if (ca && !cb) return [b, ca];
  return undefined;
}

/**
 * x·a·0.5 as two Muls in any grouping and order: (x·a)·0.5, (a·0.5)·x or (x·0.5)·a, each
 * intermediate read only there. The nodes and the last one.
 */
function halfProduct(rw: Rewriter, x: string, a: string, rank: number): { ids: number[]; last: number } | undefined {
  const m1 = rw.soleUser(a, 'Mul');
  if (!m1) return undefined;
  const [i1, n1] = m1;
  const other = n1.inputs[0] === a ? n1.inputs[1]! : n1.inputs[0]!;
  if (other === a) return undefined;
  const o1 = n1.outputs[0]!;
  if (other === x) {
    const m2 = rw.soleUser(o1, 'Mul');
    const c = m2 && rw.otherConstant(m2[1], o1);
    return m2 && c && isScalar(c.value, rank, 0.5) ? { ids: [i1, m2[0]], last: m2[0] } : undefined;
  }
  const c = rw.constant(other);
  if (c) {
    if (!isScalar(c, rank, 0.5)) return undefined;
    const m2 = rw.soleUser(o1, 'Mul');
    if (!m2) return undefined;
    const rest = m2[1].inputs[0] === o1 ? m2[1].inputs[1] : m2[1].inputs[0];
    return rest === x && m2[1].inputs.length === 2 ? { ids: [i1, m2[0]], last: m2[0] } : undefined;
  }
  const h = rw.producedBy(other, 'Mul');
  const hc = h && rw.otherConstant(h[1], x);
  if (!h || !hc || !isScalar(hc.value, rank, 0.5) || !rw.soleUser(other, 'Mul')) return undefined;
  return { ids: [h[0], i1], last: i1 };
}

/** x³ as Pow(x, 3), Mul(x, Mul(x, x)) or Mul(Mul(x, x), x): x and the nodes. */
function cube(rw: Rewriter, v: string, rank: number): { x: string; ids: number[] } | undefined {
  const p = rw.producedBy(v, 'Pow', 'Mul');
  if (!p) return undefined;
  const [ip, n] = p;
  if (n.op === 'Pow') return isExactly(rw.constant(n.inputs[1]), rank, 3) ? { x: n.inputs[0]!, ids: [ip] } : undefined;
  for (const [s, x] of [[n.inputs[0], n.inputs[1]], [n.inputs[1], n.inputs[0]]] as [string, string][]) {
    const sq = rw.producedBy(s, 'Mul');
    if (sq && sq[1].inputs[0] === x && sq[1].inputs[1] === x && rw.soleUser(s, 'Mul')) return { x, ids: [sq[0], ip] };
  }
  return undefined;
}

/** (1 + t) with t read only there, then x·(1 + t)·0.5: the nodes and the last one. */
function onePlusHalfProduct(rw: Rewriter, t: string, x: string, rank: number): { ids: number[]; last: number } | undefined {
  const add = rw.soleUser(t, 'Add');
  const one = add && rw.otherConstant(add[1], t);
  if (!add || !one || !isScalar(one.value, rank, 1)) return undefined;
  const prod = halfProduct(rw, x, add[1].outputs[0]!, rank);
  return prod && { ids: [add[0], ...prod.ids], last: prod.last };
}

export const gelu: FusionPass = {
  name: 'gelu',
  run(graph, values) {
    const rw = new Rewriter(graph, values);
    const emit = (x: string, ids: number[], last: number, approximate: 'none' | 'tanh', name: string) => {
      const out = rw.node(last).outputs[0]!;
      if (!rw.isFloat(out) || !sameShape(rw.shape(out), rw.shape(x)) || !rw.claim(ids)) return;
      rw.replace(ids, last, { op: 'Gelu', name, inputs: [x], outputs: [out], attrs: { approximate } });
    };
    graph.nodes.forEach((n, i) => {
      if (n.unsupported) return;
      if (n.op === 'Erf') {
        // Erf(x / √2) or Erf(x · (1/√2))
        const t = rw.producedBy(n.inputs[0]!, 'Div', 'Mul');
        if (!t || !rw.soleUser(n.inputs[0]!, 'Erf')) return;
        let x: string;
        let c: ConstTensor | undefined;
        let target: number;
        if (t[1].op === 'Div') {
          [x, c, target] = [t[1].inputs[0]!, rw.constant(t[1].inputs[1]), Math.SQRT2];
          if (rw.constant(x)) return;
        } else {
          const s = splitConstant(rw, t[1]);
          if (!s) return;
          [x, c, target] = [s[0], s[1], Math.SQRT1_2];
        }
        const xs = rw.shape(x);
        if (!xs || !rw.isFloat(x) || !isScalar(c, xs.length, target)) return;
        const tail = onePlusHalfProduct(rw, n.outputs[0]!, x, xs.length);
        if (tail) emit(x, [t[0], i, ...tail.ids], tail.last, 'none', n.name);
      } else if (n.op === 'Tanh') {
        // Tanh(√(2/π) · (x + 0.044715 · x³))
        const u = rw.producedBy(n.inputs[0]!, 'Mul');
        const us = u && splitConstant(rw, u[1]);
        if (!u || !us || !rw.soleUser(n.inputs[0]!, 'Tanh')) return;
        const s = rw.producedBy(us[0], 'Add');
        if (!s || !rw.soleUser(us[0], 'Mul') || s[1].inputs.length !== 2) return;
        for (const [x, k] of [[s[1].inputs[0], s[1].inputs[1]], [s[1].inputs[1], s[1].inputs[0]]] as [string, string][]) {
          const xs = rw.shape(x);
          if (!xs || !rw.isFloat(x) || !isScalar(us[1], xs.length, Math.sqrt(2 / Math.PI))) continue;
          const km = rw.producedBy(k, 'Mul');
          const kc = km && splitConstant(rw, km[1]);
          if (!km || !kc || !isScalar(kc[1], xs.length, 0.044715) || !rw.soleUser(k, 'Add')) continue;
          const c3 = cube(rw, kc[0], xs.length);
          if (!c3 || c3.x !== x || !rw.soleUser(kc[0], 'Mul')) continue;
          const tail = onePlusHalfProduct(rw, n.outputs[0]!, x, xs.length);
          if (tail) emit(x, [...c3.ids, km[0], s[0], u[0], i, ...tail.ids], tail.last, 'tanh', n.name);
          break;
        }
      }
    });
    return rw.result();
  },
};

/** The activations the Gemm, Conv and ConvTranspose kernels apply to their output (native cpu/activation.h). */
const FUSABLE_ACTIVATIONS: ReadonlySet<string> = new Set(['Relu', 'Tanh', 'Sigmoid', 'LeakyRelu']);

export const activation: FusionPass = {
  name: 'activation',
  run(graph, values) {
    const rw = new Rewriter(graph, values);
    graph.nodes.forEach((n, i) => {
      if (n.unsupported || !['Gemm', 'Conv', 'ConvTranspose'].includes(n.op) || n.attrs.activation !== undefined) return;
      const out = n.outputs[0]!;
      const act = rw.soleUser(out, ...FUSABLE_ACTIVATIONS);
      if (!act || !rw.isFloat(out)) return;
      const y = act[1].outputs[0]!;
      if (!rw.isFloat(y) || !sameShape(rw.shape(y), rw.shape(out)) || !rw.claim([i, act[0]])) return;
      const attrs = { ...n.attrs, activation: act[1].op };
      if (act[1].op === 'LeakyRelu') Object.assign(attrs, { activation_alpha: numAttr(act[1], 'alpha', 0.01) });
      rw.replace([i, act[0]], act[0], { ...n, outputs: [y], attrs });
    });
    return rw.result();
  },
};

/** The passes fuse() runs, in order. */
export const FUSION_PASSES: readonly FusionPass[] = [matmulAddGemm, foldAffine, layerNorm, gelu, activation];

// Helpers for constant values and shapes, shared by the shape rules (src/graph/ops) and parsers.
import { ShapeError, UnsupportedError } from '../errors.js';
import type { ConstTensor, Dim, DType, Node, Shape, TensorInfo, TypedArray } from './ir.js';
import { numelOf } from './ir.js';

const ARRAY_OF: Partial<Record<DType, new (n: number) => TypedArray>> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
  int32: Int32Array, int64: BigInt64Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, uint64: BigUint64Array,
};

/** A zero-filled typed array for `type`. */
export function allocArray(type: DType, n: number): TypedArray {
  const C = ARRAY_OF[type];
  if (!C) throw new ShapeError(`cannot hold a constant of element type ${type}`);
  return new C(n);
}

/** The elements as plain numbers (int64 converted; fine for shape arithmetic). */
export function toNumbers(t: ConstTensor): number[] {
  const out = new Array<number>(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = Number(t.data[i]);
  return out;
}

/** A constant of `type` and `dims` from numbers (rounded toward zero for integer types; bool is x != 0). */
export function fromNumbers(type: DType, dims: number[], values: ArrayLike<number>): ConstTensor {
  const data = allocArray(type, values.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      data[i] = BigInt(Number.isFinite(v) ? Math.trunc(v) : v > 0 ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER);
    }
  } else if (type === 'bool') {
    for (let i = 0; i < values.length; i++) (data as Uint8Array)[i] = values[i] ? 1 : 0;
  } else {
    (data as Float32Array).set(values as ArrayLike<number>);
  }
  if (numelOf(dims) !== values.length) throw new ShapeError(`constant of dims [${dims}] given ${values.length} values`);
  return { type, dims, data };
}

export function scalarConst(type: DType, value: number): ConstTensor {
  return fromNumbers(type, [], [value]);
}

/** int64 1-D constant from numbers: the shape/axes tensors parsers create. */
export function int64Const(values: number[]): ConstTensor {
  return fromNumbers('int64', [values.length], values);
}

/** Numpy-style broadcast of shapes; symbols broadcast with 1 and with themselves. */
export function broadcastShapes(shapes: Shape[], where = 'broadcast'): Shape {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      if (k < 0) continue;
      const e = s[k]!;
      if (e === 1) continue;
      if (d === 1) d = e;
      else if (d !== e) {
        if (typeof d === 'number' && typeof e === 'number') {
          throw new ShapeError(`${where}: cannot broadcast shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')}`);
        }
        // Two different symbols (or a symbol and a number): the number wins, else keep the first symbol.
        if (typeof e === 'number') d = e;
      }
    }
    out.push(d);
  }
  return out;
}

/** Index map for broadcasting: for each output element, the flat index into the input. */
export function broadcastIndex(inDims: readonly number[], outDims: readonly number[]): Int32Array {
  const n = numelOf(outDims as number[]);
  const idx = new Int32Array(n);
  const rank = outDims.length;
  const inStrides: number[] = new Array(rank).fill(0);
  let s = 1;
  for (let i = inDims.length - 1; i >= 0; i--) {
    const k = rank - inDims.length + i;
    inStrides[k] = inDims[i] === 1 ? 0 : s;
    s *= inDims[i]!;
  }
  const counter = new Array(rank).fill(0);
  let off = 0;
  for (let j = 0; j < n; j++) {
    idx[j] = off;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      off += inStrides[d]!;
      if (counter[d] < outDims[d]!) break;
      off -= inStrides[d]! * counter[d];
      counter[d] = 0;
    }
  }
  return idx;
}

/** Normalises a possibly negative axis against `rank`, or throws ShapeError. */
export function normAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new ShapeError(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

/** The rank of an input, or throw when unknown. */
export function rankOf(info: TensorInfo | undefined, what: string): number {
  if (!info?.shape) throw new ShapeError(`${what}: input rank is unknown`);
  return info.shape.length;
}

/** Should a result of `dims` be folded into a constant? */
export function canFold(dims: readonly number[], maxElements: number): boolean {
  return numelOf(dims as number[]) <= maxElements;
}

/** Product of dims when all are numbers, else undefined. */
export function concreteNumel(shape: Shape | undefined): number | undefined {
  if (!shape) return undefined;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Inputs and attributes of core nodes, for the shape rules (src/graph/ops). They live here, not in
// the family files, because every export of those files is collected as a core operator.

/** Input i of a node, or ShapeError when it is absent. */
export function requireInput(node: Node, ins: (TensorInfo | undefined)[], i: number): TensorInfo {
  const t = ins[i];
  if (!t) throw new ShapeError(`${node.op}: input ${i} is missing`);
  return t;
}

function numberAttr(node: Node, name: string, def: number, should: string): number {
  const v = node.attrs[name];
  if (v === undefined) return def;
  if (typeof v !== 'number') throw new ShapeError(`${node.op}: attribute ${name} ${should}`);
  return v;
}

/** A number attribute, `def` when absent; ShapeError when it is not a number. */
export function numAttr(node: Node, name: string, def: number): number {
  return numberAttr(node, name, def, 'must be a number');
}

/** An integer attribute, `def` when absent; ShapeError when it is not a number. */
export function intAttr(node: Node, name: string, def: number): number {
  return numberAttr(node, name, def, 'should be an integer');
}

/** A list-of-integers attribute, undefined when absent; ShapeError when it is not a list of numbers. */
export function intsAttr(node: Node, name: string): number[] | undefined {
  const v = node.attrs[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new ShapeError(`${node.op}: attribute ${name} should be a list of integers`);
  return v as number[];
}

/** A fresh symbol for dim `axis` of output `output` that inference cannot express in terms of the input's symbols. */
export function unknownDim(node: Node, output: number, axis: number): string {
  return `${node.outputs[output] || node.name}?${axis}`;
}

/**
 * Element `i` of a constant as a native attribute: a number, or a bigint for 64-bit integers
 * that a double cannot hold exactly.
 */
export function nativeScalar(t: ConstTensor, i = 0): number | bigint {
  const v = t.data[i]!;
  if (typeof v !== 'bigint') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * The activation a fusion pass put on a Gemm/Conv/ConvTranspose node (src/graph/fuse.ts), as the
 * kernels read it: { activation, activation_alpha } or nothing.
 */
export function activationAttrs(node: Node): { activation?: string; activation_alpha?: number } {
  const a = node.attrs.activation;
  if (typeof a !== 'string') return {};
  return a === 'LeakyRelu' ? { activation: a, activation_alpha: numAttr(node, 'activation_alpha', 0.01) } : { activation: a };
}

/** The node's fused activation applied to one value (constant folding; float64 math). */
export function activate(node: Node, x: number): number {
  switch (node.attrs.activation) {
    case undefined: return x;
    case 'Relu': return x < 0 ? 0 : x;
    case 'LeakyRelu': return x >= 0 ? x : x * numAttr(node, 'activation_alpha', 0.01);
    case 'Tanh': return Math.tanh(x);
    case 'Sigmoid': return 1 / (1 + Math.exp(-x));
    default: throw new UnsupportedError(`${node.op}: unknown fused activation '${String(node.attrs.activation)}'`, [node.op]);
  }
}

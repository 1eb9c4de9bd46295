// Reductions (ReduceMean/Sum/Max/Min over a set of axes), Softmax/LogSoftmax over one axis, and
// LayerNormalization. Core attributes:
//   Reduce*            axes (number[]; absent or empty = every axis; may be negative), keepdims (default 1),
//                      noop_with_empty_axes (default 0: empty axes reduce every axis; 1: the node is an identity).
//                      The axes may instead be input 1 (int64, 1-D; ReduceSum-13+, the others 18+), a value
//                      input: unknown at import when fed at run time, constant when a plan is built.
//   Softmax/LogSoftmax axis (default -1, may be negative)
//   LayerNormalization axis (default -1), epsilon (default 1e-5)
// native() resolves them against the concrete rank (non-negative, sorted).
import { ShapeError, UnsupportedError } from '../../errors.js';
import { numelOf, type ConstTensor, type Dim, type DType, type Node, type Shape, type TensorInfo } from '../ir.js';
import { allocArray, canFold, normAxis, numAttr, requireInput, toNumbers, unknownDim } from '../values.js';
import type { CoreOp, InferContext, NativeNode } from './types.js';

function rankOrThrow(node: Node, x: TensorInfo): number {
  if (!x.shape) throw new ShapeError(`${node.op}: the input's rank is unknown`);
  return x.shape.length;
}

// ---- reductions ----------------------------------------------------------------------------------

/**
 * The axes as given (attribute or input 1), before normalisation: undefined when none are given
 * (every axis), 'unknown' when input 1's value is not known yet.
 */
function givenAxes(node: Node, ins: (TensorInfo | undefined)[]): number[] | undefined | 'unknown' {
  const raw = node.attrs['axes'];
  if (raw !== undefined && !(Array.isArray(raw) && raw.every((a) => typeof a === 'number'))) {
    throw new ShapeError(`${node.op}: attribute axes must be a list of integers`);
  }
  if (!node.inputs[1]) return raw as number[] | undefined;
  if (raw !== undefined) throw new ShapeError(`${node.op}: axes are given both as an attribute and as input 1`);
  const a = ins[1];
  if (!a) throw new UnsupportedError(`${node.op}: nothing is known about the axes input ('${node.inputs[1]}')`, [node.op]);
  if (a.type !== 'int64' && a.type !== 'int32') throw new ShapeError(`${node.op}: the axes input must be int64, not ${a.type}`);
  if (a.shape && a.shape.length > 1) throw new ShapeError(`${node.op}: the axes input must be 1-D, got shape [${a.shape.join(',')}]`);
  if (!a.value) return a.shape?.length === 1 && a.shape[0] === 0 ? [] : 'unknown';
  return toNumbers(a.value);
}

/**
 * The reduced axes, normalised against `rank`, deduplicated and sorted: every axis when none (or
 * empty axes) are given, none (the node is an identity) for empty axes with noop_with_empty_axes=1.
 */
function normAxes(node: Node, list: number[] | undefined, rank: number): number[] {
  if (!list || list.length === 0) {
    return list && numAttr(node, 'noop_with_empty_axes', 0) !== 0 ? [] : Array.from({ length: rank }, (_, i) => i);
  }
  const axes = [...new Set(list.map((a) => normAxis(a, rank, `${node.op}: axis`)))];
  return axes.sort((a, b) => a - b);
}

/** At plan time: the resolved axes, or UnsupportedError when the axes input is computed at run time. */
function reduceAxes(node: Node, ins: (TensorInfo | undefined)[], rank: number): number[] {
  const list = givenAxes(node, ins);
  if (list === 'unknown') throw new UnsupportedError(`${node.op}: the axes input is computed at run time; only constant (or foldable) axes are supported`, [node.op]);
  return normAxes(node, list, rank);
}

function reducedShape(shape: Shape, axes: number[], keepdims: boolean): Shape {
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

type Reduction = 'mean' | 'sum' | 'max' | 'min';

const FOLD_TYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** Folds a reduction: int64 exactly on bigints, everything else in double then stored (wrapping/rounding) into the type. */
function foldReduce(kind: Reduction, v: ConstTensor, axes: number[], outDims: number[], ctx: InferContext): ConstTensor | undefined {
  if (!FOLD_TYPES.has(v.type) || !canFold(outDims, ctx.maxFoldElements)) return undefined;
  const dims = v.dims;
  const rank = dims.length;
  const nOut = numelOf(outDims);
  // Output strides over the input's axes: 0 for reduced axes.
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    if (!axes.includes(i)) {
      strides[i] = s;
      s *= dims[i]!;
    }
  }
  const count = axes.reduce((a, i) => a * dims[i]!, 1);
  const big = v.data instanceof BigInt64Array || v.data instanceof BigUint64Array;
  const acc = new Array<number | bigint | undefined>(nOut).fill(undefined);
  const counter = new Array<number>(rank).fill(0);
  let o = 0;
  for (let j = 0; j < v.data.length; j++) {
    const x = v.data[j]!;
    const a = acc[o];
    if (a === undefined) acc[o] = x;
    else if (kind === 'sum' || kind === 'mean') acc[o] = big ? (a as bigint) + (x as bigint) : (a as number) + (x as number);
    else if (kind === 'max' ? x > a || Number.isNaN(x) : x < a || Number.isNaN(x)) acc[o] = x;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      o += strides[d]!;
      if (counter[d]! < dims[d]!) break;
      o -= strides[d]! * dims[d]!;
      counter[d] = 0;
    }
  }
  const out = allocArray(v.type, nOut);
  const int = v.type !== 'float32' && v.type !== 'float64';
  for (let i = 0; i < nOut; i++) {
    let r = acc[i];
    if (r === undefined) {
      // Empty reductions, as the kernel: 0 (Sum), NaN (Mean), the lowest / highest value (Max / Min).
      if (kind === 'sum' || (kind === 'mean' && int)) r = big ? 0n : 0;
      else if (kind === 'mean') r = NaN;
      else r = int ? intLimit(v.type, kind === 'min') : kind === 'max' ? -Infinity : Infinity;
    }
    if (kind === 'mean' && count > 0) r = big ? (r as bigint) / BigInt(count) : int ? Math.trunc((r as number) / count) : (r as number) / count;
    if (out instanceof BigInt64Array) out[i] = BigInt.asIntN(64, BigInt(r));
    else if (out instanceof BigUint64Array) out[i] = BigInt.asUintN(64, BigInt(r));
    else (out as Float32Array)[i] = Number(r);
  }
  return { type: v.type, dims: outDims, data: out };
}

/** The lowest (or highest) value of an integer type: bigint for 64-bit types. */
function intLimit(type: DType, high: boolean): number | bigint {
  const bits = Number(/\d+/.exec(type)?.[0] ?? 32);
  const unsigned = type.startsWith('u');
  const lo = unsigned ? 0n : -(1n << BigInt(bits - 1));
  const hi = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const v = high ? hi : lo;
  return bits === 64 ? v : Number(v);
}

function reduction(kind: Reduction): CoreOp {
  return {
    valueInputs: [1],
    infer(node, ins, ctx) {
      const x = requireInput(node, ins, 0);
      const keepdims = numAttr(node, 'keepdims', 1) !== 0;
      const list = givenAxes(node, ins);
      if (!x.shape) return [{ type: x.type, shape: undefined }];
      if (list === 'unknown') {
        // Axes fed at run time: with keepdims the rank stays (a reduced dim becomes 1, the others stay,
        // and a 1 stays 1 either way); without, the rank depends on the axes.
        const shape = keepdims ? x.shape.map((d, i) => (d === 1 ? 1 : unknownDim(node, 0, i))) : undefined;
        return [{ type: x.type, shape }];
      }
      const axes = normAxes(node, list, x.shape.length);
      const shape = reducedShape(x.shape, axes, keepdims);
      let value: ConstTensor | undefined;
      if (x.value && axes.length === 0) value = canFold(x.value.dims, ctx.maxFoldElements) ? x.value : undefined;
      else if (x.value) value = foldReduce(kind, x.value, axes, shape as number[], ctx);
      return [value ? { type: x.type, shape, value } : { type: x.type, shape }];
    },
    native(node, ins): NativeNode {
      const x = requireInput(node, ins, 0);
      const axes = reduceAxes(node, ins, rankOrThrow(node, x));
      // A rank-0 input, or empty axes with noop_with_empty_axes=1: the result is the input.
      if (axes.length === 0) return { op: 'Identity', attrs: {}, inputs: [0] };
      return { op: node.op, attrs: { axes, keepdims: numAttr(node, 'keepdims', 1) !== 0 ? 1 : 0 }, inputs: [0] };
    },
  };
}

export const ReduceMean: CoreOp = reduction('mean');
export const ReduceSum: CoreOp = reduction('sum');
export const ReduceMax: CoreOp = reduction('max');
export const ReduceMin: CoreOp = reduction('min');

// ---- Softmax / LogSoftmax ------------------------------------------------------------------------

function softmax(): CoreOp {
  return {
    infer(node, ins) {
      const x = requireInput(node, ins, 0);
      if (x.shape) normAxis(numAttr(node, 'axis', -1), x.shape.length, `${node.op}: axis`);
      return [{ type: x.type, shape: x.shape }];
    },
    native(node, ins) {
      const rank = rankOrThrow(node, requireInput(node, ins, 0));
      return { op: node.op, attrs: { axis: normAxis(numAttr(node, 'axis', -1), rank, `${node.op}: axis`) }, inputs: [0] };
    },
  };
}

export const Softmax: CoreOp = softmax();
export const LogSoftmax: CoreOp = softmax();

// ---- LayerNormalization --------------------------------------------------------------------------

export const LayerNormalization: CoreOp = {
  infer(node, ins) {
    const x = requireInput(node, ins, 0);
    const scale = requireInput(node, ins, 1);
    const bias = node.inputs[2] ? requireInput(node, ins, 2) : undefined;
    for (const [what, t] of [['Scale', scale], ['B', bias]] as const) {
      if (!t) continue;
      if (t.type !== x.type) throw new ShapeError(`LayerNormalization: ${what} has element type ${t.type}, the input ${x.type}`);
      if (!x.shape || !t.shape) continue;
      const axis = normAxis(numAttr(node, 'axis', -1), x.shape.length, 'LayerNormalization: axis');
      const normalized = x.shape.slice(axis);
      // Scale and B broadcast to the normalised dims x.shape[axis:].
      if (t.shape.length > normalized.length) {
        throw new ShapeError(`LayerNormalization: ${what} of shape [${t.shape.join(',')}] does not fit the normalised dims [${normalized.join(',')}]`);
      }
      t.shape.forEach((d, i) => {
        const n = normalized[normalized.length - t.shape!.length + i]!;
        if (typeof d === 'number' && typeof n === 'number' && d !== n && d !== 1) {
          throw new ShapeError(`LayerNormalization: ${what} of shape [${t.shape!.join(',')}] does not fit the normalised dims [${normalized.join(',')}]`);
        }
      });
    }
    return [{ type: x.type, shape: x.shape }];
  },
  native(node, ins) {
    const rank = rankOrThrow(node, requireInput(node, ins, 0));
    return {
      op: 'LayerNormalization',
      attrs: { axis: normAxis(numAttr(node, 'axis', -1), rank, 'LayerNormalization: axis'), epsilon: numAttr(node, 'epsilon', 1e-5) },
      inputs: node.inputs[2] ? [0, 1, 2] : [0, 1],
    };
  },
};

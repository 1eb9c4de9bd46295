// Matrix products. Core attributes:
//   Gemm   alpha (1), beta (1), transA (0), transB (0); inputs A, B, C? (C broadcast to (M, N))
//   MatMul —; numpy semantics. The parser lowers 1-D operands with Unsqueeze/Squeeze, so the native
//          kernel only sees ranks ≥ 2; the shape rule still accepts 1-D operands.
import { ShapeError, UnsupportedError } from '../../errors.js';
import type { ConstTensor, Dim, DType, Node, Shape } from '../ir.js';
import { activate, activationAttrs, allocArray, broadcastIndex, broadcastShapes, canFold, numAttr, requireInput } from '../values.js';
import type { CoreOp, InferContext } from './types.js';

function checkInner(op: string, k1: Dim, k2: Dim): void {
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
    throw new ShapeError(`${op}: inner dimensions ${k1} and ${k2} do not match`);
  }
}

/** Of two dims that must be equal, the more informative (a number over a symbol). */
function pick(a: Dim, b: Dim): Dim {
  return typeof a === 'number' ? a : b;
}

const FOLD_TYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** Reads element i of a constant as a number or bigint (int64 exact). */
function reader(t: ConstTensor): (i: number) => number | bigint {
  const d = t.data;
  return (i) => d[i]!;
}

/** Stores accumulated results: bigint accumulators wrap into int64/uint64, numbers are stored (rounding/wrapping) into the type. */
function store(type: DType, dims: number[], acc: (number | bigint)[]): ConstTensor {
  const out = allocArray(type, acc.length);
  for (let i = 0; i < acc.length; i++) {
    const v = acc[i]!;
    if (out instanceof BigInt64Array) out[i] = BigInt.asIntN(64, BigInt(v));
    else if (out instanceof BigUint64Array) out[i] = BigInt.asUintN(64, BigInt(v));
    else (out as Float32Array)[i] = Number(v);
  }
  return { type, dims, data: out };
}

// ---- MatMul --------------------------------------------------------------------------------------

function foldMatMul(a: ConstTensor, b: ConstTensor, type: DType, outShape: number[], ctx: InferContext): ConstTensor | undefined {
  if (!FOLD_TYPES.has(type) || !canFold(outShape, ctx.maxFoldElements)) return undefined;
  const ad = a.dims.length === 1 ? [1, a.dims[0]!] : a.dims;
  const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : b.dims;
  const M = ad[ad.length - 2]!;
  const K = ad[ad.length - 1]!;
  const N = bd[bd.length - 1]!;
  const aBatch = ad.slice(0, -2);
  const bBatch = bd.slice(0, -2);
  const batch = broadcastShapes([aBatch, bBatch]) as number[];
  const ia = broadcastIndex(aBatch, batch);
  const ib = broadcastIndex(bBatch, batch);
  const big = type === 'int64' || type === 'uint64';
  const ra = reader(a);
  const rb = reader(b);
  const acc: (number | bigint)[] = [];
  for (let p = 0; p < ia.length; p++) {
    const oa = ia[p]! * M * K;
    const ob = ib[p]! * K * N;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        if (big) {
          let s = 0n;
          for (let k = 0; k < K; k++) s += (ra(oa + m * K + k) as bigint) * (rb(ob + k * N + n) as bigint);
          acc.push(s);
        } else {
          let s = 0;
          for (let k = 0; k < K; k++) s += (ra(oa + m * K + k) as number) * (rb(ob + k * N + n) as number);
          acc.push(s);
        }
      }
    }
  }
  return store(type, outShape, acc);
}

export const MatMul: CoreOp = {
  infer(node, ins, ctx) {
    const a = requireInput(node, ins, 0);
    const b = requireInput(node, ins, 1);
    if (a.type !== b.type) throw new ShapeError(`MatMul: operands have different element types (${a.type}, ${b.type})`);
    if (!a.shape || !b.shape) return [{ type: a.type, shape: undefined }];
    if (a.shape.length === 0 || b.shape.length === 0) throw new ShapeError('MatMul: operands must have rank ≥ 1, not scalars');
    const aVec = a.shape.length === 1;
    const bVec = b.shape.length === 1;
    const as: Shape = aVec ? [1, a.shape[0]!] : a.shape;
    const bs: Shape = bVec ? [b.shape[0]!, 1] : b.shape;
    const M = as[as.length - 2]!;
    checkInner('MatMul', as[as.length - 1]!, bs[bs.length - 2]!);
    const N = bs[bs.length - 1]!;
    const batch = broadcastShapes([as.slice(0, -2), bs.slice(0, -2)], 'MatMul (batch dimensions)');
    const shape: Shape = [...batch, ...(aVec ? [] : [M]), ...(bVec ? [] : [N])];
    const value = a.value && b.value ? foldMatMul(a.value, b.value, a.type, shape as number[], ctx) : undefined;
    return [value ? { type: a.type, shape, value } : { type: a.type, shape }];
  },
  native(node, ins) {
    const ra = requireInput(node, ins, 0).shape?.length;
    const rb = requireInput(node, ins, 1).shape?.length;
    if (ra === undefined || rb === undefined || ra < 2 || rb < 2) {
      throw new UnsupportedError(`MatMul: the kernel needs operands of rank ≥ 2, got ranks ${ra ?? '?'} and ${rb ?? '?'}`, ['MatMul']);
    }
    return { op: 'MatMul', attrs: {}, inputs: [0, 1] };
  },
};

// ---- Gemm ----------------------------------------------------------------------------------------

function foldGemm(node: Node, a: ConstTensor, b: ConstTensor, c: ConstTensor | undefined, type: DType, ctx: InferContext): ConstTensor | undefined {
  const transA = numAttr(node, 'transA', 0) !== 0;
  const transB = numAttr(node, 'transB', 0) !== 0;
  const alpha = numAttr(node, 'alpha', 1);
  const beta = numAttr(node, 'beta', 1);
  const M = transA ? a.dims[1]! : a.dims[0]!;
  const K = transA ? a.dims[0]! : a.dims[1]!;
  const N = transB ? b.dims[0]! : b.dims[1]!;
  if (!FOLD_TYPES.has(type) || !canFold([M, N], ctx.maxFoldElements)) return undefined;
  const A = (m: number, k: number) => Number(transA ? a.data[k * M + m]! : a.data[m * K + k]!);
  const B = (k: number, n: number) => Number(transB ? b.data[n * K + k]! : b.data[k * N + n]!);
  const ic = c ? broadcastIndex(c.dims, [M, N]) : undefined;
  const acc: number[] = [];
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A(m, k) * B(k, n);
      s *= alpha;
      if (c && ic) s += beta * Number(c.data[ic[m * N + n]!]!);
      s = activate(node, s);
      acc.push(INT_RESULT.has(type) ? Math.trunc(s) : s);
    }
  }
  return store(type, [M, N], acc);
}

const INT_RESULT: ReadonlySet<DType> = new Set<DType>(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

export const Gemm: CoreOp = {
  infer(node, ins, ctx) {
    const a = requireInput(node, ins, 0);
    const b = requireInput(node, ins, 1);
    const c = node.inputs[2] ? requireInput(node, ins, 2) : undefined;
    for (const t of [b, c]) {
      if (t && t.type !== a.type) throw new ShapeError(`Gemm: operands have different element types (${a.type}, ${t.type})`);
    }
    for (const [what, t] of [['A', a], ['B', b]] as const) {
      if (t.shape && t.shape.length !== 2) throw new ShapeError(`Gemm: ${what} must have rank 2, got shape [${t.shape.join(',')}]`);
    }
    if (!a.shape || !b.shape) return [{ type: a.type, shape: undefined }];
    const transA = numAttr(node, 'transA', 0) !== 0;
    const transB = numAttr(node, 'transB', 0) !== 0;
    const M = transA ? a.shape[1]! : a.shape[0]!;
    const K1 = transA ? a.shape[0]! : a.shape[1]!;
    const K2 = transB ? b.shape[1]! : b.shape[0]!;
    let N = transB ? b.shape[0]! : b.shape[1]!;
    checkInner('Gemm', K1, K2);
    let Mo = M;
    if (c?.shape) {
      // C broadcasts one way to (M, N).
      if (c.shape.length > 2) throw new ShapeError(`Gemm: C must have rank ≤ 2, got shape [${c.shape.join(',')}]`);
      const cs = [...new Array<Dim>(2 - c.shape.length).fill(1), ...c.shape];
      const out = [M, N];
      cs.forEach((d, i) => {
        const o = out[i]!;
        if (d === 1) return;
        if (typeof d === 'number' && typeof o === 'number' && d !== o) {
          throw new ShapeError(`Gemm: C of shape [${c.shape!.join(',')}] cannot broadcast to [${M},${N}]`);
        }
        if (i === 0) Mo = pick(o, d);
        else N = pick(o, d);
      });
    }
    const shape: Shape = [Mo, N];
    const value = a.value && b.value && (!c || c.value) ? foldGemm(node, a.value, b.value, c?.value, a.type, ctx) : undefined;
    return [value ? { type: a.type, shape: value.dims, value } : { type: a.type, shape }];
  },
  native(node) {
    return {
      op: 'Gemm',
      attrs: {
        alpha: numAttr(node, 'alpha', 1),
        beta: numAttr(node, 'beta', 1),
        transA: numAttr(node, 'transA', 0) !== 0 ? 1 : 0,
        transB: numAttr(node, 'transB', 0) !== 0 ? 1 : 0,
        ...activationAttrs(node),
      },
      inputs: node.inputs[2] ? [0, 1, 2] : [0, 1],
    };
  },
};

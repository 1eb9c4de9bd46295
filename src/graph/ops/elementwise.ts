// Element-wise core operators: numpy-broadcast binary arithmetic, comparisons and logic, Where,
// unary math, Clip, Cast and Identity. Each shape rule folds small constant inputs in JS with the
// semantics of the native kernels (two's complement integer wrap-around, integer Div truncating
// toward zero with x / 0 = 0, float32 results rounded to float32); int64 is computed on bigints,
// so shape and mask arithmetic folds exactly.
import { ShapeError, UnsupportedError } from '../../errors.js';
import type { ConstTensor, DType, Node, Shape, TensorInfo, TypedArray } from '../ir.js';
import { DTYPE_OF_CODE } from '../ir.js';
import { allocArray, broadcastIndex, broadcastShapes, canFold, nativeScalar, numAttr, requireInput } from '../values.js';
import type { CoreOp, InferContext, NativeNode } from './types.js';

// ---- helpers -------------------------------------------------------------------------------------

type BigArray = BigInt64Array | BigUint64Array;

function isBig(a: TypedArray): a is BigArray {
  return a instanceof BigInt64Array || a instanceof BigUint64Array;
}

const INT_TYPES: ReadonlySet<DType> = new Set<DType>(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);
/** Integer types of at most 32 bits: their products wrap correctly through Math.imul. */
const SMALL_INT_TYPES: ReadonlySet<DType> = new Set<DType>(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32']);

function sameTypes(node: Node, infos: TensorInfo[]): DType {
  const t = infos[0]!.type;
  for (const x of infos) {
    if (x.type !== t) throw new ShapeError(`${node.op}: inputs have different element types (${infos.map((i) => i.type).join(', ')})`);
  }
  return t;
}

function broadcastOf(node: Node, infos: TensorInfo[]): Shape | undefined {
  if (infos.some((i) => i.shape === undefined)) return undefined;
  return broadcastShapes(infos.map((i) => i.shape!), node.op);
}

function allNative(node: Node): NativeNode {
  return { op: node.op, attrs: {}, inputs: node.inputs.map((_, i) => i) };
}

/** Element types whose constants hold plain numbers (float16/bfloat16 constants hold raw bits). */
const NUMERIC_TYPES: ReadonlySet<DType> = new Set<DType>([...INT_TYPES, 'float32', 'float64', 'bool']);

/**
 * The constant inputs' broadcast dims and per-input index maps, when every value is known, holds
 * numbers (unless `raw`: elements are only copied) and the result is small enough.
 */
function foldPlan(values: (ConstTensor | undefined)[], ctx: InferContext, raw = false): { dims: number[]; idx: Int32Array[]; n: number } | undefined {
  if (values.some((v) => v === undefined || (!raw && !NUMERIC_TYPES.has(v.type)))) return undefined;
  const vs = values as ConstTensor[];
  const dims = broadcastShapes(vs.map((v) => v.dims)) as number[];
  if (!canFold(dims, ctx.maxFoldElements)) return undefined;
  const idx = vs.map((v) => broadcastIndex(v.dims, dims));
  return { dims, idx, n: idx[0]?.length ?? 1 };
}

/** Stores a real number into an element of `type` the way the native kernels convert (saturating, NaN → 0 for integers). */
function setNumber(out: TypedArray, j: number, v: number, type: DType): void {
  if (type === 'bool') {
    (out as Uint8Array)[j] = v !== 0 ? 1 : 0; // NaN → true, as static_cast<bool>
  } else if (INT_TYPES.has(type)) {
    const [lo, hi] = INT_RANGE[type]!;
    const x = Number.isNaN(v) ? 0 : v <= lo ? lo : v >= hi ? hi : Math.trunc(v);
    if (isBig(out)) out[j] = x === lo || x === hi ? bigLimit(type, x === hi) : BigInt(x);
    else (out as Int32Array)[j] = x;
  } else {
    (out as Float32Array)[j] = v;
  }
}

/** [lowest, highest] of each integer type as numbers (int64/uint64 limits rounded; see bigLimit). */
const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
  int64: [-9223372036854775808, 9223372036854775807], uint64: [0, 18446744073709551615],
};

function bigLimit(type: DType, high: boolean): bigint {
  if (type === 'uint64') return high ? (1n << 64n) - 1n : 0n;
  return high ? (1n << 63n) - 1n : -(1n << 63n);
}

function wrapBig(type: DType, v: bigint): bigint {
  return type === 'uint64' ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
}

/** pow with C semantics (Math.pow differs for base 1 and base -1 with infinite/NaN exponents). */
function cpow(a: number, b: number): number {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/** erf(x) to about 1e-15: Taylor series near 0, continued fraction of erfc further out. */
function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax >= 6) return Math.sign(x);
  let f = ax;
  for (let k = 80; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** A zero-filled array for `type`, raw 16-bit words for float16/bfloat16 (as import stores them). */
function allocRaw(type: DType, n: number): TypedArray {
  return type === 'float16' || type === 'bfloat16' ? new Uint16Array(n) : allocArray(type, n);
}

function infoOf(type: DType, shape: Shape | undefined, value?: ConstTensor): TensorInfo {
  return value ? { type, shape: value.dims, value } : { type, shape };
}

// ---- binary arithmetic ---------------------------------------------------------------------------

interface Arith {
  /** Floating point. */
  num(a: number, b: number): number;
  /** Integers of at most 32 bits (the exact result; storing it wraps). */
  int(a: number, b: number, type: DType): number;
  /** int64 / uint64 (the exact result; wrapped afterwards). */
  big(a: bigint, b: bigint, type: DType): bigint;
}

function arithmetic(f: Arith): CoreOp {
  return {
    infer(node, ins, ctx) {
      const a = requireInput(node, ins, 0);
      const b = requireInput(node, ins, 1);
      const type = sameTypes(node, [a, b]);
      const shape = broadcastOf(node, [a, b]);
      return [infoOf(type, shape, foldArith(a.value, b.value, type, f, ctx))];
    },
    native: (node) => allNative(node),
  };
}

function foldArith(a: ConstTensor | undefined, b: ConstTensor | undefined, type: DType, f: Arith, ctx: InferContext): ConstTensor | undefined {
  const p = foldPlan([a, b], ctx);
  if (!p || type === 'bool') return undefined;
  const out = allocArray(type, p.n);
  const [ia, ib] = p.idx as [Int32Array, Int32Array];
  const da = a!.data;
  const db = b!.data;
  if (isBig(out)) {
    for (let j = 0; j < p.n; j++) out[j] = wrapBig(type, f.big(da[ia[j]!] as bigint, db[ib[j]!] as bigint, type));
  } else if (INT_TYPES.has(type)) {
    for (let j = 0; j < p.n; j++) out[j] = f.int(da[ia[j]!] as number, db[ib[j]!] as number, type); // the typed array wraps
  } else {
    for (let j = 0; j < p.n; j++) out[j] = f.num(da[ia[j]!] as number, db[ib[j]!] as number);
  }
  return { type, dims: p.dims, data: out };
}

export const Add: CoreOp = arithmetic({
  num: (a, b) => a + b,
  int: (a, b) => a + b,
  big: (a, b) => a + b,
});

export const Sub: CoreOp = arithmetic({
  num: (a, b) => a - b,
  int: (a, b) => a - b,
  big: (a, b) => a - b,
});

export const Mul: CoreOp = arithmetic({
  num: (a, b) => a * b,
  int: (a, b, t) => (SMALL_INT_TYPES.has(t) ? Math.imul(a, b) : a * b),
  big: (a, b) => a * b,
});

// Integer division truncates toward zero; x / 0 is 0 as in the native kernel (MIN / -1 wraps).
export const Div: CoreOp = arithmetic({
  num: (a, b) => a / b,
  int: (a, b) => (b === 0 ? 0 : Math.trunc(a / b)),
  big: (a, b) => (b === 0n ? 0n : a / b),
});

// ---- Pow (Y has A's type; B may be another numeric type) ------------------------------------------

function intPow(base: bigint, e: bigint, type: DType): bigint {
  if (e < 0n) {
    if (base === 1n) return 1n;
    if (base === -1n) return e % 2n === 0n ? 1n : -1n;
    return 0n;
  }
  let r = 1n;
  let b = wrapBig(type, base);
  while (e > 0n) {
    if (e & 1n) r = wrapBig(type, r * b);
    e >>= 1n;
    if (e > 0n) b = wrapBig(type, b * b);
  }
  return r;
}

export const Pow: CoreOp = {
  infer(node, ins, ctx) {
    const a = requireInput(node, ins, 0);
    const b = requireInput(node, ins, 1);
    if (a.type === 'bool' || b.type === 'bool') throw new ShapeError('Pow: bool operands are not allowed');
    const shape = broadcastOf(node, [a, b]);
    const p = foldPlan([a.value, b.value], ctx);
    if (!p) return [{ type: a.type, shape }];
    const out = allocArray(a.type, p.n);
    const [ia, ib] = p.idx as [Int32Array, Int32Array];
    const da = a.value!.data;
    const db = b.value!.data;
    const intA = INT_TYPES.has(a.type);
    const intB = INT_TYPES.has(b.type);
    for (let j = 0; j < p.n; j++) {
      const x = da[ia[j]!]!;
      const y = db[ib[j]!]!;
      if (intA && intB) {
        const r = intPow(BigInt(x), BigInt(y), a.type === 'uint64' ? 'uint64' : 'int64');
        if (isBig(out)) out[j] = wrapBig(a.type, r);
        else (out as Int32Array)[j] = Number(BigInt.asIntN(32, r)); // wraps further to the element width
      } else if (intA) {
        setNumber(out, j, cpow(Number(x), Number(y)), a.type);
      } else {
        (out as Float32Array)[j] = cpow(Number(x), Number(y));
      }
    }
    return [{ type: a.type, shape: p.dims, value: { type: a.type, dims: p.dims, data: out } }];
  },
  native: (node) => allNative(node),
};

// ---- comparisons and logic ------------------------------------------------------------------------

function compare(op: string, f: (a: number | bigint, b: number | bigint) => boolean, logic: boolean): CoreOp {
  return {
    infer(node, ins, ctx) {
      const a = requireInput(node, ins, 0);
      const b = requireInput(node, ins, 1);
      const type = sameTypes(node, [a, b]);
      if (logic && type !== 'bool') throw new ShapeError(`${op}: inputs must be bool, not ${type}`);
      const shape = broadcastOf(node, [a, b]);
      const p = foldPlan([a.value, b.value], ctx);
      if (!p) return [{ type: 'bool', shape }];
      const out = new Uint8Array(p.n);
      const [ia, ib] = p.idx as [Int32Array, Int32Array];
      const da = a.value!.data;
      const db = b.value!.data;
      const bool = type === 'bool';
      for (let j = 0; j < p.n; j++) {
        let x = da[ia[j]!]!;
        let y = db[ib[j]!]!;
        if (bool) {
          x = x ? 1 : 0;
          y = y ? 1 : 0;
        }
        out[j] = f(x, y) ? 1 : 0;
      }
      return [{ type: 'bool', shape: p.dims, value: { type: 'bool', dims: p.dims, data: out } }];
    },
    native: (node) => allNative(node),
  };
}

export const Equal: CoreOp = compare('Equal', (a, b) => a === b, false);
export const Less: CoreOp = compare('Less', (a, b) => a < b, false);
export const Greater: CoreOp = compare('Greater', (a, b) => a > b, false);
export const And: CoreOp = compare('And', (a, b) => a !== 0 && b !== 0, true);
export const Or: CoreOp = compare('Or', (a, b) => a !== 0 || b !== 0, true);
export const Xor: CoreOp = compare('Xor', (a, b) => (a !== 0) !== (b !== 0), true);

// ---- Where ---------------------------------------------------------------------------------------

export const Where: CoreOp = {
  infer(node, ins, ctx) {
    const c = requireInput(node, ins, 0);
    const x = requireInput(node, ins, 1);
    const y = requireInput(node, ins, 2);
    if (c.type !== 'bool') throw new ShapeError(`Where: the condition must be bool, not ${c.type}`);
    const type = sameTypes(node, [x, y]);
    const shape = broadcastOf(node, [c, x, y]);
    const p = foldPlan([c.value, x.value, y.value], ctx, true);
    if (!p) return [{ type, shape }];
    const out = allocRaw(type, p.n);
    const [ic, ix, iy] = p.idx as [Int32Array, Int32Array, Int32Array];
    const dc = c.value!.data;
    const dx = x.value!.data as Float32Array; // raw element copy: exact for every type, bigint included
    const dy = y.value!.data as Float32Array;
    const o = out as Float32Array;
    for (let j = 0; j < p.n; j++) o[j] = dc[ic[j]!] ? dx[ix[j]!]! : dy[iy[j]!]!;
    return [{ type, shape: p.dims, value: { type, dims: p.dims, data: out } }];
  },
  native: () => ({ op: 'Where', attrs: {}, inputs: [0, 1, 2] }),
};

// ---- unary ---------------------------------------------------------------------------------------

interface UnaryOptions {
  /** Element types accepted (default: any but bool). */
  types?: 'bool' | 'numeric';
  /** Exact int64 variant; without it integers go through `num` and are stored saturating. */
  big?: (x: bigint) => bigint;
  /** Kernel attributes from the node's attributes. */
  attrs?: (node: Node) => Record<string, number | string>;
}

function unary(op: string, num: (x: number, node: Node) => number, opts: UnaryOptions = {}): CoreOp {
  return {
    infer(node, ins, ctx) {
      const x = requireInput(node, ins, 0);
      if (opts.types === 'bool' && x.type !== 'bool') throw new ShapeError(`${op}: input must be bool, not ${x.type}`);
      if (opts.types !== 'bool' && x.type === 'bool') throw new ShapeError(`${op}: input must be numeric, not bool`);
      const p = foldPlan([x.value], ctx);
      if (!p) return [{ type: x.type, shape: x.shape }];
      const d = x.value!.data;
      const out = allocArray(x.type, p.n);
      if (isBig(out)) {
        for (let j = 0; j < p.n; j++) {
          if (opts.big) out[j] = wrapBig(x.type, opts.big(d[j] as bigint));
          else setNumber(out, j, num(Number(d[j]), node), x.type);
        }
      } else if (INT_TYPES.has(x.type) || x.type === 'bool') {
        // Neg/Abs wrap like two's complement (the typed array wraps); float results are stored saturating.
        for (let j = 0; j < p.n; j++) {
          const v = num(d[j] as number, node);
          if (opts.big || x.type === 'bool') (out as Int32Array)[j] = v;
          else setNumber(out, j, v, x.type);
        }
      } else {
        for (let j = 0; j < p.n; j++) (out as Float32Array)[j] = num(d[j] as number, node);
      }
      return [{ type: x.type, shape: p.dims, value: { type: x.type, dims: p.dims, data: out } }];
    },
    native: (node) => ({ op, attrs: opts.attrs ? opts.attrs(node) : {}, inputs: [0] }),
  };
}

const neg = (x: bigint): bigint => -x;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

export const Sqrt: CoreOp = unary('Sqrt', Math.sqrt);
export const Exp: CoreOp = unary('Exp', Math.exp);
export const Log: CoreOp = unary('Log', Math.log);
export const Erf: CoreOp = unary('Erf', erf);
export const Reciprocal: CoreOp = unary('Reciprocal', (x) => 1 / x);
export const Sigmoid: CoreOp = unary('Sigmoid', (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))));
export const Tanh: CoreOp = unary('Tanh', Math.tanh);
export const Softplus: CoreOp = unary('Softplus', (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))));
export const Neg: CoreOp = unary('Neg', (x) => -x, { big: neg });
export const Abs: CoreOp = unary('Abs', Math.abs, { big: abs });
export const Relu: CoreOp = unary('Relu', (x) => (x < 0 ? 0 : x), { big: (x) => (x < 0n ? 0n : x) }); // keeps NaN, as the kernel
export const Not: CoreOp = unary('Not', (x) => (x ? 0 : 1), { types: 'bool' });

export const LeakyRelu: CoreOp = unary('LeakyRelu', (x, node) => (x >= 0 ? x : x * numAttr(node, 'alpha', 0.01)), {
  attrs: (node) => ({ alpha: numAttr(node, 'alpha', 0.01) }),
});

export const Gelu: CoreOp = unary(
  'Gelu',
  (x, node) => {
    if (approximation(node) === 'tanh') return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    return 0.5 * x * (1 + erf(x / Math.SQRT2));
  },
  { attrs: (node) => ({ approximate: approximation(node) }) },
);

function approximation(node: Node): 'none' | 'tanh' {
  const v = node.attrs['approximate'] ?? 'none';
  if (v !== 'none' && v !== 'tanh') throw new ShapeError(`Gelu: approximate must be "none" or "tanh", not ${JSON.stringify(v)}`);
  return v;
}

// ---- Clip ----------------------------------------------------------------------------------------

// Core Clip: inputs X, min?, max? (scalars, Clip-11+) and/or attributes min, max (Clip-6).
// An input, when present, wins over the attribute; absent bounds are ±Infinity. The bound inputs
// may be unknown at import (fed at run time): inference then gives X's type and shape, and the
// kernel call needs them constant when the plan is built.

function clipBound(node: Node, ins: (TensorInfo | undefined)[], i: 1 | 2, required: boolean): ConstTensor | number | undefined {
  const name = i === 1 ? 'min' : 'max';
  if (node.inputs[i]) {
    const t = ins[i];
    if (!t) throw new ShapeError(`Clip: input ${name} is missing`);
    if (t.shape && !(t.shape.length === 0 || (t.shape.length === 1 && (t.shape[0] === 1 || typeof t.shape[0] === 'string')))) {
      throw new ShapeError(`Clip: ${name} must be a scalar, got shape [${t.shape.join(',')}]`);
    }
    if (!t.value) {
      if (required) throw new UnsupportedError(`Clip: ${name} must be a constant`, ['Clip']);
      return undefined;
    }
    if (t.value.data.length !== 1) throw new ShapeError(`Clip: ${name} must be a scalar`);
    return t.value;
  }
  return numAttr(node, name, i === 1 ? -Infinity : Infinity);
}

export const Clip: CoreOp = {
  // min and max become kernel attributes: a graph input feeding one is specialised on its value.
  valueInputs: [1, 2],
  infer(node, ins, ctx) {
    const x = requireInput(node, ins, 0);
    for (const i of [1, 2] as const) {
      const t = node.inputs[i] ? ins[i] : undefined;
      if (t && t.type !== x.type) throw new ShapeError(`Clip: bound types must match the input's (${x.type}), got ${t.type}`);
    }
    const lo = clipBound(node, ins, 1, false);
    const hi = clipBound(node, ins, 2, false);
    const p = lo !== undefined && hi !== undefined ? foldPlan([x.value], ctx) : undefined;
    if (!p || x.type === 'bool') return [{ type: x.type, shape: x.shape }];
    const d = x.value!.data;
    const out = allocArray(x.type, p.n);
    // Bounds are converted to the element type first as the kernel does (integers: min rounded up,
    // max rounded down); infinite or NaN bounds clip nothing.
    if (isBig(out)) {
      const bound = (b: ConstTensor | number, lower: boolean): bigint | undefined =>
        typeof b !== 'number' ? (b.data[0] as bigint) : Number.isFinite(b) ? BigInt(lower ? Math.ceil(b) : Math.floor(b)) : undefined;
      const l = bound(lo!, true);
      const h = bound(hi!, false);
      for (let j = 0; j < p.n; j++) {
        let v = d[j] as bigint;
        if (l !== undefined && v < l) v = l;
        if (h !== undefined && v > h) v = h;
        out[j] = v;
      }
    } else {
      const int = INT_TYPES.has(x.type);
      const bound = (b: ConstTensor | number, lower: boolean): number => {
        const v = typeof b === 'number' ? b : Number(b.data[0]);
        return int && Number.isFinite(v) ? (lower ? Math.ceil(v) : Math.floor(v)) : v;
      };
      const l = bound(lo!, true);
      const h = bound(hi!, false);
      for (let j = 0; j < p.n; j++) {
        let v = d[j] as number;
        if (v < l) v = l;
        if (v > h) v = h; // min > max gives max everywhere, as the spec says
        setNumber(out, j, v, x.type);
      }
    }
    return [{ type: x.type, shape: p.dims, value: { type: x.type, dims: p.dims, data: out } }];
  },
  native(node, ins) {
    const bound = (i: 1 | 2): number | bigint => {
      const b = clipBound(node, ins, i, true)!;
      return typeof b === 'number' ? b : nativeScalar(b);
    };
    return { op: 'Clip', attrs: { min: bound(1), max: bound(2) }, inputs: [0] };
  },
};

// ---- Cast ----------------------------------------------------------------------------------------

function castTarget(node: Node): DType {
  const to = node.attrs['to'];
  const type = typeof to === 'number' ? DTYPE_OF_CODE[to] : undefined;
  if (!type) throw new ShapeError(`Cast: unknown target type code ${JSON.stringify(to)}`);
  return type;
}

/** Cast of a constant with the native conversions: integer → integer wraps, real → integer saturates (NaN → 0), → bool is x != 0. */
function castValue(v: ConstTensor, to: DType): ConstTensor | undefined {
  if (!NUMERIC_TYPES.has(to)) return undefined;
  const n = v.data.length;
  const out = allocArray(to, n);
  const d = v.data;
  if (isBig(d)) {
    for (let j = 0; j < n; j++) {
      const x = d[j]!;
      if (isBig(out)) out[j] = wrapBig(to, x);
      else if (to === 'bool') out[j] = x !== 0n ? 1 : 0;
      else if (INT_TYPES.has(to)) (out as Int32Array)[j] = Number(BigInt.asIntN(32, x)); // wraps to the element width
      else (out as Float32Array)[j] = Number(x);
    }
    return { type: to, dims: [...v.dims], data: out };
  }
  let read: (j: number) => number;
  if (v.type === 'float16') read = (j) => halfToNumber(d[j] as number);
  else if (v.type === 'bfloat16') read = (j) => bfloatToNumber(d[j] as number);
  else if (NUMERIC_TYPES.has(v.type)) read = (j) => d[j] as number;
  else return undefined;
  const intToInt = INT_TYPES.has(v.type) || v.type === 'bool';
  for (let j = 0; j < n; j++) {
    const x = read(j);
    if (intToInt && isBig(out)) out[j] = wrapBig(to, BigInt(x));
    else if (intToInt && INT_TYPES.has(to)) (out as Int32Array)[j] = x; // the typed array wraps
    else setNumber(out, j, x, to);
  }
  return { type: to, dims: [...v.dims], data: out };
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloatToNumber(h: number): number {
  const f = new Float32Array(new Uint32Array([h << 16]).buffer);
  return f[0]!;
}

export const Cast: CoreOp = {
  infer(node, ins, ctx) {
    const x = requireInput(node, ins, 0);
    const to = castTarget(node);
    const value = x.value && canFold(x.value.dims, ctx.maxFoldElements) ? castValue(x.value, to) : undefined;
    return [infoOf(to, x.shape, value)];
  },
  native: (node) => ({ op: 'Cast', attrs: { to: node.attrs['to'] as number }, inputs: [0] }),
};

// ---- Identity ------------------------------------------------------------------------------------

export const Identity: CoreOp = {
  infer(node, ins, ctx) {
    const x = requireInput(node, ins, 0);
    const value = x.value && canFold(x.value.dims, ctx.maxFoldElements) ? x.value : undefined;
    return [infoOf(x.type, x.shape, value)];
  },
  native: () => ({ op: 'Identity', attrs: {}, inputs: [0] }),
};

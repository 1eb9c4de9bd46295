// Shape rules for the shape-manipulation family. Every rule here folds when its inputs are
// constant and the result is small enough (Shape and Size fold from concrete dims alone), which is
// what removes the exporters' Shape → Gather → Unsqueeze → Concat → Reshape chains at plan time.
// Shape-like inputs (Reshape's shape, Slice's starts/ends/axes/steps, Squeeze's axes, ...) stay
// inputs of the core node and are declared in valueInputs: they may be unknown at import (the
// rules then give what they can, e.g. the rank), and are constant when a plan is built, where
// native() turns their values into attributes and drops them.
import { ShapeError, UnsupportedError } from '../../errors.js';
import type { ConstTensor, Dim, Node, Shape as Dims, TensorInfo, TypedArray } from '../ir.js';
import { isConcrete, numelOf } from '../ir.js';
import { broadcastIndex, broadcastShapes, canFold, fromNumbers, int64Const, intAttr, intsAttr, nativeScalar, normAxis, toNumbers, unknownDim } from '../values.js';
import type { CoreOp, InferContext, NativeNode } from './types.js';

// ---------------------------------------------------------------------------------------------
// Helpers (private: every export of this file is a CoreOp)

type Elems = { [i: number]: number | bigint; length: number };

const fmt = (s: readonly (Dim | number)[]) => `[${s.join(', ')}]`;

/**
 * A required input's info. An absent input is a ShapeError; a named input nothing is known about
 * (its producer was refused and the file declares no type for it) refuses this node instead.
 */
function need(node: Node, info: TensorInfo | undefined, index: number, what: string): TensorInfo {
  if (info) return info;
  const name = node.inputs[index];
  if (!name) throw new ShapeError(`${node.op}: input ${what} is missing`);
  throw new UnsupportedError(`${node.op}: nothing is known about input ${what} ('${name}')`);
}

/** The values of a constant input as numbers, or undefined when not constant (or absent). */
function numbersOf(info: TensorInfo | undefined): number[] | undefined {
  return info?.value ? toNumbers(info.value) : undefined;
}

/** At plan time: the value of a shape-like input, or UnsupportedError. */
function constInput(node: Node, info: TensorInfo | undefined, what: string): number[] {
  const v = numbersOf(info);
  if (!v) throw new UnsupportedError(`${node.op}: input '${what}' is computed at run time; only constant (or foldable) ${what} is supported`);
  return v;
}

/** The length of a 1-D input when it is known, else undefined. */
function vectorLength(info: TensorInfo | undefined): number | undefined {
  const s = info?.shape;
  return s && s.length === 1 && typeof s[0] === 'number' ? s[0] : undefined;
}

function ctorOf(t: ConstTensor): new (n: number) => TypedArray {
  return t.data.constructor as new (n: number) => TypedArray;
}

/** A constant whose elements are t's elements at `idx` (-1: `fill`, t's element type). */
function take(t: ConstTensor, idx: ArrayLike<number>, dims: number[], fill: number | bigint = 0): ConstTensor {
  const data = new (ctorOf(t))(idx.length);
  const out = data as unknown as Elems;
  const src = t.data as unknown as Elems;
  const big = typeof src[0] === 'bigint' || data instanceof BigInt64Array || data instanceof BigUint64Array;
  const f = big ? (typeof fill === 'bigint' ? fill : BigInt(Math.trunc(fill))) : Number(fill);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    out[i] = j < 0 ? f : src[j]!;
  }
  return { type: t.type, dims, data };
}

function stridesOf(dims: readonly number[]): number[] {
  const st = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= dims[i]!;
  }
  return st;
}

/**
 * For every output element (row-major over dims maps[a].length), the flat input index when each
 * output axis a reads input coordinate maps[a][o] (-1: no source element, e.g. constant padding).
 */
function separableIndex(inDims: readonly number[], maps: number[][]): Int32Array {
  const r = inDims.length;
  const st = stridesOf(inDims);
  const outDims = maps.map((m) => m.length);
  const n = numelOf(outDims);
  const idx = new Int32Array(n);
  const coord = new Array<number>(r).fill(0);
  for (let j = 0; j < n; j++) {
    let off = 0;
    let none = false;
    for (let a = 0; a < r; a++) {
      const c = maps[a]![coord[a]!]!;
      if (c < 0) none = true;
      off += c * st[a]!;
    }
    idx[j] = none ? -1 : off;
    for (let a = r - 1; a >= 0; a--) {
      if (++coord[a]! < outDims[a]!) break;
      coord[a] = 0;
    }
  }
  return idx;
}

const iota = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);

/** The folded value of a copy-like op (same elements, new dims) when allowed. */
function reshaped(x: TensorInfo, dims: Dims, ctx: InferContext): ConstTensor | undefined {
  if (!x.value || !isConcrete(dims) || !canFold(dims, ctx.maxFoldElements)) return undefined;
  return { type: x.value.type, dims: [...dims], data: x.value.data };
}

/** Product of dims: a number when all are numbers, the symbol when it is the only non-1 factor, else undefined. */
function dimProduct(dims: readonly Dim[]): Dim | undefined {
  let n = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') n *= d;
    else syms.push(d);
  }
  if (syms.length === 0 || n === 0) return n;
  if (syms.length === 1 && n === 1) return syms[0];
  return undefined;
}

const copyOp = (op = 'Reshape'): NativeNode => ({ op, attrs: {}, inputs: [0] });

// ---------------------------------------------------------------------------------------------
// Reshape, Flatten, Squeeze, Unsqueeze

function factorize(dims: readonly Dim[]): { num: number; syms: string[] } {
  let num = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') num *= d;
    else syms.push(d);
  }
  return { num, syms };
}

function reshapeDims(node: Node, input: Dims | undefined, target: number[], allowzero: boolean): Dims {
  const out: Dim[] = [];
  let infer = -1;
  target.forEach((t, i) => {
    if (!Number.isInteger(t) || t < -1) throw new ShapeError(`Reshape: invalid dim ${t} in shape ${fmt(target)}`);
    if (t === -1) {
      if (infer >= 0) throw new ShapeError(`Reshape: shape ${fmt(target)} has more than one -1`);
      infer = i;
      out.push(-1);
    } else if (t === 0 && !allowzero) {
      if (!input) out.push(unknownDim(node, 0, i));
      else if (i >= input.length) throw new ShapeError(`Reshape: shape ${fmt(target)} copies dim ${i} of an input of rank ${input.length}`);
      else out.push(input[i]!);
    } else {
      out.push(t);
    }
  });
  if (allowzero && infer >= 0 && target.includes(0)) throw new ShapeError(`Reshape: shape ${fmt(target)} has both 0 and -1 with allowzero=1`);
  if (!input) {
    if (infer >= 0) out[infer] = unknownDim(node, 0, infer);
    return out;
  }
  const inF = factorize(input);
  const outF = factorize(out.filter((_, i) => i !== infer));
  // Cancel the symbols both sides share (dims copied with 0, or the same symbol spelled out).
  const rest = [...inF.syms];
  const outRest: string[] = [];
  for (const s of outF.syms) {
    const k = rest.indexOf(s);
    if (k >= 0) rest.splice(k, 1);
    else outRest.push(s);
  }
  const bad = () => new ShapeError(input.every((d) => typeof d === 'number')
    ? `Reshape: cannot reshape ${inF.num} elements into ${fmt(target)}`
    : `Reshape: cannot reshape ${fmt(input)} into ${fmt(target)}`);
  if (infer >= 0) {
    if (outRest.length > 0) out[infer] = unknownDim(node, 0, infer);
    else if (rest.length === 0) {
      if (outF.num === 0) {
        if (inF.num !== 0) throw bad();
        throw new ShapeError(`Reshape: cannot infer the -1 in ${fmt(target)} for an input of 0 elements`);
      }
      if (inF.num % outF.num !== 0) throw bad();
      out[infer] = inF.num / outF.num;
    } else if (rest.length === 1 && inF.num === outF.num) out[infer] = rest[0]!;
    else out[infer] = unknownDim(node, 0, infer);
  } else if (rest.length === 0 && outRest.length === 0 && inF.num !== outF.num) {
    throw bad();
  }
  return out;
}

export const Reshape: CoreOp = {
  valueInputs: [1],
  infer(node, [data, shape], ctx) {
    const x = need(node, data, 0, 'data');
    const target = numbersOf(shape);
    if (!target) {
      const n = vectorLength(shape);
      return [{ type: x.type, shape: n === undefined ? undefined : iota(n).map((i) => unknownDim(node, 0, i)) }];
    }
    const dims = reshapeDims(node, x.shape, target, intAttr(node, 'allowzero', 0) !== 0);
    return [{ type: x.type, shape: dims, value: reshaped(x, dims, ctx) }];
  },
  native(node, ins) {
    constInput(node, ins[1], 'shape');
    return copyOp();
  },
};

export const Flatten: CoreOp = {
  infer(node, [data], ctx) {
    const x = need(node, data, 0, 'input');
    if (!x.shape) return [{ type: x.type, shape: undefined }];
    const r = x.shape.length;
    const a0 = intAttr(node, 'axis', 1);
    const axis = a0 < 0 ? a0 + r : a0;
    if (!Number.isInteger(axis) || axis < 0 || axis > r) throw new ShapeError(`Flatten: axis ${a0} is out of range for rank ${r}`);
    const dims: Dim[] = [dimProduct(x.shape.slice(0, axis)) ?? unknownDim(node, 0, 0), dimProduct(x.shape.slice(axis)) ?? unknownDim(node, 0, 1)];
    return [{ type: x.type, shape: dims, value: reshaped(x, dims, ctx) }];
  },
  native: () => copyOp(),
};

/**
 * The axes of core Squeeze/Unsqueeze: input 1 (opset-13 form; the parsers turn the older attribute
 * into a constant input). undefined: absent; 'unknown': named but not constant (yet), with its
 * length when that is known.
 */
function axesInput(node: Node, info: TensorInfo | undefined): number[] | undefined | { unknown: number | undefined } {
  if (node.attrs.axes !== undefined) throw new ShapeError(`${node.op}: axes should be input 1 of the core node, not an attribute`);
  if (!node.inputs[1]) return undefined;
  const a = need(node, info, 1, 'axes');
  if (a.type !== 'int64' && a.type !== 'int32') throw new ShapeError(`${node.op}: axes should be int64, got ${a.type}`);
  if (a.shape && a.shape.length > 1) throw new ShapeError(`${node.op}: axes should be 1-D, got ${fmt(a.shape)}`);
  const v = numbersOf(a);
  if (v) return v;
  return { unknown: a.shape?.length === 0 ? 1 : vectorLength(a) };
}

export const Squeeze: CoreOp = {
  valueInputs: [1],
  infer(node, [data, axesI], ctx) {
    const x = need(node, data, 0, 'data');
    const ax = axesInput(node, axesI);
    if (!x.shape) return [{ type: x.type, shape: undefined }];
    const r = x.shape.length;
    let dims: Dim[] | undefined;
    if (ax !== undefined && !Array.isArray(ax) && ax.unknown !== 0) {
      // Axes not known yet: their count gives the rank.
      const n = ax.unknown;
      if (n !== undefined && n > r) throw new ShapeError(`Squeeze: ${n} axes for an input of rank ${r}`);
      dims = n === undefined ? undefined : iota(r - n).map((i) => unknownDim(node, 0, i));
    } else if (ax === undefined || !Array.isArray(ax) || ax.length === 0) {
      // Without axes (or with empty axes, as onnxruntime reads them) every 1 goes: unknown while some dim is a symbol (it might be 1).
      dims = x.shape.every((d) => typeof d === 'number') ? x.shape.filter((d) => d !== 1) : undefined;
    } else {
      const axes = ax.map((a) => normAxis(a, r, 'Squeeze: axis'));
      if (new Set(axes).size !== axes.length) throw new ShapeError(`Squeeze: axes ${fmt(ax)} repeat an axis`);
      for (const a of axes) {
        const d = x.shape[a]!;
        if (typeof d === 'number' && d !== 1) throw new ShapeError(`Squeeze: dim ${a} of ${fmt(x.shape)} is ${d}, not 1`);
      }
      dims = x.shape.filter((_, i) => !axes.includes(i));
    }
    return [{ type: x.type, shape: dims, value: dims && reshaped(x, dims, ctx) }];
  },
  native(node, ins) {
    if (node.inputs[1]) constInput(node, ins[1], 'axes');
    return copyOp();
  },
};

export const Unsqueeze: CoreOp = {
  valueInputs: [1],
  infer(node, [data, axesI], ctx) {
    const x = need(node, data, 0, 'data');
    const ax = axesInput(node, axesI);
    if (ax === undefined) throw new ShapeError('Unsqueeze: axes are required');
    if (!x.shape) return [{ type: x.type, shape: undefined }];
    if (!Array.isArray(ax)) {
      // Axes not known yet: the output rank is the input's plus their count; a scalar becomes all 1s.
      if (ax.unknown === undefined) return [{ type: x.type, shape: undefined }];
      const rank0 = x.shape.length === 0;
      return [{ type: x.type, shape: iota(x.shape.length + ax.unknown).map((i) => (rank0 ? 1 : unknownDim(node, 0, i))) }];
    }
    const r = x.shape.length + ax.length;
    const axes = ax.map((a) => normAxis(a, r, 'Unsqueeze: axis'));
    if (new Set(axes).size !== axes.length) throw new ShapeError(`Unsqueeze: axes ${fmt(ax)} repeat an axis`);
    const dims: Dim[] = [];
    let k = 0;
    for (let i = 0; i < r; i++) dims.push(axes.includes(i) ? 1 : x.shape[k++]!);
    return [{ type: x.type, shape: dims, value: reshaped(x, dims, ctx) }];
  },
  native(node, ins) {
    constInput(node, ins[1], 'axes');
    return copyOp();
  },
};

// ---------------------------------------------------------------------------------------------
// Transpose, Concat, Split

function permOf(node: Node, r: number): number[] {
  const perm = intsAttr(node, 'perm') ?? iota(r).reverse();
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ShapeError(`Transpose: perm ${fmt(perm)} is not a permutation of the ${r} axes`);
  }
  return perm;
}

export const Transpose: CoreOp = {
  infer(node, [data], ctx) {
    const x = need(node, data, 0, 'data');
    if (!x.shape) return [{ type: x.type, shape: undefined }];
    const perm = permOf(node, x.shape.length);
    const dims = perm.map((p) => x.shape![p]!);
    let value: ConstTensor | undefined;
    if (x.value && isConcrete(dims) && canFold(dims, ctx.maxFoldElements)) {
      const inSt = stridesOf(x.value.dims);
      const maps = perm.map((p) => iota(x.value!.dims[p]!).map((c) => c * inSt[p]!));
      // Output axis a walks input axis perm[a]: sum the per-axis offsets.
      const n = numelOf(dims);
      const idx = new Int32Array(n);
      const coord = new Array<number>(dims.length).fill(0);
      for (let j = 0; j < n; j++) {
        let off = 0;
        for (let a = 0; a < dims.length; a++) off += maps[a]![coord[a]!]!;
        idx[j] = off;
        for (let a = dims.length - 1; a >= 0; a--) {
          if (++coord[a]! < dims[a]!) break;
          coord[a] = 0;
        }
      }
      value = take(x.value, idx, dims);
    }
    return [{ type: x.type, shape: dims, value }];
  },
  native(node, ins) {
    const r = ins[0]?.shape?.length;
    if (r === undefined) throw new UnsupportedError('Transpose: the input rank is unknown');
    return { op: 'Transpose', attrs: { perm: permOf(node, r) }, inputs: [0] };
  },
};

function concatAxis(node: Node, r: number): number {
  const a = node.attrs.axis;
  if (typeof a !== 'number') throw new ShapeError('Concat: axis is required');
  return normAxis(a, r, 'Concat: axis');
}

export const Concat: CoreOp = {
  infer(node, ins, ctx) {
    if (ins.length === 0) throw new ShapeError('Concat: no inputs');
    const xs = ins.map((x, i) => need(node, x, i, `${i}`));
    const type = xs[0]!.type;
    for (const x of xs) if (x.type !== type) throw new ShapeError(`Concat: inputs have element types ${type} and ${x.type}`);
    if (xs.some((x) => !x.shape)) return [{ type, shape: undefined }];
    const shapes = xs.map((x) => x.shape!);
    const r = shapes[0]!.length;
    if (r === 0) throw new ShapeError('Concat: inputs should not be scalars');
    const axis = concatAxis(node, r);
    const dims: Dim[] = [];
    for (let i = 0; i < r; i++) {
      if (i === axis) continue;
      let d: Dim = shapes[0]![i]!;
      for (const s of shapes) {
        if (s.length !== r) throw new ShapeError(`Concat: inputs have ranks ${r} and ${s.length}`);
        const e = s[i]!;
        if (typeof d === 'number' && typeof e === 'number' && d !== e) {
          throw new ShapeError(`Concat: inputs ${shapes.map(fmt).join(' and ')} differ in dim ${i} (axis is ${axis})`);
        }
        if (typeof d !== 'number' && typeof e === 'number') d = e;
      }
      dims.push(d);
    }
    const along = shapes.map((s) => s[axis]!);
    const nonZero = along.filter((d) => d !== 0);
    dims.splice(axis, 0, along.every((d) => typeof d === 'number')
      ? (along as number[]).reduce((a, b) => a + b, 0)
      : nonZero.length === 1 ? nonZero[0]! : unknownDim(node, 0, axis));
    let value: ConstTensor | undefined;
    if (xs.every((x) => x.value) && isConcrete(dims) && canFold(dims, ctx.maxFoldElements)) {
      const data = new (ctorOf(xs[0]!.value!))(numelOf(dims));
      const out = data as unknown as Elems;
      const outer = numelOf(dims.slice(0, axis));
      const inner = numelOf(dims.slice(axis + 1));
      let k = 0;
      for (let o = 0; o < outer; o++) {
        for (const x of xs) {
          const src = x.value!.data as unknown as Elems;
          const block = x.value!.dims[axis]! * inner;
          for (let j = 0; j < block; j++) out[k++] = src[o * block + j]!;
        }
      }
      value = { type, dims, data };
    }
    return [{ type, shape: dims, value }];
  },
  native(node, ins) {
    const r = ins.find((x) => x?.shape)?.shape?.length;
    if (r === undefined) throw new UnsupportedError('Concat: the input rank is unknown');
    return { op: 'Concat', attrs: { axis: concatAxis(node, r) }, inputs: ins.map((_, i) => i) };
  },
};

/** The sizes of Split's outputs along the axis, or undefined when they are not known yet. */
function splitSizes(node: Node, dim: Dim, split: TensorInfo | undefined): number[] | undefined {
  const n = node.outputs.length;
  if (split) {
    const sizes = numbersOf(split);
    if (!sizes) return undefined;
    if (sizes.length !== n) throw new ShapeError(`Split: split ${fmt(sizes)} has ${sizes.length} sizes for ${n} outputs`);
    if (sizes.some((s) => s < 0)) throw new ShapeError(`Split: split ${fmt(sizes)} has a negative size`);
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (typeof dim === 'number' && sum !== dim) throw new ShapeError(`Split: split ${fmt(sizes)} sums to ${sum}, not the dim ${dim}`);
    return sizes;
  }
  if (typeof dim !== 'number') return undefined;
  const numOutputs = node.attrs.num_outputs;
  if (typeof numOutputs === 'number') {
    if (numOutputs !== n) throw new ShapeError(`Split: num_outputs ${numOutputs} but the node has ${n} outputs`);
    const chunk = Math.ceil(dim / n);
    const last = dim - chunk * (n - 1);
    if (last < 0) throw new ShapeError(`Split: cannot split dim ${dim} into ${n} chunks of ${chunk}`);
    return [...new Array<number>(n - 1).fill(chunk), last];
  }
  if (dim % n !== 0) throw new ShapeError(`Split: dim ${dim} does not split evenly into ${n} outputs`);
  return new Array<number>(n).fill(dim / n);
}

export const Split: CoreOp = {
  valueInputs: [1],
  infer(node, [data, split], ctx) {
    const x = need(node, data, 0, 'input');
    const n = node.outputs.length;
    if (!x.shape) return node.outputs.map(() => ({ type: x.type, shape: undefined }));
    const axis = normAxis(intAttr(node, 'axis', 0), x.shape.length, 'Split: axis');
    const sizes = splitSizes(node, x.shape[axis]!, split);
    const outs: TensorInfo[] = [];
    let offset = 0;
    for (let k = 0; k < n; k++) {
      const dims = [...x.shape];
      dims[axis] = sizes ? sizes[k]! : unknownDim(node, k, axis);
      let value: ConstTensor | undefined;
      if (x.value && sizes && isConcrete(dims) && canFold(dims, ctx.maxFoldElements)) {
        const maps = x.value.dims.map((d, a) => (a === axis ? iota(sizes[k]!, offset) : iota(d)));
        value = take(x.value, separableIndex(x.value.dims, maps), dims);
      }
      if (sizes) offset += sizes[k]!;
      outs.push({ type: x.type, shape: dims, value });
    }
    return outs;
  },
  native(node, ins) {
    const r = ins[0]?.shape?.length;
    if (r === undefined) throw new UnsupportedError('Split: the input rank is unknown');
    if (ins[1] || node.inputs[1]) constInput(node, ins[1], 'split');
    return { op: 'Split', attrs: { axis: normAxis(intAttr(node, 'axis', 0), r, 'Split: axis') }, inputs: [0] };
  },
};

// ---------------------------------------------------------------------------------------------
// Slice

/** Beyond any real dim: ends like INT64_MAX (or INT32_MAX from older exporters) mean "to the end". */
const HUGE = 2 ** 31 - 1;

interface AxisSlice { start: number; step: number; len: number }

function clampSlice(d: number, start0: number, end0: number, step: number): AxisSlice {
  let start = start0 < 0 ? start0 + d : start0;
  let end = end0 < 0 ? end0 + d : end0;
  if (step > 0) {
    start = Math.min(Math.max(start, 0), d);
    end = Math.min(Math.max(end, 0), d);
  } else {
    start = Math.min(Math.max(start, 0), d - 1);
    end = Math.min(Math.max(end, -1), d - 1);
  }
  const len = step > 0 ? Math.max(0, Math.ceil((end - start) / step)) : Math.max(0, Math.ceil((start - end) / -step));
  return { start: Math.max(start, 0), step, len };
}

/** Per input axis: the starts/ends/steps the node gives (axes not sliced: undefined). */
function sliceSpec(node: Node, r: number, ins: (TensorInfo | undefined)[]): ({ start: number; end: number; step: number } | undefined)[] | undefined {
  const [, startsI, endsI, axesI, stepsI] = ins;
  const starts = numbersOf(startsI);
  const ends = numbersOf(endsI);
  if (!starts || !ends) return undefined;
  if (starts.length !== ends.length) throw new ShapeError(`Slice: starts ${fmt(starts)} and ends ${fmt(ends)} differ in length`);
  const axes = axesI || node.inputs[3] ? numbersOf(axesI) : iota(starts.length);
  const steps = stepsI || node.inputs[4] ? numbersOf(stepsI) : new Array<number>(starts.length).fill(1);
  if (!axes || !steps) return undefined;
  if (axes.length !== starts.length || steps.length !== starts.length) {
    throw new ShapeError(`Slice: starts, ends, axes and steps should have the same length (${starts.length}, ${ends.length}, ${axes.length}, ${steps.length})`);
  }
  const spec: ({ start: number; end: number; step: number } | undefined)[] = new Array(r).fill(undefined);
  axes.forEach((a0, i) => {
    const a = normAxis(a0, r, 'Slice: axis');
    if (spec[a]) throw new ShapeError(`Slice: axes ${fmt(axes)} repeat axis ${a}`);
    if (steps[i] === 0) throw new ShapeError('Slice: a step is 0');
    spec[a] = { start: starts[i]!, end: ends[i]!, step: steps[i]! };
  });
  return spec;
}

export const Slice: CoreOp = {
  valueInputs: [1, 2, 3, 4],
  infer(node, ins, ctx) {
    const x = need(node, ins[0], 0, 'data');
    if (!x.shape) return [{ type: x.type, shape: undefined }];
    const r = x.shape.length;
    const spec = sliceSpec(node, r, ins);
    if (!spec) {
      // Which axes are sliced is known when axes is: the others keep their dims.
      const axes = numbersOf(ins[3])?.map((a) => normAxis(a, r, 'Slice: axis'));
      return [{ type: x.type, shape: x.shape.map((d, i) => (axes && !axes.includes(i) ? d : unknownDim(node, 0, i))) }];
    }
    const dims: Dim[] = [];
    const maps: number[][] = [];
    x.shape.forEach((d, a) => {
      const s = spec[a];
      if (!s) {
        dims.push(d);
        if (typeof d === 'number') maps.push(iota(d));
      } else if (typeof d === 'number') {
        const c = clampSlice(d, s.start, s.end, s.step);
        dims.push(c.len);
        maps.push(iota(c.len).map((i) => c.start + i * c.step));
      } else {
        const whole = (s.step === 1 && (s.start === 0 || s.start <= -HUGE) && s.end >= HUGE)
          || (s.step === -1 && (s.start === -1 || s.start >= HUGE) && s.end <= -HUGE);
        dims.push(whole ? d : unknownDim(node, 0, a));
      }
    });
    let value: ConstTensor | undefined;
    if (x.value && isConcrete(dims) && canFold(dims, ctx.maxFoldElements)) value = take(x.value, separableIndex(x.value.dims, maps), dims);
    return [{ type: x.type, shape: dims, value }];
  },
  native(node, ins) {
    const xs = ins[0]?.shape;
    if (!xs || !isConcrete(xs)) throw new UnsupportedError('Slice: the input dims are not concrete');
    for (const [i, what] of [[1, 'starts'], [2, 'ends'], [3, 'axes'], [4, 'steps']] as const) {
      if (node.inputs[i]) constInput(node, ins[i], what);
    }
    const spec = sliceSpec(node, xs.length, ins)!;
    const starts: number[] = [];
    const steps: number[] = [];
    xs.forEach((d, a) => {
      const s = spec[a];
      const c = s ? clampSlice(d, s.start, s.end, s.step) : { start: 0, step: 1 };
      starts.push(c.start);
      steps.push(c.step);
    });
    return { op: 'Slice', attrs: { starts, steps }, inputs: [0] };
  },
};

// ---------------------------------------------------------------------------------------------
// Gather

export const Gather: CoreOp = {
  infer(node, [data, indices], ctx) {
    const x = need(node, data, 0, 'data');
    const ix = need(node, indices, 1, 'indices');
    if (ix.type !== 'int32' && ix.type !== 'int64') throw new ShapeError(`Gather: indices should be int32 or int64, got ${ix.type}`);
    if (!x.shape || !ix.shape) return [{ type: x.type, shape: undefined }];
    const r = x.shape.length;
    if (r === 0) throw new ShapeError('Gather: data should not be a scalar');
    const axis = normAxis(intAttr(node, 'axis', 0), r, 'Gather: axis');
    const dims: Dim[] = [...x.shape.slice(0, axis), ...ix.shape, ...x.shape.slice(axis + 1)];
    let value: ConstTensor | undefined;
    if (ix.value) {
      const d = x.shape[axis]!;
      const idx = toNumbers(ix.value);
      if (typeof d === 'number') {
        for (const i of idx) if (i < -d || i >= d) throw new ShapeError(`Gather: index ${i} is out of range for dim ${d} (axis ${axis})`);
      }
      if (x.value && isConcrete(dims) && canFold(dims, ctx.maxFoldElements)) {
        const xd = x.value.dims;
        const outer = numelOf(xd.slice(0, axis));
        const inner = numelOf(xd.slice(axis + 1));
        const n = xd[axis]!;
        const map = new Int32Array(numelOf(dims));
        let k = 0;
        for (let o = 0; o < outer; o++) {
          for (const i0 of idx) {
            const base = (o * n + (i0 < 0 ? i0 + n : i0)) * inner;
            for (let j = 0; j < inner; j++) map[k++] = base + j;
          }
        }
        value = take(x.value, map, dims as number[]);
      }
    }
    return [{ type: x.type, shape: dims, value }];
  },
  native(node, ins) {
    const r = ins[0]?.shape?.length;
    if (r === undefined) throw new UnsupportedError('Gather: the data rank is unknown');
    return { op: 'Gather', attrs: { axis: normAxis(intAttr(node, 'axis', 0), r, 'Gather: axis') }, inputs: [0, 1] };
  },
};

// ---------------------------------------------------------------------------------------------
// Expand, Tile, Pad

export const Expand: CoreOp = {
  valueInputs: [1],
  infer(node, [input, shape], ctx) {
    const x = need(node, input, 0, 'input');
    const target = numbersOf(shape);
    if (!x.shape) return [{ type: x.type, shape: undefined }];
    if (!target) {
      const n = vectorLength(shape);
      if (n === undefined) return [{ type: x.type, shape: undefined }];
      const r = Math.max(n, x.shape.length);
      // A dim of x other than 1 survives the broadcast; everything else depends on the shape's value.
      const dims = iota(r).map((i) => {
        const d = x.shape![i - (r - x.shape!.length)];
        return typeof d === 'number' && d !== 1 ? d : unknownDim(node, 0, i);
      });
      return [{ type: x.type, shape: dims }];
    }
    if (target.some((d) => d < 0)) throw new ShapeError(`Expand: shape ${fmt(target)} has a negative dim`);
    const dims = broadcastShapes([x.shape, target], 'Expand');
    let value: ConstTensor | undefined;
    if (x.value && isConcrete(dims) && canFold(dims, ctx.maxFoldElements)) value = take(x.value, broadcastIndex(x.value.dims, dims), dims);
    return [{ type: x.type, shape: dims, value }];
  },
  native(node, ins) {
    constInput(node, ins[1], 'shape');
    return copyOp('Expand');
  },
};

export const Tile: CoreOp = {
  valueInputs: [1],
  infer(node, [input, repeats], ctx) {
    const x = need(node, input, 0, 'input');
    if (!x.shape) return [{ type: x.type, shape: undefined }];
    const r = x.shape.length;
    const reps = numbersOf(repeats);
    if (!reps) return [{ type: x.type, shape: x.shape.map((_, i) => unknownDim(node, 0, i)) }];
    if (reps.length !== r) throw new ShapeError(`Tile: repeats ${fmt(reps)} should have ${r} values for input ${fmt(x.shape)}`);
    if (reps.some((n) => n < 0)) throw new ShapeError(`Tile: repeats ${fmt(reps)} has a negative value`);
    const dims = x.shape.map((d, i) => (typeof d === 'number' ? d * reps[i]! : reps[i] === 1 ? d : reps[i] === 0 ? 0 : unknownDim(node, 0, i)));
    let value: ConstTensor | undefined;
    if (x.value && isConcrete(dims) && canFold(dims, ctx.maxFoldElements)) {
      const maps = dims.map((n, a) => iota(n as number).map((o) => o % x.value!.dims[a]!));
      value = take(x.value, separableIndex(x.value.dims, maps), dims);
    }
    return [{ type: x.type, shape: dims, value }];
  },
  native(node, ins) {
    constInput(node, ins[1], 'repeats');
    return copyOp('Tile');
  },
};

type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';

function padMode(node: Node): PadMode {
  const m = node.attrs.mode ?? 'constant';
  if (m === 'constant' || m === 'reflect' || m === 'edge' || m === 'wrap') return m;
  throw new ShapeError(`Pad: unknown mode '${String(m)}'`);
}

/** Pads for every axis [begins(r)..., ends(r)...], or undefined when pads/axes are not constant. */
function fullPads(node: Node, r: number, padsI: TensorInfo | undefined, axesI: TensorInfo | undefined): number[] | undefined {
  const pads = numbersOf(padsI);
  if (!pads) return undefined;
  let axes = iota(r);
  if (axesI || node.inputs[3]) {
    const given = numbersOf(axesI);
    if (!given) return undefined;
    axes = given.map((a) => normAxis(a, r, 'Pad: axis'));
  }
  if (pads.length !== 2 * axes.length) throw new ShapeError(`Pad: pads ${fmt(pads)} should have ${2 * axes.length} values`);
  const full = new Array<number>(2 * r).fill(0);
  axes.forEach((a, j) => {
    full[a] = pads[j]!;
    full[a + r] = pads[j + axes.length]!;
  });
  return full;
}

/** Input coordinate for output coordinate o of one padded axis (-1: the constant). */
function padSource(o: number, d: number, begin: number, mode: PadMode): number {
  const c = o - begin;
  if (c >= 0 && c < d) return c;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return c < 0 ? 0 : d - 1;
  if (mode === 'wrap') return ((c % d) + d) % d;
  if (d === 1) return 0;
  const p = 2 * (d - 1);
  const m = ((c % p) + p) % p;
  return m < d ? m : p - m;
}

export const Pad: CoreOp = {
  valueInputs: [1, 2, 3],
  infer(node, [data, pads, cval, axes], ctx) {
    const x = need(node, data, 0, 'data');
    const mode = padMode(node);
    if (!x.shape) return [{ type: x.type, shape: undefined }];
    const r = x.shape.length;
    const full = fullPads(node, r, pads, axes);
    if (!full) {
      // Pads not known yet: only the axes they apply to (when axes is known) change.
      const padded = node.inputs[3] ? numbersOf(axes)?.map((a) => normAxis(a, r, 'Pad: axis')) : undefined;
      return [{ type: x.type, shape: x.shape.map((d, i) => (padded && !padded.includes(i) ? d : unknownDim(node, 0, i))) }];
    }
    const dims = x.shape.map((d, i) => {
      const add = full[i]! + full[i + r]!;
      if (typeof d !== 'number') return add === 0 ? d : unknownDim(node, 0, i);
      if (d + add < 0) throw new ShapeError(`Pad: pads ${fmt(full)} leave dim ${i} of ${fmt(x.shape!)} negative`);
      if (mode !== 'constant' && d === 0 && d + add > 0) throw new ShapeError(`Pad: cannot pad the empty dim ${i} in ${mode} mode`);
      return d + add;
    });
    let value: ConstTensor | undefined;
    const fillKnown = !cval || cval.value !== undefined;
    if (x.value && fillKnown && isConcrete(dims) && canFold(dims, ctx.maxFoldElements)) {
      const xd = x.value.dims;
      const maps = dims.map((n, a) => iota(n as number).map((o) => padSource(o, xd[a]!, full[a]!, mode)));
      const fill = cval?.value && cval.value.data.length > 0 ? (cval.value.data as unknown as Elems)[0]! : 0;
      value = take(x.value, separableIndex(xd, maps), dims, fill);
    }
    return [{ type: x.type, shape: dims, value }];
  },
  native(node, ins) {
    const r = ins[0]?.shape?.length;
    if (r === undefined) throw new UnsupportedError('Pad: the input rank is unknown');
    constInput(node, ins[1], 'pads');
    if (node.inputs[3]) constInput(node, ins[3], 'axes');
    const pads = fullPads(node, r, ins[1], ins[3])!;
    let value: number | bigint = 0;
    if (node.inputs[2]) {
      const v = constInput(node, ins[2], 'constant_value');
      value = v.length > 0 ? nativeScalar(ins[2]!.value!) : 0;
    }
    return { op: 'Pad', attrs: { mode: padMode(node), pads, value }, inputs: [0] };
  },
};

// ---------------------------------------------------------------------------------------------
// Shape, Size, ConstantOfShape, Range

function noKernel(op: string): () => never {
  return () => {
    throw new UnsupportedError(`${op}: the input's dims are not concrete (${op} has no kernel: it always folds with concrete dims)`);
  };
}

export const Shape: CoreOp = {
  infer(node, [data], ctx) {
    const x = need(node, data, 0, 'data');
    if (!x.shape) return [{ type: 'int64', shape: [unknownDim(node, 0, 0)] }];
    const r = x.shape.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = clamp(intAttr(node, 'start', 0));
    const end = clamp(intAttr(node, 'end', r));
    const dims = x.shape.slice(start, Math.max(start, end));
    const value = isConcrete(dims) && canFold([dims.length], ctx.maxFoldElements) ? int64Const(dims) : undefined;
    return [{ type: 'int64', shape: [dims.length], value }];
  },
  native: noKernel('Shape'),
};

export const Size: CoreOp = {
  infer(node, [data]) {
    const x = need(node, data, 0, 'data');
    const value = isConcrete(x.shape) ? fromNumbers('int64', [], [numelOf(x.shape)]) : undefined;
    return [{ type: 'int64', shape: [], value }];
  },
  native: noKernel('Size'),
};

function fillValueOf(node: Node): ConstTensor {
  const v = node.attrs.value;
  if (v === undefined) return fromNumbers('float32', [1], [0]);
  if (typeof v !== 'object' || Array.isArray(v)) throw new ShapeError('ConstantOfShape: value should be a tensor');
  if (v.data.length !== 1) throw new ShapeError(`ConstantOfShape: value should have one element, it has ${v.data.length}`);
  return v;
}

export const ConstantOfShape: CoreOp = {
  valueInputs: [0],
  infer(node, [input], ctx) {
    const fill = fillValueOf(node);
    const dims = numbersOf(input);
    if (!dims) {
      const n = vectorLength(input);
      return [{ type: fill.type, shape: n === undefined ? undefined : iota(n).map((i) => unknownDim(node, 0, i)) }];
    }
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(`ConstantOfShape: shape ${fmt(dims)} has a negative dim`);
    let value: ConstTensor | undefined;
    if (canFold(dims, ctx.maxFoldElements)) value = take(fill, new Int32Array(numelOf(dims)), dims);
    return [{ type: fill.type, shape: dims, value }];
  },
  native(node, ins) {
    constInput(node, ins[0], 'shape');
    return { op: 'ConstantOfShape', attrs: { value: nativeScalar(fillValueOf(node)) }, inputs: [] };
  },
};

function scalarOf(node: Node, info: TensorInfo | undefined, index: number, what: string): number | undefined {
  const v = numbersOf(need(node, info, index, what));
  if (v === undefined) return undefined;
  if (v.length !== 1) throw new ShapeError(`Range: ${what} should be a scalar, it has ${v.length} elements`);
  return v[0];
}

export const Range: CoreOp = {
  valueInputs: [0, 1, 2],
  infer(node, ins, ctx) {
    const [s, l, d] = ins;
    const type = need(node, s, 0, 'start').type;
    for (const [info, k, w] of [[l, 1, 'limit'], [d, 2, 'delta']] as const) {
      const other = need(node, info, k, w).type;
      if (other !== type) throw new ShapeError(`Range: start is ${type} but ${w} is ${other}`);
    }
    const start = scalarOf(node, s, 0, 'start');
    const limit = scalarOf(node, l, 1, 'limit');
    const delta = scalarOf(node, d, 2, 'delta');
    if (start === undefined || limit === undefined || delta === undefined) return [{ type, shape: [unknownDim(node, 0, 0)] }];
    if (delta === 0) throw new ShapeError('Range: delta is 0');
    const diff = type === 'float32' ? Math.fround(limit - start) : limit - start;
    const n = Math.max(Math.ceil(diff / delta), 0);
    let value: ConstTensor | undefined;
    if (canFold([n], ctx.maxFoldElements)) {
      const vals = new Array<number>(n);
      let v = start;
      for (let i = 0; i < n; i++) {
        vals[i] = type === 'float32' || type === 'float64' ? v : start + i * delta;
        v = type === 'float32' ? Math.fround(v + delta) : v + delta;
      }
      value = fromNumbers(type, [n], vals);
    }
    return [{ type, shape: [n], value }];
  },
  native(node, ins) {
    constInput(node, ins[0], 'start');
    constInput(node, ins[1], 'limit');
    constInput(node, ins[2], 'delta');
    return { op: 'Range', attrs: { start: nativeScalar(ins[0]!.value!), delta: nativeScalar(ins[2]!.value!) }, inputs: [] };
  },
};

// Shape rules for the convolution and pooling family: Conv, ConvTranspose, MaxPool, AveragePool.
// Core nodes carry the ONNX attributes (auto_pad kept as a string); native() resolves them into
// explicit per-axis pads once the input's spatial dims are concrete.
import { ShapeError, UnsupportedError } from '../../errors.js';
import type { Dim, Node, Shape, TensorInfo } from '../ir.js';
import { activationAttrs, intAttr, intsAttr } from '../values.js';
import type { CoreOp, NativeNode } from './types.js';

type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/** The window parameters of a node for `s` spatial axes, defaults applied. */
interface Window {
  kernel: number[] | undefined; // undefined when neither the attribute nor W's dims give it
  strides: number[];
  dilations: number[];
  pads: number[]; // [begins..., ends...] as the attribute gives them (NOTSET only)
  autoPad: AutoPad;
}

function lengthChecked(node: Node, name: string, v: number[] | undefined, n: number, def: number): number[] {
  if (v === undefined) return new Array<number>(n).fill(def);
  if (v.length !== n) throw new ShapeError(`${node.op}: ${name} [${v.join(', ')}] should have ${n} values for ${n / (name === 'pads' ? 2 : 1)} spatial axes`);
  return v;
}

function autoPadOf(node: Node): AutoPad {
  const v = node.attrs.auto_pad ?? 'NOTSET';
  if (v === '' || v === 'NOTSET') return 'NOTSET';
  if (v === 'SAME_UPPER' || v === 'SAME_LOWER' || v === 'VALID') return v;
  throw new ShapeError(`${node.op}: unknown auto_pad '${String(v)}'`);
}

function windowOf(node: Node, s: number, kernelFromW: Shape | undefined): Window {
  let kernel = intsAttr(node, 'kernel_shape');
  if (kernel !== undefined) {
    lengthChecked(node, 'kernel_shape', kernel, s, 1);
    const k = kernel;
    if (kernelFromW?.some((d, i) => typeof d === 'number' && d !== k[i])) {
      throw new ShapeError(`${node.op}: kernel_shape [${k.join(', ')}] differs from W's spatial dims [${kernelFromW.join(', ')}]`);
    }
  } else if (kernelFromW && kernelFromW.every((d) => typeof d === 'number')) kernel = kernelFromW as number[];
  const w: Window = {
    kernel,
    strides: lengthChecked(node, 'strides', intsAttr(node, 'strides'), s, 1),
    dilations: lengthChecked(node, 'dilations', intsAttr(node, 'dilations'), s, 1),
    pads: lengthChecked(node, 'pads', intsAttr(node, 'pads'), 2 * s, 0),
    autoPad: autoPadOf(node),
  };
  if (w.strides.some((x) => x < 1)) throw new ShapeError(`${node.op}: strides [${w.strides.join(', ')}] should be positive`);
  if (w.dilations.some((x) => x < 1)) throw new ShapeError(`${node.op}: dilations [${w.dilations.join(', ')}] should be positive`);
  if (w.pads.some((x) => x < 0)) throw new ShapeError(`${node.op}: pads [${w.pads.join(', ')}] should not be negative`);
  if (kernel?.some((x) => x < 1)) throw new ShapeError(`${node.op}: kernel_shape [${kernel.join(', ')}] should be positive`);
  return w;
}

/** A fresh symbol for an output dim inference cannot express in terms of the input's symbols. */
function unknownDim(value: string, axis: number): string {
  return `${value}?${axis}`;
}

/** The input X with a known rank of at least 3 (N, C, spatial...), or undefined when the rank is unknown. */
function spatialInput(node: Node, x: TensorInfo | undefined): Shape | undefined {
  if (!x) {
    // Absent: a broken node. Named but unknown (its producer was refused, no declared type): refuse this one too.
    if (!node.inputs[0]) throw new ShapeError(`${node.op}: input X is missing`);
    throw new UnsupportedError(`${node.op}: nothing is known about input X ('${node.inputs[0]}')`);
  }
  if (!x.shape) return undefined;
  if (x.shape.length < 3) throw new ShapeError(`${node.op}: input X should have rank 3 or more (N, C, spatial...), got [${x.shape.join(', ')}]`);
  return x.shape;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

// ---------------------------------------------------------------------------------------------
// Forward windows (Conv and pooling)

interface Resolved { out: number; begin: number; end: number }

/** Output size and explicit pads of one spatial axis of a forward window (Conv, MaxPool, AveragePool). */
function forwardAxis(op: string, inSize: number, k: number, stride: number, dilation: number, padB: number, padE: number, autoPad: AutoPad, ceilMode: boolean): Resolved {
  const dk = (k - 1) * dilation + 1;
  let r: Resolved;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const out = ceilDiv(inSize, stride);
    const total = Math.max(0, (out - 1) * stride + dk - inSize);
    const small = Math.floor(total / 2);
    r = autoPad === 'SAME_UPPER' ? { out, begin: small, end: total - small } : { out, begin: total - small, end: small };
  } else if (autoPad === 'VALID') {
    r = { out: Math.floor((inSize - dk) / stride) + 1, begin: 0, end: 0 };
  } else {
    const span = inSize + padB + padE - dk;
    let out: number;
    if (ceilMode) {
      out = ceilDiv(span, stride) + 1;
      // A window that would start in the right padding is dropped.
      if ((out - 1) * stride >= inSize + padB) out--;
    } else {
      out = Math.floor(span / stride) + 1;
    }
    r = { out, begin: padB, end: padE };
  }
  if (r.out < 1 || !Number.isFinite(r.out)) {
    throw new ShapeError(`${op}: input size ${inSize} with kernel ${k} (dilation ${dilation}, stride ${stride}, pads ${r.begin}+${r.end}) gives no output`);
  }
  return r;
}

/** Whether a forward window keeps a symbolic size unchanged. */
function forwardKeepsSize(k: number, stride: number, dilation: number, padB: number, padE: number, autoPad: AutoPad): boolean {
  if (stride !== 1) return false;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return true;
  const dk = (k - 1) * dilation + 1;
  return autoPad === 'VALID' ? dk === 1 : padB + padE === dk - 1;
}

function forwardSpatial(node: Node, xs: Shape, w: Window, ceilMode: boolean): Dim[] {
  const s = xs.length - 2;
  const out: Dim[] = [];
  for (let i = 0; i < s; i++) {
    const d = xs[i + 2]!;
    const k = w.kernel?.[i];
    if (k === undefined) out.push(unknownDim(node.outputs[0] ?? node.name, i + 2));
    else if (typeof d === 'number') out.push(forwardAxis(node.op, d, k, w.strides[i]!, w.dilations[i]!, w.pads[i]!, w.pads[i + s]!, w.autoPad, ceilMode).out);
    else if (forwardKeepsSize(k, w.strides[i]!, w.dilations[i]!, w.pads[i]!, w.pads[i + s]!, w.autoPad)) out.push(d);
    else out.push(unknownDim(node.outputs[0] ?? node.name, i + 2));
  }
  return out;
}

/** At plan time: X's dims, which must be concrete. */
function concreteInput(node: Node, x: TensorInfo | undefined): number[] {
  const xs = x?.shape;
  if (!xs || !xs.every((d) => typeof d === 'number')) throw new UnsupportedError(`${node.op}: the input's dims are not concrete`);
  if (xs.length < 3) throw new ShapeError(`${node.op}: input X should have rank 3 or more (N, C, spatial...), got [${xs.join(', ')}]`);
  return xs as number[];
}

/** Explicit pads [begins..., ends...] of `s` spatial axes, each resolved by `axis`. */
function explicitPads(s: number, axis: (i: number) => Resolved): number[] {
  const begins: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < s; i++) {
    const r = axis(i);
    begins.push(r.begin);
    ends.push(r.end);
  }
  return [...begins, ...ends];
}

/** Explicit pads [begins..., ends...] for concrete spatial dims. */
function forwardPads(node: Node, xs: number[], w: Window, ceilMode: boolean): number[] {
  const kernel = w.kernel;
  if (!kernel) throw new UnsupportedError(`${node.op}: the kernel shape is not known`);
  const s = xs.length - 2;
  return explicitPads(s, (i) => forwardAxis(node.op, xs[i + 2]!, kernel[i]!, w.strides[i]!, w.dilations[i]!, w.pads[i]!, w.pads[i + s]!, w.autoPad, ceilMode));
}

// ---------------------------------------------------------------------------------------------
// Conv and ConvTranspose

function biasCheck(node: Node, b: TensorInfo | undefined, channels: Dim | undefined): void {
  if (!b?.shape) return;
  if (b.shape.length !== 1) throw new ShapeError(`${node.op}: bias B should be 1-D, got [${b.shape.join(', ')}]`);
  const n = b.shape[0]!;
  if (typeof n === 'number' && typeof channels === 'number' && n !== channels) {
    throw new ShapeError(`${node.op}: bias B has ${n} values for ${channels} output channels`);
  }
}

function groupOf(node: Node): number {
  const g = intAttr(node, 'group', 1);
  if (!Number.isInteger(g) || g < 1) throw new ShapeError(`${node.op}: group ${g} should be a positive integer`);
  return g;
}

function convInputs(node: Node): number[] {
  return node.inputs[2] ? [0, 1, 2] : [0, 1];
}

/**
 * The shape rule of Conv and ConvTranspose: Y is (N, M, spatial...), with M from `channels` (which
 * checks W, of X's rank, against X's channels and the group) and the spatial dims from `spatial`.
 */
function convInfer(
  node: Node,
  ins: (TensorInfo | undefined)[],
  channels: (node: Node, xs: Shape, ws: Shape, group: number) => Dim | undefined,
  spatial: (node: Node, xs: Shape, ws: Shape | undefined, outName: string) => Dim[],
): TensorInfo[] {
  const [x, w, b] = ins;
  const xs = spatialInput(node, x);
  if (!xs) return [{ type: x!.type, shape: undefined }];
  const group = groupOf(node);
  const ws = w?.shape;
  let m: Dim | undefined;
  if (ws) {
    if (ws.length !== xs.length) throw new ShapeError(`${node.op}: W [${ws.join(', ')}] should have the rank of X [${xs.join(', ')}]`);
    m = channels(node, xs, ws, group);
  }
  biasCheck(node, b, m);
  const outName = node.outputs[0] ?? node.name;
  return [{ type: x!.type, shape: [xs[0]!, m ?? unknownDim(outName, 1), ...spatial(node, xs, ws, outName)] }];
}

// ---------------------------------------------------------------------------------------------
// Conv

/** Conv's output channels: W is (M, C/group, kernel...). */
function convChannels(node: Node, xs: Shape, ws: Shape, group: number): Dim | undefined {
  const c = xs[1]!;
  const [m, cg] = ws;
  if (typeof c === 'number' && typeof cg === 'number' && c !== cg * group) {
    throw new ShapeError(`${node.op}: X has ${c} channels but W [${ws.join(', ')}] with group ${group} expects ${cg * group}`);
  }
  if (typeof m === 'number' && m % group !== 0) throw new ShapeError(`${node.op}: ${m} output channels are not divisible by group ${group}`);
  return m;
}

function convSpatial(node: Node, xs: Shape, ws: Shape | undefined): Dim[] {
  return forwardSpatial(node, xs, windowOf(node, xs.length - 2, ws?.slice(2)), false);
}

export const Conv: CoreOp = {
  infer(node, ins) {
    return convInfer(node, ins, convChannels, convSpatial);
  },
  native(node, ins): NativeNode {
    const xs = concreteInput(node, ins[0]);
    const win = windowOf(node, xs.length - 2, ins[1]?.shape?.slice(2));
    return {
      op: 'Conv',
      attrs: { group: groupOf(node), strides: win.strides, pads: forwardPads(node, xs, win, false), dilations: win.dilations, ...activationAttrs(node) },
      inputs: convInputs(node),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// ConvTranspose

/** The explicit output_shape's spatial part (the attribute may include N and C), or undefined. */
function explicitOutputShape(node: Node, s: number): number[] | undefined {
  const v = intsAttr(node, 'output_shape');
  if (v === undefined || v.length === 0) return undefined;
  if (v.length === s) return v;
  if (v.length === s + 2) return v.slice(2);
  throw new ShapeError(`${node.op}: output_shape [${v.join(', ')}] should have ${s} values`);
}

/** Output size and pads of one spatial axis of ConvTranspose (onnxruntime's rules, which follow the spec). */
function transposeAxis(node: Node, inSize: number, k: number, stride: number, dilation: number, adj: number, padB: number, padE: number, autoPad: AutoPad, outSize: number | undefined): Resolved {
  const dk = (k - 1) * dilation + 1;
  const full = (inSize - 1) * stride + adj + dk;
  let r: Resolved;
  if (outSize !== undefined) {
    const total = Math.max(0, full - outSize);
    const small = Math.floor(total / 2);
    r = autoPad === 'SAME_UPPER' ? { out: outSize, begin: small, end: total - small } : { out: outSize, begin: total - small, end: small };
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = Math.max(0, full - inSize * stride);
    const small = Math.floor(total / 2);
    r = autoPad === 'SAME_UPPER' ? { out: full - total, begin: small, end: total - small } : { out: full - total, begin: total - small, end: small };
  } else if (autoPad === 'VALID') {
    r = { out: full, begin: 0, end: 0 };
  } else {
    r = { out: full - padB - padE, begin: padB, end: padE };
  }
  if (r.out < 1) throw new ShapeError(`${node.op}: input size ${inSize} with kernel ${k}, stride ${stride} and pads ${padB}+${padE} gives no output`);
  return r;
}

function transposeParams(node: Node, s: number, ws: Shape | undefined) {
  const win = windowOf(node, s, ws?.slice(2));
  const adj = lengthChecked(node, 'output_padding', intsAttr(node, 'output_padding'), s, 0);
  return { win, adj, outShape: explicitOutputShape(node, s) };
}

/** ConvTranspose's output channels: W is (C, M/group, kernel...). */
function transposeChannels(node: Node, xs: Shape, ws: Shape, group: number): Dim | undefined {
  const c = xs[1]!;
  if (typeof c === 'number' && typeof ws[0] === 'number' && c !== ws[0]) {
    throw new ShapeError(`${node.op}: X has ${c} channels but W [${ws.join(', ')}] expects ${ws[0]}`);
  }
  if (typeof c === 'number' && c % group !== 0) throw new ShapeError(`${node.op}: ${c} input channels are not divisible by group ${group}`);
  const mg = ws[1]!;
  return typeof mg === 'number' ? mg * group : group === 1 ? mg : undefined;
}

/** ConvTranspose's output spatial dims: from output_shape, else per axis as transposeAxis gives them. */
function transposeSpatial(node: Node, xs: Shape, ws: Shape | undefined, outName: string): Dim[] {
  const s = xs.length - 2;
  const { win, adj, outShape } = transposeParams(node, s, ws);
  const spatial: Dim[] = [];
  for (let i = 0; i < s; i++) {
    const d = xs[i + 2]!;
    const k = win.kernel?.[i];
    if (outShape) spatial.push(outShape[i]!);
    else if (k === undefined) spatial.push(unknownDim(outName, i + 2));
    else if (typeof d === 'number') {
      spatial.push(transposeAxis(node, d, k, win.strides[i]!, win.dilations[i]!, adj[i]!, win.pads[i]!, win.pads[i + s]!, win.autoPad, undefined).out);
    } else {
      const dk = (k - 1) * win.dilations[i]! + 1;
      const same = win.strides[i] === 1 && (win.autoPad === 'SAME_UPPER' || win.autoPad === 'SAME_LOWER'
        ? adj[i]! + dk - 1 >= 0
        : adj[i]! + dk - 1 - (win.autoPad === 'VALID' ? 0 : win.pads[i]! + win.pads[i + s]!) === 0);
      spatial.push(same ? d : unknownDim(outName, i + 2));
    }
  }
  return spatial;
}

export const ConvTranspose: CoreOp = {
  infer(node, ins) {
    return convInfer(node, ins, transposeChannels, transposeSpatial);
  },
  native(node, ins): NativeNode {
    const xs = concreteInput(node, ins[0]);
    const s = xs.length - 2;
    const { win, adj, outShape } = transposeParams(node, s, ins[1]?.shape);
    const kernel = win.kernel;
    if (!kernel) throw new UnsupportedError(`${node.op}: the kernel shape is not known`);
    const pads = explicitPads(s, (i) => transposeAxis(node, xs[i + 2]!, kernel[i]!, win.strides[i]!, win.dilations[i]!, adj[i]!, win.pads[i]!, win.pads[i + s]!, win.autoPad, outShape?.[i]));
    return {
      op: 'ConvTranspose',
      attrs: { group: groupOf(node), strides: win.strides, pads, dilations: win.dilations, ...activationAttrs(node) },
      inputs: convInputs(node),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Pooling

function poolInfer(node: Node, ins: (TensorInfo | undefined)[]): TensorInfo[] {
  const x = ins[0];
  const xs = spatialInput(node, x);
  const kernel = intsAttr(node, 'kernel_shape');
  if (!kernel) throw new ShapeError(`${node.op}: kernel_shape is required`);
  let shape: Shape | undefined;
  if (xs) {
    const win = windowOf(node, xs.length - 2, undefined);
    shape = [xs[0]!, xs[1]!, ...forwardSpatial(node, xs, win, intAttr(node, 'ceil_mode', 0) !== 0)];
  }
  const out: TensorInfo[] = [{ type: x!.type, shape }];
  if (node.outputs.length > 1) out.push({ type: 'int64', shape: shape && [...shape] });
  return out;
}

function poolNative(node: Node, ins: (TensorInfo | undefined)[]): { kernel_shape: number[]; strides: number[]; pads: number[]; dilations: number[] } {
  const xs = concreteInput(node, ins[0]);
  const win = windowOf(node, xs.length - 2, undefined);
  const pads = forwardPads(node, xs, win, intAttr(node, 'ceil_mode', 0) !== 0);
  return { kernel_shape: win.kernel!, strides: win.strides, pads, dilations: win.dilations };
}

export const MaxPool: CoreOp = {
  infer: (node, ins) => poolInfer(node, ins),
  native(node, ins): NativeNode {
    return { op: 'MaxPool', attrs: { ...poolNative(node, ins), storage_order: intAttr(node, 'storage_order', 0) }, inputs: [0] };
  },
};

export const AveragePool: CoreOp = {
  infer: (node, ins) => poolInfer(node, ins),
  native(node, ins): NativeNode {
    return { op: 'AveragePool', attrs: { ...poolNative(node, ins), count_include_pad: intAttr(node, 'count_include_pad', 0) }, inputs: [0] };
  },
};

// Parsers for the convolution family: Conv, ConvTranspose, MaxPool, AveragePool, and the
// lowered ones, BatchNormalization (→ Mul/Add) and GlobalAveragePool (→ ReduceMean).
import { ModelError } from '../../errors.js';
import type { Attrs } from '../../graph/ir.js';
import { fromNumbers, int64Const, scalarConst, toNumbers } from '../../graph/values.js';
import type { ParseContext, Parser } from './types.js';

const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

function autoPad(ctx: ParseContext): string {
  const v = ctx.string('auto_pad', 'NOTSET');
  const p = v === '' ? 'NOTSET' : v;
  if (!AUTO_PADS.includes(p)) throw new ModelError(`${ctx.node.op} node '${ctx.node.name}': unknown auto_pad '${v}'`);
  return p;
}

/** Spatial rank from the attribute, W or X; refuses anything but 1-D and 2-D. */
function spatialRank(ctx: ParseContext, kernel: number[] | undefined, inputs: string[]): number {
  let s = kernel?.length;
  for (const i of inputs) {
    if (s !== undefined) break;
    const shape = ctx.info(i)?.shape;
    if (shape) s = shape.length - 2;
  }
  if (s === undefined) ctx.unsupported('the input rank is unknown');
  if (s < 1) throw new ModelError(`${ctx.node.op} node '${ctx.node.name}': input should have rank 3 or 4`);
  if (s > 2) ctx.unsupported(`only 1-D and 2-D ${ctx.node.op} is supported, this one is ${s}-D`);
  return s;
}

const ones = (n: number) => new Array<number>(n).fill(1);
const zeros = (n: number) => new Array<number>(n).fill(0);

function convLike(ctx: ParseContext, op: 'Conv' | 'ConvTranspose'): void {
  const [x = '', w = '', b = ''] = ctx.node.inputs;
  const given = ctx.has('kernel_shape') ? ctx.ints('kernel_shape') : undefined;
  const s = spatialRank(ctx, given, [w, x]);
  const attrs: Attrs = {
    group: ctx.int('group', 1),
    auto_pad: autoPad(ctx),
    strides: ctx.ints('strides', ones(s)),
    dilations: ctx.ints('dilations', ones(s)),
    pads: ctx.ints('pads', zeros(2 * s)),
  };
  // kernel_shape: the attribute, else W's spatial dims when known now (the shape rule reads W otherwise).
  const ws = ctx.info(w)?.shape;
  const kernel = given ?? (ws && ws.length === s + 2 && ws.slice(2).every((d) => typeof d === 'number') ? (ws.slice(2) as number[]) : undefined);
  if (kernel) attrs.kernel_shape = kernel;
  if (op === 'ConvTranspose') {
    attrs.output_padding = ctx.ints('output_padding', zeros(s));
    if (ctx.has('output_shape')) attrs.output_shape = ctx.ints('output_shape');
  }
  ctx.emit(op, b ? [x, w, b] : [x, w], [ctx.node.outputs[0]!], attrs);
}

export const Conv: Parser = (ctx: ParseContext) => convLike(ctx, 'Conv');
export const ConvTranspose: Parser = (ctx: ParseContext) => convLike(ctx, 'ConvTranspose');

/**
 * Refuses an attribute that the operator's version for this opset does not have, unless its value
 * is `neutral` (the behaviour of the version without it), which some exporters write anyway.
 */
function attrSince(ctx: ParseContext, name: string, opset: number, neutral?: number): void {
  if (ctx.opset >= opset || !ctx.has(name)) return;
  const v = ctx.node.attrs.get(name);
  if (neutral !== undefined && (v === neutral || (Array.isArray(v) && v.every((x) => x === neutral)))) return;
  ctx.unsupported(`attribute '${name}' is not part of ${ctx.node.op} before opset ${opset} (this model uses opset ${ctx.opset})`);
}

/**
 * Window attributes of MaxPool/AveragePool with the defaults of the version for this opset:
 * ceil_mode from opset 10 (both), dilations from 10 (MaxPool) or 19 (AveragePool); before that
 * the attribute does not exist and the default (floor, no dilation) is the behaviour.
 */
function poolAttrs(ctx: ParseContext, dilationsSince: number): Attrs {
  attrSince(ctx, 'ceil_mode', 10, 0);
  attrSince(ctx, 'dilations', dilationsSince, 1);
  const kernel = ctx.ints('kernel_shape');
  const s = spatialRank(ctx, kernel, []);
  return {
    kernel_shape: kernel,
    auto_pad: autoPad(ctx),
    strides: ctx.ints('strides', ones(s)),
    dilations: ctx.ints('dilations', ones(s)),
    pads: ctx.ints('pads', zeros(2 * s)),
    ceil_mode: ctx.int('ceil_mode', 0),
  };
}

/** MaxPool-1 (7), -8 (storage_order, Indices), -10 (ceil_mode, dilations), -11/-12 (same attributes). */
export const MaxPool: Parser = (ctx: ParseContext) => {
  const attrs = poolAttrs(ctx, 10);
  attrSince(ctx, 'storage_order', 8, 0);
  attrs.storage_order = ctx.int('storage_order', 0);
  const [y = '', indices = ''] = ctx.node.outputs;
  if (indices && ctx.opset < 8) ctx.unsupported(`the Indices output is not part of MaxPool before opset 8 (this model uses opset ${ctx.opset})`);
  ctx.emit('MaxPool', [ctx.node.inputs[0]!], indices ? [y, indices] : [y], attrs);
};

/** AveragePool-7 (count_include_pad), -10 (ceil_mode), -11, -19 (dilations). */
export const AveragePool: Parser = (ctx: ParseContext) => {
  const attrs = poolAttrs(ctx, 19);
  attrs.count_include_pad = ctx.int('count_include_pad', 0);
  ctx.emit('AveragePool', [ctx.node.inputs[0]!], [ctx.node.outputs[0]!], attrs);
};

export const GlobalAveragePool: Parser = (ctx: ParseContext) => {
  const x = ctx.node.inputs[0]!;
  const shape = ctx.info(x)?.shape;
  if (!shape) ctx.unsupported('the input rank is unknown');
  if (shape.length < 3) throw new ModelError(`GlobalAveragePool node '${ctx.node.name}': input should have rank 3 or more, got [${shape.join(', ')}]`);
  const axes = Array.from({ length: shape.length - 2 }, (_, i) => i + 2);
  ctx.emit('ReduceMean', [x], [ctx.node.outputs[0]!], { axes, keepdims: 1 });
};

/**
 * Inference-mode BatchNormalization (-7 with spatial = 1, -9, -14, -15): Y = X·s + b with s = scale/sqrt(var+eps), b = B − mean·s,
 * s and b shaped [C, 1, …] to broadcast over X. Folded here when the four vectors are constant.
 */
export const BatchNormalization: Parser = (ctx: ParseContext) => {
  const [x = '', scale = '', bias = '', mean = '', variance = ''] = ctx.node.inputs;
  const [y = '', ...extra] = ctx.node.outputs;
  if (ctx.opset >= 14 && ctx.int('training_mode', 0) !== 0) ctx.unsupported('training_mode=1 is not supported');
  if (ctx.opset < 9 && ctx.int('spatial', 1) !== 1) ctx.unsupported('spatial=0 (per-activation statistics) is not supported');
  if (extra.some((o) => o !== '')) ctx.unsupported('the running mean/variance outputs (training mode) are not supported');
  const eps = ctx.float('epsilon', 1e-5);
  const xi = ctx.info(x);
  if (!xi?.shape) ctx.unsupported('the input rank is unknown');
  const rank = xi.shape.length;
  if (rank < 2) throw new ModelError(`BatchNormalization node '${ctx.node.name}': X should have rank 2 or more, got [${xi.shape.join(', ')}]`);
  const type = xi.type;
  if (type !== 'float32' && type !== 'float64') ctx.unsupported(`element type ${type} is not supported`);
  const trailing = new Array<number>(rank - 2).fill(1);

  const vals = [scale, bias, mean, variance].map((n) => ctx.constant(n));
  if (vals.every((v) => v !== undefined)) {
    const [sc, bi, mu, va] = vals.map((v) => toNumbers(v!));
    const c = sc!.length;
    if (![bi, mu, va].every((v) => v!.length === c)) {
      throw new ModelError(`BatchNormalization node '${ctx.node.name}': scale, B, mean and var should all have ${c} values`);
    }
    const s = sc!.map((g, i) => g / Math.sqrt(va![i]! + eps));
    const b = bi!.map((v, i) => v - mu![i]! * s[i]!);
    const sName = ctx.addConstant(fromNumbers(type, [c, ...trailing], s), `${ctx.node.name}/scale`);
    const bName = ctx.addConstant(fromNumbers(type, [c, ...trailing], b), `${ctx.node.name}/bias`);
    const t = ctx.fresh('scaled');
    ctx.emit('Mul', [x, sName], [t]);
    ctx.emit('Add', [t, bName], [y]);
    return;
  }

  // Not all constant: the same arithmetic as core nodes on the [C] vectors.
  for (const n of [scale, bias, mean, variance]) {
    const t = ctx.info(n)?.type;
    if (t !== type) ctx.unsupported(`scale/B/mean/var of element type ${t ?? 'unknown'} with X of ${type} is not supported`);
  }
  const v1 = ctx.fresh('var_eps');
  const v2 = ctx.fresh('std');
  const s = ctx.fresh('s');
  const m = ctx.fresh('mean_s');
  const b = ctx.fresh('b');
  ctx.emit('Add', [variance, ctx.addConstant(scalarConst(type, eps), `${ctx.node.name}/epsilon`)], [v1]);
  ctx.emit('Sqrt', [v1], [v2]);
  ctx.emit('Div', [scale, v2], [s]);
  ctx.emit('Mul', [mean, s], [m]);
  ctx.emit('Sub', [bias, m], [b]);
  let s2 = s;
  let b2 = b;
  if (trailing.length > 0) {
    const axes = ctx.addConstant(int64Const(trailing.map((_, i) => i + 1)), `${ctx.node.name}/axes`);
    s2 = ctx.fresh('s_bc');
    b2 = ctx.fresh('b_bc');
    ctx.emit('Unsqueeze', [s, axes], [s2]);
    ctx.emit('Unsqueeze', [b, axes], [b2]);
  }
  const t = ctx.fresh('scaled');
  ctx.emit('Mul', [x, s2], [t]);
  ctx.emit('Add', [t, b2], [y]);
};

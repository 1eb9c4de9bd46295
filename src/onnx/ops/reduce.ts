// ONNX reductions, Softmax/LogSoftmax and LayerNormalization → core ops (src/graph/ops/reduce.ts).
import { ModelError } from '../../errors.js';
import { normAxis, toNumbers } from '../../graph/values.js';
import type { ParseContext, Parser } from './types.js';

function io(ctx: ParseContext, max: number): { x: string; y: string; ins: string[] } {
  const { node } = ctx;
  const x = node.inputs[0] ?? '';
  const y = node.outputs[0] ?? '';
  if (x === '' || y === '' || node.inputs.filter((n) => n !== '').length > max) {
    throw new ModelError(`${node.op} node '${node.name}' needs a data input and an output (and at most ${max} inputs)`);
  }
  return { x, y, ins: node.inputs };
}

/**
 * ReduceMean/Max/Min (axes an input from opset 18; ReduceSum from 13). keepdims defaults to 1.
 * No axes (or empty axes) means every axis, unless noop_with_empty_axes=1 (then: Identity).
 * Core attrs: axes normalised, deduplicated, sorted and non-empty; keepdims 0/1.
 */
function reduce(op: string, axesInputSince: number): Parser {
  return (ctx: ParseContext) => {
    const inputForm = ctx.opset >= axesInputSince;
    const { x, y, ins } = io(ctx, inputForm ? 2 : 1);
    const keepdims = ctx.int('keepdims', 1) !== 0 ? 1 : 0;
    let axes: number[] | undefined;
    let noop = false;
    if (inputForm) {
      noop = ctx.int('noop_with_empty_axes', 0) !== 0;
      const axesInput = ins[1] ?? '';
      if (axesInput !== '') {
        const c = ctx.constant(axesInput);
        if (!c) ctx.unsupported('the axes input must be a constant');
        axes = toNumbers(c);
      }
    } else if (ctx.has('axes')) {
      axes = ctx.ints('axes');
    }
    if (!axes || axes.length === 0) {
      if (noop) {
        ctx.emit('Identity', [x], [y]);
        return;
      }
      axes = undefined; // every axis
    }
    const shape = ctx.info(x)?.shape;
    if (!shape) {
      if (!axes) ctx.unsupported('reducing over every axis needs the input rank, which is unknown');
      ctx.emit(op, [x], [y], { axes, keepdims }); // the shape rule normalises once the rank is known
      return;
    }
    const rank = shape.length;
    if (rank === 0) {
      ctx.emit('Identity', [x], [y]);
      return;
    }
    const norm = axes ? [...new Set(axes.map((a) => normAxis(a, rank, `${op} node '${ctx.node.name}': axis`)))].sort((a, b) => a - b) : Array.from({ length: rank }, (_, i) => i);
    ctx.emit(op, [x], [y], { axes: norm, keepdims });
  };
}

export const ReduceMean: Parser = reduce('ReduceMean', 18);
export const ReduceMax: Parser = reduce('ReduceMax', 18);
export const ReduceMin: Parser = reduce('ReduceMin', 18);
export const ReduceSum: Parser = reduce('ReduceSum', 13);

/**
 * Softmax/LogSoftmax-13+: over one axis (default -1). Before 13 (default axis 1), the input is
 * coerced to 2-D at `axis` and normalised over the flattened trailing dims: lowered to
 * Flatten(axis) → op(axis=1) → Reshape to the input's shape (Shape of the input, so symbolic dims
 * work). When `axis` is the last axis, both semantics agree and the core op is emitted directly.
 */
function softmax(op: 'Softmax' | 'LogSoftmax'): Parser {
  return (ctx: ParseContext) => {
    const { x, y } = io(ctx, 1);
    if (ctx.opset >= 13) {
      ctx.emit(op, [x], [y], { axis: ctx.int('axis', -1) });
      return;
    }
    const axis = ctx.int('axis', 1);
    const rank = ctx.info(x)?.shape?.length;
    if (rank !== undefined) {
      const a = normAxis(axis, rank, `${op} node '${ctx.node.name}': axis`);
      if (a === rank - 1) {
        ctx.emit(op, [x], [y], { axis: a });
        return;
      }
    }
    const flat = ctx.fresh('flat');
    const soft = ctx.fresh(op.toLowerCase());
    const shape = ctx.fresh('shape');
    ctx.emit('Flatten', [x], [flat], { axis });
    ctx.emit(op, [flat], [soft], { axis: 1 });
    ctx.emit('Shape', [x], [shape]);
    ctx.emit('Reshape', [soft, shape], [y]);
  };
}

export const Softmax: Parser = softmax('Softmax');
export const LogSoftmax: Parser = softmax('LogSoftmax');

/** LayerNormalization-17: axis -1, epsilon 1e-5 (stash_type ignored); the Mean/InvStdDev outputs are refused. */
export const LayerNormalization: Parser = (ctx: ParseContext) => {
  const { node } = ctx;
  if (node.outputs.slice(1).some((o) => o !== '')) ctx.unsupported('only the first output (Y) is supported');
  const [x = '', scale = '', bias = ''] = node.inputs;
  const y = node.outputs[0] ?? '';
  if (x === '' || scale === '' || y === '') throw new ModelError(`LayerNormalization node '${node.name}' needs inputs X and Scale and an output`);
  ctx.emit('LayerNormalization', bias === '' ? [x, scale] : [x, scale, bias], [y], {
    axis: ctx.int('axis', -1),
    epsilon: ctx.float('epsilon', 1e-5),
  });
};

// ONNX reductions, Softmax/LogSoftmax and LayerNormalization → core ops (src/graph/ops/reduce.ts).
import { ModelError, ShapeError } from '../../errors.js';
import { DTYPE_CODE, DTYPE_OF_CODE } from '../../graph/ir.js';
import { normAxis, scalarConst, toNumbers } from '../../graph/values.js';
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
 * ReduceMean/Max/Min (axes an input from opset 18; ReduceSum from 13; attributes in opsets 1–17,
 * 1–12). keepdims defaults to 1. No axes (or empty axes) means every axis, unless
 * noop_with_empty_axes=1 (then: Identity). Constant axes become the core attrs: normalised,
 * deduplicated, sorted and non-empty; keepdims 0/1. An axes input computed at run time (a graph
 * input, say) stays input 1 of the core node, with keepdims and noop_with_empty_axes: the core op
 * infers what it can and needs the axes constant when a plan is built.
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
        if (!c) {
          ctx.emit(op, [x, axesInput], [y], { keepdims, noop_with_empty_axes: noop ? 1 : 0 });
          return;
        }
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
      // The shape rule normalises the axes (absent: every axis) once the rank is known.
      ctx.emit(op, [x], [y], axes ? { axes, keepdims } : { keepdims });
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

/**
 * LayerNormalization-17: axis -1, epsilon 1e-5, stash_type 1 (float32). When only Y is used: the
 * core LayerNormalization (its kernel computes in float32). When Mean or InvStdDev is used too,
 * the spec's function is lowered to core ops over the normalised axes [axis, r) (the rank comes
 * from X's shape):
 *   XU = Cast(X, stash_type) (only when the types differ)
 *   Mean = ReduceMean(XU, keepdims=1); D = XU - Mean; Var = ReduceMean(D * D, keepdims=1)
 *   InvStdDev = Reciprocal(Sqrt(Var + epsilon))
 *   Y = Cast(D * InvStdDev, X's type) * Scale + B
 */
export const LayerNormalization: Parser = (ctx: ParseContext) => {
  const { node } = ctx;
  const [x = '', scale = '', bias = ''] = node.inputs;
  const [y = '', mean = '', invStd = ''] = node.outputs;
  if (x === '' || scale === '' || (y === '' && mean === '' && invStd === '')) {
    throw new ModelError(`LayerNormalization node '${node.name}' needs inputs X and Scale and an output`);
  }
  const axis = ctx.int('axis', -1);
  const epsilon = ctx.float('epsilon', 1e-5);
  if (mean === '' && invStd === '') {
    ctx.emit('LayerNormalization', bias === '' ? [x, scale] : [x, scale, bias], [y], { axis, epsilon });
    return;
  }
  const info = ctx.info(x);
  if (!info?.shape) ctx.unsupported('the Mean/InvStdDev outputs need the rank of X, which is unknown');
  const rank = info.shape.length;
  const a = normAxis(axis, rank, `LayerNormalization node '${node.name}': axis`);
  const normalized = info.shape.slice(a);
  for (const [what, t] of [['Scale', scale], ['B', bias]] as const) {
    const s = t === '' ? undefined : ctx.info(t)?.shape;
    if (!s) continue;
    // Scale and B broadcast to the normalised dims X.shape[axis:].
    const fits = s.length <= normalized.length && s.every((d, i) => {
      const n = normalized[normalized.length - s.length + i]!;
      return d === 1 || d === n || typeof d !== 'number' || typeof n !== 'number';
    });
    if (!fits) throw new ShapeError(`LayerNormalization node '${node.name}': ${what} of shape [${s.join(',')}] does not fit the normalised dims [${normalized.join(',')}]`);
  }
  const stash = DTYPE_OF_CODE[ctx.int('stash_type', 1)];
  if (stash !== 'float32' && stash !== 'float64') ctx.unsupported(`stash_type ${ctx.int('stash_type', 1)} is not supported`);
  const axes = Array.from({ length: rank - a }, (_, i) => a + i);
  const tmp = (hint: string) => ctx.fresh(hint);
  let xu = x;
  if (info.type !== stash) {
    xu = tmp('xu');
    ctx.emit('Cast', [x], [xu], { to: DTYPE_CODE[stash] });
  }
  const m = mean || tmp('mean');
  ctx.emit('ReduceMean', [xu], [m], { axes, keepdims: 1 });
  const d = tmp('d');
  ctx.emit('Sub', [xu, m], [d]);
  const dd = tmp('dd');
  ctx.emit('Mul', [d, d], [dd]);
  const v = tmp('var');
  ctx.emit('ReduceMean', [dd], [v], { axes, keepdims: 1 });
  const ve = tmp('var_eps');
  ctx.emit('Add', [v, ctx.addConstant(scalarConst(stash, epsilon), `${node.name}/epsilon`)], [ve]);
  const sd = tmp('std');
  ctx.emit('Sqrt', [ve], [sd]);
  const inv = invStd || tmp('inv_std');
  ctx.emit('Reciprocal', [sd], [inv]);
  if (y === '') return;
  let n = tmp('normalized');
  ctx.emit('Mul', [d, inv], [n]);
  if (info.type !== stash) {
    const nt = tmp('normalized_t');
    ctx.emit('Cast', [n], [nt], { to: DTYPE_CODE[info.type] });
    n = nt;
  }
  if (bias === '') {
    ctx.emit('Mul', [n, scale], [y]);
    return;
  }
  const scaled = tmp('scaled');
  ctx.emit('Mul', [n, scale], [scaled]);
  ctx.emit('Add', [scaled, bias], [y]);
};

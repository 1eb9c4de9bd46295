// ONNX element-wise operators → core element-wise ops (src/graph/ops/elementwise.ts).
// Attribute defaults follow the ONNX spec for opsets 7..21, and the legacy forms of opsets 1..6
// (broadcast/axis of the binary operators, Cast-1's type names, Dropout's is_test).
import { ModelError, ShapeError } from '../../errors.js';
import { DTYPE_OF_CODE, NATIVE_DTYPES, type DType } from '../../graph/ir.js';
import { fromNumbers, int64Const, toNumbers } from '../../graph/values.js';
import type { ParseContext, Parser } from './types.js';

/** The node's inputs after checking their count: `required` must be present, up to `max` in all. */
function inputsOf(ctx: ParseContext, required: number, max = required): string[] {
  const { node } = ctx;
  const ins = [...node.inputs];
  while (ins.length > required && ins[ins.length - 1] === '') ins.pop();
  if (ins.length < required || ins.length > max || ins.slice(0, required).some((n) => n === '')) {
    const want = required === max ? `${required}` : `${required} to ${max}`;
    throw new ModelError(`${node.op} node '${node.name}' has ${node.inputs.filter((n) => n !== '').length} inputs, expected ${want}`);
  }
  return ins;
}

function output(ctx: ParseContext): string {
  const y = ctx.node.outputs[0];
  if (!y) throw new ModelError(`${ctx.node.op} node '${ctx.node.name}' has no output`);
  return y;
}

/** An operator that maps one to one onto the core op of the same name. */
function direct(op: string, nInputs: number): Parser {
  return (ctx) => {
    ctx.emit(op, inputsOf(ctx, nInputs), [output(ctx)]);
  };
}

/**
 * A binary operator with numpy broadcasting (opset 7+). Before opset 7 broadcasting was opt-in:
 * with broadcast=0 (the default) the shapes must be equal, where numpy broadcasting gives the same
 * result; with broadcast=1, B broadcasts to A with its dims aligned to A's from `axis` (default:
 * A's trailing dims, numpy's alignment). Any other alignment is lowered by unsqueezing B's
 * trailing dims so that numpy broadcasting gives the legacy result.
 */
function binary(op: string): Parser {
  return (ctx: ParseContext) => {
    const [a, b] = inputsOf(ctx, 2) as [string, string];
    let b2 = b;
    if (ctx.opset < 7 && ctx.int('broadcast', 0) !== 0 && ctx.has('axis')) {
      const ra = ctx.info(a)?.shape?.length;
      const rb = ctx.info(b)?.shape?.length;
      if (ra === undefined || rb === undefined) ctx.unsupported('legacy broadcasting with an axis needs the ranks of A and B, which are unknown');
      const axis = ctx.int('axis');
      const start = axis < 0 ? axis + ra : axis;
      if (start < 0 || start + rb > ra) {
        throw new ShapeError(`${op} node '${ctx.node.name}': B of rank ${rb} does not fit A of rank ${ra} from axis ${axis}`);
      }
      const trailing = ra - start - rb;
      if (trailing > 0) {
        b2 = ctx.fresh('b_aligned');
        const axes = Array.from({ length: trailing }, (_, i) => rb + i);
        ctx.emit('Unsqueeze', [b, ctx.addConstant(int64Const(axes), `${ctx.node.name}/axes`)], [b2]);
      }
    }
    ctx.emit(op, [a, b2], [output(ctx)]);
  };
}

export const Add: Parser = binary('Add');
export const Sub: Parser = binary('Sub');
export const Mul: Parser = binary('Mul');
export const Div: Parser = binary('Div');
export const Pow: Parser = binary('Pow');
export const Equal: Parser = binary('Equal');
export const Less: Parser = binary('Less');
export const Greater: Parser = binary('Greater');
export const And: Parser = binary('And');
export const Or: Parser = binary('Or');
export const Xor: Parser = binary('Xor');
export const Where: Parser = direct('Where', 3);

export const Sqrt: Parser = direct('Sqrt', 1);
export const Exp: Parser = direct('Exp', 1);
export const Log: Parser = direct('Log', 1);
export const Erf: Parser = direct('Erf', 1);
export const Neg: Parser = direct('Neg', 1);
export const Abs: Parser = direct('Abs', 1);
export const Reciprocal: Parser = direct('Reciprocal', 1);
export const Relu: Parser = direct('Relu', 1);
export const Sigmoid: Parser = direct('Sigmoid', 1);
export const Tanh: Parser = direct('Tanh', 1);
export const Softplus: Parser = direct('Softplus', 1);
export const Not: Parser = direct('Not', 1);
export const Identity: Parser = direct('Identity', 1);

export const LeakyRelu: Parser = (ctx: ParseContext) => {
  ctx.emit('LeakyRelu', inputsOf(ctx, 1), [output(ctx)], { alpha: ctx.float('alpha', 0.01) });
};

// Gelu-20: approximate "none" (erf) or "tanh".
export const Gelu: Parser = (ctx: ParseContext) => {
  const approximate = ctx.string('approximate', 'none');
  if (approximate !== 'none' && approximate !== 'tanh') ctx.unsupported(`approximate "${approximate}" is not supported`);
  ctx.emit('Gelu', inputsOf(ctx, 1), [output(ctx)], { approximate });
};

// Clip-6: attributes min/max (defaults: float lowest/max). Clip-11+: optional inputs min, max,
// which the planner needs as constants (they become the kernel's min/max attributes).
export const Clip: Parser = (ctx: ParseContext) => {
  if (ctx.opset < 11) {
    const min = ctx.float('min', -3.4028234663852886e38);
    const max = ctx.float('max', 3.4028234663852886e38);
    ctx.emit('Clip', inputsOf(ctx, 1), [output(ctx)], { min, max });
    return;
  }
  ctx.emit('Clip', inputsOf(ctx, 1, 3), [output(ctx)]);
};

/** Cast-1's `to` names the element type (TensorProto.DataType's names); Cast-6+ gives the code. */
const CAST_NAMES: Record<string, number> = {
  FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16,
};

// Cast: `to` is an ONNX element type code; the core attribute keeps the code.
export const Cast: Parser = (ctx: ParseContext) => {
  const [x] = inputsOf(ctx, 1);
  const named = ctx.node.attrs.get('to');
  let to: number;
  if (typeof named === 'string') {
    const code = CAST_NAMES[named.toUpperCase()];
    if (code === undefined) ctx.unsupported(`cast to element type "${named}" is not supported`);
    to = code;
  } else {
    to = ctx.int('to');
  }
  const type = DTYPE_OF_CODE[to] as DType | undefined;
  if (!type) ctx.unsupported(`cast to element type code ${to} is not supported`);
  if (!NATIVE_DTYPES.includes(type)) ctx.unsupported(`cast to ${type} is not supported`);
  if (ctx.info(x!)?.type === type) ctx.emit('Identity', [x!], [output(ctx)]);
  else ctx.emit('Cast', [x!], [output(ctx)], { to });
};

/** Element types a mask constant can hold. */
const MASK_TYPES: readonly DType[] = ['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'];

// Dropout at inference is the identity. Dropout-1/6: attributes is_test (default 0: training)
// and ratio (default 0.5). Dropout-7+ is always in inference mode, except from 12 on, where the
// inputs ratio and training_mode decide: training mode (a constant true with a non-zero ratio, or
// a training_mode computed at run time) would drop at random, so it is refused. The mask output,
// when used, is all true (nothing dropped) with X's shape: Shape(X) → ConstantOfShape. Before
// Dropout-10 the mask has X's element type (ones).
export const Dropout: Parser = (ctx: ParseContext) => {
  const ins = inputsOf(ctx, 1, ctx.opset >= 12 ? 3 : 1);
  const x = ins[0]!;
  const y = output(ctx);
  const mask = ctx.node.outputs[1] ?? '';
  if (ctx.opset < 7 && ctx.int('is_test', 0) === 0 && ctx.float('ratio', 0.5) !== 0) {
    ctx.unsupported('training mode (is_test=0, random dropout) is not supported');
  }
  const training = ins[2] ?? '';
  if (training !== '') {
    const mode = ctx.constant(training);
    if (!mode) ctx.unsupported('training_mode must be a constant');
    if (toNumbers(mode).some((v) => v !== 0)) {
      const ratio = ins[1] ? ctx.constant(ins[1]) : undefined;
      const zero = ratio !== undefined && toNumbers(ratio).every((v) => v === 0);
      if (!zero) ctx.unsupported('training mode (random dropout) is not supported');
    }
  }
  ctx.emit('Identity', [x], [y]);
  if (mask === '') return;
  const type: DType = ctx.opset >= 10 ? 'bool' : ctx.info(x)?.type ?? 'float32';
  if (!MASK_TYPES.includes(type)) ctx.unsupported(`a mask of element type ${type} is not supported`);
  const shape = ctx.fresh('shape');
  ctx.emit('Shape', [x], [shape]);
  ctx.emit('ConstantOfShape', [shape], [mask], { value: fromNumbers(type, [1], [1]) });
};

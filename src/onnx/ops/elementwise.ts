// ONNX element-wise operators → core element-wise ops (src/graph/ops/elementwise.ts).
// Attribute defaults follow the ONNX spec for opsets 11..21 (Clip-6 attributes as well).
import { ModelError } from '../../errors.js';
import { DTYPE_OF_CODE, NATIVE_DTYPES, type DType } from '../../graph/ir.js';
import { toNumbers } from '../../graph/values.js';
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

export const Add: Parser = direct('Add', 2);
export const Sub: Parser = direct('Sub', 2);
export const Mul: Parser = direct('Mul', 2);
export const Div: Parser = direct('Div', 2);
export const Pow: Parser = direct('Pow', 2);
export const Equal: Parser = direct('Equal', 2);
export const Less: Parser = direct('Less', 2);
export const Greater: Parser = direct('Greater', 2);
export const And: Parser = direct('And', 2);
export const Or: Parser = direct('Or', 2);
export const Xor: Parser = direct('Xor', 2);
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

// Cast: `to` is an ONNX element type code; the core attribute keeps the code.
export const Cast: Parser = (ctx: ParseContext) => {
  const [x] = inputsOf(ctx, 1);
  const to = ctx.int('to');
  const type = DTYPE_OF_CODE[to] as DType | undefined;
  if (!type) ctx.unsupported(`cast to element type code ${to} is not supported`);
  if (!NATIVE_DTYPES.includes(type)) ctx.unsupported(`cast to ${type} is not supported`);
  if (ctx.info(x!)?.type === type) ctx.emit('Identity', [x!], [output(ctx)]);
  else ctx.emit('Cast', [x!], [output(ctx)], { to });
};

// Dropout at inference is the identity. Dropout-12+ has inputs ratio and training_mode: training
// mode (a constant true with a non-zero ratio, or not constant) would drop, so it is refused; so
// is a used mask output.
export const Dropout: Parser = (ctx: ParseContext) => {
  const ins = inputsOf(ctx, 1, ctx.opset >= 12 ? 3 : 1);
  if (ctx.node.outputs[1]) ctx.unsupported('the mask output is not supported');
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
  ctx.emit('Identity', [ins[0]!], [output(ctx)]);
};

// Parsers for the shape-manipulation family. Most map one-to-one onto the core op of the same
// name; the differences between opsets (attributes that became inputs) are resolved here so
// that core nodes have one form:
//   Squeeze/Unsqueeze  axes as an attribute (an input from opset 13: it must be constant)
//   Split              split sizes as an input (an attribute before opset 13), num_outputs (18)
//   Slice              inputs starts, ends, axes?, steps? (attributes before opset 10)
//   Shape              start/end attributes (opset 15)
//   Constant           no node: the value becomes a constant
import { ModelError } from '../../errors.js';
import type { Attrs, ConstTensor } from '../../graph/ir.js';
import { fromNumbers, int64Const, toNumbers } from '../../graph/values.js';
import type { ParseContext, Parser } from './types.js';

const ins = (ctx: ParseContext) => ctx.node.inputs;
const out0 = (ctx: ParseContext) => ctx.node.outputs[0]!;

/** An optional input's name ('' when absent). */
const opt = (ctx: ParseContext, i: number) => ctx.node.inputs[i] ?? '';

/** Drops trailing absent inputs. */
function trimInputs(inputs: string[]): string[] {
  let n = inputs.length;
  while (n > 0 && inputs[n - 1] === '') n--;
  return inputs.slice(0, n);
}

/** The axes of Squeeze/Unsqueeze: attribute before opset 13, constant input from 13. */
function axesOf(ctx: ParseContext, required: boolean): number[] | undefined {
  if (ctx.opset < 13) return required ? ctx.ints('axes') : ctx.has('axes') ? ctx.ints('axes') : undefined;
  const name = opt(ctx, 1);
  if (name === '') {
    if (required) throw new ModelError(`${ctx.node.op} node '${ctx.node.name}' is missing its axes input`);
    return undefined;
  }
  const v = ctx.constant(name);
  if (!v) ctx.unsupported('axes computed at run time are not supported');
  return toNumbers(v);
}

export const Reshape: Parser = (ctx: ParseContext) => {
  const [data = '', shape = ''] = ins(ctx);
  ctx.emit('Reshape', [data, shape], [out0(ctx)], { allowzero: ctx.opset >= 14 ? ctx.int('allowzero', 0) : 0 });
};

export const Flatten: Parser = (ctx: ParseContext) => {
  ctx.emit('Flatten', [ins(ctx)[0]!], [out0(ctx)], { axis: ctx.int('axis', 1) });
};

export const Squeeze: Parser = (ctx: ParseContext) => {
  const axes = axesOf(ctx, false);
  ctx.emit('Squeeze', [ins(ctx)[0]!], [out0(ctx)], axes ? { axes } : {});
};

export const Unsqueeze: Parser = (ctx: ParseContext) => {
  ctx.emit('Unsqueeze', [ins(ctx)[0]!], [out0(ctx)], { axes: axesOf(ctx, true)! });
};

export const Transpose: Parser = (ctx: ParseContext) => {
  ctx.emit('Transpose', [ins(ctx)[0]!], [out0(ctx)], ctx.has('perm') ? { perm: ctx.ints('perm') } : {});
};

export const Concat: Parser = (ctx: ParseContext) => {
  ctx.emit('Concat', [...ins(ctx)], [out0(ctx)], { axis: ctx.int('axis') });
};

export const Split: Parser = (ctx: ParseContext) => {
  const attrs: Attrs = { axis: ctx.int('axis', 0) };
  let split = '';
  if (ctx.opset < 13) {
    if (ctx.has('split')) split = ctx.addConstant(int64Const(ctx.ints('split')), `${ctx.node.name}/split`);
  } else {
    split = opt(ctx, 1);
    if (ctx.opset >= 18 && ctx.has('num_outputs')) attrs.num_outputs = ctx.int('num_outputs');
  }
  ctx.emit('Split', split ? [ins(ctx)[0]!, split] : [ins(ctx)[0]!], [...ctx.node.outputs], attrs);
};

export const Slice: Parser = (ctx: ParseContext) => {
  if (ctx.opset < 10) {
    // Slice-1: starts/ends/axes as attributes.
    const starts = ctx.ints('starts');
    const c = (v: number[]) => ctx.addConstant(int64Const(v), `${ctx.node.name}/slice`);
    const inputs = [ins(ctx)[0]!, c(starts), c(ctx.ints('ends'))];
    if (ctx.has('axes')) inputs.push(c(ctx.ints('axes')));
    ctx.emit('Slice', inputs, [out0(ctx)]);
    return;
  }
  ctx.emit('Slice', trimInputs([...ins(ctx)]), [out0(ctx)]);
};

export const Gather: Parser = (ctx: ParseContext) => {
  const [data = '', indices = ''] = ins(ctx);
  ctx.emit('Gather', [data, indices], [out0(ctx)], { axis: ctx.int('axis', 0) });
};

export const Expand: Parser = (ctx: ParseContext) => {
  const [x = '', shape = ''] = ins(ctx);
  ctx.emit('Expand', [x, shape], [out0(ctx)]);
};

export const Tile: Parser = (ctx: ParseContext) => {
  const [x = '', repeats = ''] = ins(ctx);
  ctx.emit('Tile', [x, repeats], [out0(ctx)]);
};

export const Pad: Parser = (ctx: ParseContext) => {
  const mode = ctx.string('mode', 'constant');
  if (!['constant', 'reflect', 'edge', 'wrap'].includes(mode)) throw new ModelError(`Pad node '${ctx.node.name}': unknown mode '${mode}'`);
  if (mode === 'wrap' && ctx.opset < 19) throw new ModelError(`Pad node '${ctx.node.name}': mode 'wrap' needs opset 19`);
  let inputs = trimInputs([...ins(ctx)]);
  if (ctx.opset < 11) {
    // Pad-2: pads and value as attributes.
    const x = inputs[0]!;
    const pads = ctx.addConstant(int64Const(ctx.ints('pads')), `${ctx.node.name}/pads`);
    const type = ctx.info(x)?.type ?? 'float32';
    inputs = [x, pads, ctx.addConstant(fromNumbers(type, [], [ctx.float('value', 0)]), `${ctx.node.name}/value`)];
  }
  ctx.emit('Pad', inputs, [out0(ctx)], { mode });
};

export const Shape: Parser = (ctx: ParseContext) => {
  const attrs: Attrs = {};
  if (ctx.opset >= 15) {
    attrs.start = ctx.int('start', 0);
    if (ctx.has('end')) attrs.end = ctx.int('end');
  }
  ctx.emit('Shape', [ins(ctx)[0]!], [out0(ctx)], attrs);
};

export const Size: Parser = (ctx: ParseContext) => {
  ctx.emit('Size', [ins(ctx)[0]!], [out0(ctx)]);
};

export const Constant: Parser = (ctx: ParseContext) => {
  let value: ConstTensor | undefined;
  if (ctx.has('value')) {
    value = ctx.tensor('value');
    if (!value) throw new ModelError(`Constant node '${ctx.node.name}': attribute value should be a tensor`);
  } else if (ctx.has('value_float')) value = fromNumbers('float32', [], [ctx.float('value_float')]);
  else if (ctx.has('value_floats')) {
    const v = ctx.floats('value_floats');
    value = fromNumbers('float32', [v.length], v);
  } else if (ctx.has('value_int')) value = fromNumbers('int64', [], [ctx.int('value_int')]);
  else if (ctx.has('value_ints')) value = int64Const(ctx.ints('value_ints'));
  else if (ctx.has('value_string') || ctx.has('value_strings')) ctx.unsupported('string constants are not supported');
  else if (ctx.has('sparse_value')) ctx.unsupported('sparse constants are not supported');
  else throw new ModelError(`Constant node '${ctx.node.name}' has no value attribute`);
  ctx.setConstant(out0(ctx), value);
};

export const ConstantOfShape: Parser = (ctx: ParseContext) => {
  const value = ctx.has('value') ? ctx.tensor('value') : fromNumbers('float32', [1], [0]);
  if (!value) throw new ModelError(`ConstantOfShape node '${ctx.node.name}': attribute value should be a tensor`);
  if (value.data.length !== 1) throw new ModelError(`ConstantOfShape node '${ctx.node.name}': value should have one element, it has ${value.data.length}`);
  ctx.emit('ConstantOfShape', [ins(ctx)[0]!], [out0(ctx)], { value });
};

export const Range: Parser = (ctx: ParseContext) => {
  const [start = '', limit = '', delta = ''] = ins(ctx);
  ctx.emit('Range', [start, limit, delta], [out0(ctx)]);
};

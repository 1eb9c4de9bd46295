// Parsers for the shape-manipulation family. Most map one-to-one onto the core op of the same
// name; the differences between opsets (attributes that became inputs) are resolved here so
// that core nodes have one form, the newest:
//   Squeeze/Unsqueeze  axes as input 1 (an attribute before opset 13: made a constant input)
//   Split              split sizes as an input (an attribute before opset 13), num_outputs (18)
//   Slice              inputs starts, ends, axes?, steps? (attributes before opset 10)
//   Pad                inputs pads, constant_value?, axes? (attributes pads/value before opset 11)
//   Shape              start/end attributes (opset 15)
//   Constant           no node: the value becomes a constant
// Shape-like inputs (Reshape's shape, Slice's starts, Squeeze's axes, ...) need not be constant
// at import: they stay inputs, and the core ops' valueInputs make plans specialise on them.
// Operators and attributes newer than the model's opset are refused (ctx.unsupported).
import { ModelError } from '../../errors.js';
import type { Attrs, ConstTensor } from '../../graph/ir.js';
import { fromNumbers, int64Const } from '../../graph/values.js';
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

/** Refuses the node when the model's opset predates the operator. */
function since(ctx: ParseContext, opset: number): void {
  if (ctx.opset < opset) ctx.unsupported(`${ctx.node.op} first appears in opset ${opset}; this model uses opset ${ctx.opset}`);
}

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

/** Refuses an attribute that the operator's version for this opset no longer has. */
function attrUntil(ctx: ParseContext, name: string, opset: number): void {
  if (ctx.opset >= opset && ctx.has(name)) ctx.unsupported(`attribute '${name}' is not part of ${ctx.node.op} from opset ${opset} (it became an input)`);
}

/** Refuses input i (present) when the operator's version for this opset does not have it. */
function inputSince(ctx: ParseContext, i: number, opset: number, what: string): void {
  if (ctx.opset < opset && opt(ctx, i) !== '') ctx.unsupported(`input ${i} (${what}) is not part of ${ctx.node.op} before opset ${opset} (this model uses opset ${ctx.opset})`);
}

/**
 * The axes input of core Squeeze/Unsqueeze ('' when absent): the attribute before opset 13 (made
 * a constant), input 1 from 13, constant or not (a plan specialises on its value).
 */
function axesOf(ctx: ParseContext, required: boolean): string {
  if (ctx.opset < 13) {
    inputSince(ctx, 1, 13, 'axes');
    if (!required && !ctx.has('axes')) return '';
    return ctx.addConstant(int64Const(ctx.ints('axes')), `${ctx.node.name}/axes`);
  }
  attrUntil(ctx, 'axes', 13);
  const name = opt(ctx, 1);
  if (name === '' && required) throw new ModelError(`${ctx.node.op} node '${ctx.node.name}' is missing its axes input`);
  return name;
}

export const Reshape: Parser = (ctx: ParseContext) => {
  const [data = '', shape = ''] = ins(ctx);
  attrSince(ctx, 'allowzero', 14, 0);
  ctx.emit('Reshape', [data, shape], [out0(ctx)], { allowzero: ctx.opset >= 14 ? ctx.int('allowzero', 0) : 0 });
};

export const Flatten: Parser = (ctx: ParseContext) => {
  ctx.emit('Flatten', [ins(ctx)[0]!], [out0(ctx)], { axis: ctx.int('axis', 1) });
};

export const Squeeze: Parser = (ctx: ParseContext) => {
  const axes = axesOf(ctx, false);
  ctx.emit('Squeeze', axes ? [ins(ctx)[0]!, axes] : [ins(ctx)[0]!], [out0(ctx)]);
};

export const Unsqueeze: Parser = (ctx: ParseContext) => {
  ctx.emit('Unsqueeze', [ins(ctx)[0]!, axesOf(ctx, true)], [out0(ctx)]);
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
    inputSince(ctx, 1, 13, 'split');
    if (ctx.has('split')) split = ctx.addConstant(int64Const(ctx.ints('split')), `${ctx.node.name}/split`);
  } else {
    attrUntil(ctx, 'split', 13);
    split = opt(ctx, 1);
    attrSince(ctx, 'num_outputs', 18);
    if (ctx.opset >= 18 && ctx.has('num_outputs')) attrs.num_outputs = ctx.int('num_outputs');
  }
  ctx.emit('Split', split ? [ins(ctx)[0]!, split] : [ins(ctx)[0]!], [...ctx.node.outputs], attrs);
};

export const Slice: Parser = (ctx: ParseContext) => {
  if (ctx.opset < 10) {
    // Slice-1: starts/ends/axes as attributes (no steps).
    inputSince(ctx, 1, 10, 'starts');
    const starts = ctx.ints('starts');
    const c = (v: number[]) => ctx.addConstant(int64Const(v), `${ctx.node.name}/slice`);
    const inputs = [ins(ctx)[0]!, c(starts), c(ctx.ints('ends'))];
    if (ctx.has('axes')) inputs.push(c(ctx.ints('axes')));
    ctx.emit('Slice', inputs, [out0(ctx)]);
    return;
  }
  for (const a of ['starts', 'ends', 'axes']) attrUntil(ctx, a, 10);
  ctx.emit('Slice', trimInputs([...ins(ctx)]), [out0(ctx)]);
};

export const Gather: Parser = (ctx: ParseContext) => {
  const [data = '', indices = ''] = ins(ctx);
  ctx.emit('Gather', [data, indices], [out0(ctx)], { axis: ctx.int('axis', 0) });
};

export const Expand: Parser = (ctx: ParseContext) => {
  since(ctx, 8);
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
    // Pad-2: pads and value as attributes (Pad-1's 'paddings' is below our opset range).
    inputSince(ctx, 1, 11, 'pads');
    const x = inputs[0]!;
    const pads = ctx.addConstant(int64Const(ctx.ints('pads')), `${ctx.node.name}/pads`);
    const type = ctx.info(x)?.type ?? 'float32';
    inputs = [x, pads, ctx.addConstant(fromNumbers(type, [], [ctx.float('value', 0)]), `${ctx.node.name}/value`)];
  } else {
    for (const a of ['pads', 'value']) attrUntil(ctx, a, 11);
    inputSince(ctx, 3, 18, 'axes');
  }
  ctx.emit('Pad', inputs, [out0(ctx)], { mode });
};

export const Shape: Parser = (ctx: ParseContext) => {
  const attrs: Attrs = {};
  attrSince(ctx, 'start', 15, 0);
  attrSince(ctx, 'end', 15);
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
  // Constant-1/9: value only; sparse_value from 11; value_float(s)/value_int(s)/value_string(s) from 12.
  attrSince(ctx, 'sparse_value', 11);
  for (const a of ['value_float', 'value_floats', 'value_int', 'value_ints', 'value_string', 'value_strings']) attrSince(ctx, a, 12);
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
  since(ctx, 9);
  const value = ctx.has('value') ? ctx.tensor('value') : fromNumbers('float32', [1], [0]);
  if (!value) throw new ModelError(`ConstantOfShape node '${ctx.node.name}': attribute value should be a tensor`);
  if (value.data.length !== 1) throw new ModelError(`ConstantOfShape node '${ctx.node.name}': value should have one element, it has ${value.data.length}`);
  ctx.emit('ConstantOfShape', [ins(ctx)[0]!], [out0(ctx)], { value });
};

export const Range: Parser = (ctx: ParseContext) => {
  since(ctx, 11);
  const [start = '', limit = '', delta = ''] = ins(ctx);
  ctx.emit('Range', [start, limit, delta], [out0(ctx)]);
};

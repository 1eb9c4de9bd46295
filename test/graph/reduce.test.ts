import { describe, expect, it } from 'vitest';
import { ModelError, ShapeError, UnsupportedError } from '../../src/errors.js';
import type { AttrValue, ConstTensor, Node, TensorInfo } from '../../src/graph/ir.js';
import * as elementwise from '../../src/graph/ops/elementwise.js';
import * as core from '../../src/graph/ops/reduce.js';
import type { CoreOp } from '../../src/graph/ops/types.js';
import { fromNumbers, int64Const } from '../../src/graph/values.js';
import * as parsers from '../../src/onnx/ops/reduce.js';
import { parseByName } from './fake-context.js';

// Stand-in for the shape family's Flatten (shape only), so the legacy Softmax lowering can be followed.
const Flatten: CoreOp = {
  infer(n, ins) {
    const shape = ins[0]!.shape!;
    const axis = (n.attrs['axis'] as number) < 0 ? (n.attrs['axis'] as number) + shape.length : (n.attrs['axis'] as number);
    const prod = (d: TensorInfo['shape'] & {}) => (d.every((x) => typeof x === 'number') ? (d as number[]).reduce((a, b) => a * b, 1) : d.join('*'));
    return [{ type: ins[0]!.type, shape: [prod(shape.slice(0, axis)), prod(shape.slice(axis))] }];
  },
};
const CORE = { ...elementwise, ...core, Flatten } as unknown as Record<string, CoreOp>;
const ctx = { maxFoldElements: 1000 };

const sym = (type: TensorInfo['type'], shape: TensorInfo['shape']): TensorInfo => ({ type, shape });
const val = (c: ConstTensor): TensorInfo => ({ type: c.type, shape: c.dims, value: c });
const i64 = (dims: number[], values: bigint[]): ConstTensor => ({ type: 'int64', dims, data: BigInt64Array.from(values) });

// Runs the parser of `op` on a fake ParseContext over `known`: emitted nodes run the shape rules of CORE
// (other core ops — Shape, Reshape — are only recorded).
const parse = parseByName(parsers, CORE, ctx.maxFoldElements);

const X = { x: sym('float32', ['batch', 8, 4]) };

describe('Reduce parsers: axes per opset', () => {
  it('reads axes as an attribute before the input form (ReduceMean < 18, ReduceSum < 13)', () => {
    const m = parse('ReduceMean', 17, ['x'], ['y'], { axes: [-1, 1, -1] }, X);
    expect(m.emitted).toEqual([{ op: 'ReduceMean', name: 'n0', inputs: ['x'], outputs: ['y'], attrs: { axes: [1, 2], keepdims: 1 } }]);
    expect(m.values.get('y')!.shape).toEqual(['batch', 1, 1]);
    const s = parse('ReduceSum', 11, ['x'], ['y'], { axes: [0], keepdims: 0 }, X);
    expect(s.emitted[0]!.attrs).toEqual({ axes: [0], keepdims: 0 });
    expect(s.values.get('y')!.shape).toEqual([8, 4]);
  });

  it('reduces every axis when axes are absent', () => {
    const m = parse('ReduceMax', 13, ['x'], ['y'], {}, X);
    expect(m.emitted[0]!.attrs).toEqual({ axes: [0, 1, 2], keepdims: 1 });
    expect(m.values.get('y')!.shape).toEqual([1, 1, 1]);
    const s = parse('ReduceSum', 13, ['x'], ['y'], { keepdims: 0 }, X);
    expect(s.emitted[0]!.attrs).toEqual({ axes: [0, 1, 2], keepdims: 0 });
    expect(s.values.get('y')!.shape).toEqual([]);
  });

  it('reads axes from a constant input in the input form', () => {
    const known = { ...X, axes: val(int64Const([-2])), empty: val(int64Const([])), dyn: sym('int64', [1]) };
    const s = parse('ReduceSum', 13, ['x', 'axes'], ['y'], { keepdims: 0 }, known);
    expect(s.emitted[0]!.attrs).toEqual({ axes: [1], keepdims: 0 });
    expect(s.values.get('y')!.shape).toEqual(['batch', 4]);
    const m = parse('ReduceMean', 18, ['x', 'axes'], ['y'], {}, known);
    expect(m.emitted[0]!.attrs).toEqual({ axes: [1], keepdims: 1 });
    expect(parse('ReduceMin', 18, ['x', 'empty'], ['y'], {}, known).emitted[0]!.attrs).toEqual({ axes: [0, 1, 2], keepdims: 1 });
    // Axes computed at run time stay input 1 of the core node (a value input).
    const dyn = parse('ReduceSum', 13, ['x', 'dyn'], ['y'], {}, known);
    expect(dyn.emitted).toEqual([{ op: 'ReduceSum', name: 'n0', inputs: ['x', 'dyn'], outputs: ['y'], attrs: { keepdims: 1, noop_with_empty_axes: 0 } }]);
    expect(dyn.values.get('y')).toEqual({ type: 'float32', shape: ['y?0', 'y?1', 'y?2'] });
    const dynNoop = parse('ReduceMean', 18, ['x', 'dyn'], ['y'], { keepdims: 0, noop_with_empty_axes: 1 }, known);
    expect(dynNoop.emitted[0]).toMatchObject({ inputs: ['x', 'dyn'], attrs: { keepdims: 0, noop_with_empty_axes: 1 } });
    expect(dynNoop.values.get('y')).toEqual({ type: 'float32', shape: undefined });
    // An axes input before the input form is a malformed node.
    expect(() => parse('ReduceMean', 17, ['x', 'axes'], ['y'], {}, known)).toThrow(ModelError);
  });

  it('makes empty axes with noop_with_empty_axes=1 an Identity', () => {
    const known = { ...X, empty: val(int64Const([])) };
    expect(parse('ReduceSum', 13, ['x'], ['y'], { noop_with_empty_axes: 1 }, known).emitted[0]!.op).toBe('Identity');
    expect(parse('ReduceMean', 18, ['x', 'empty'], ['y'], { noop_with_empty_axes: 1 }, known).emitted[0]!.op).toBe('Identity');
    expect(parse('ReduceMean', 18, ['x', ''], ['y'], { noop_with_empty_axes: 0 }, known).emitted[0]!.attrs).toEqual({ axes: [0, 1, 2], keepdims: 1 });
    expect(parse('ReduceMax', 20, ['x'], ['y'], { noop_with_empty_axes: 1 }, known).values.get('y')).toEqual(X.x);
  });

  it('throws ShapeError for an axis out of range', () => {
    expect(() => parse('ReduceMean', 13, ['x'], ['y'], { axes: [3] }, X)).toThrow(ShapeError);
  });

  it('leaves every-axis reductions of an unknown rank to the core op', () => {
    const f = parse('ReduceSum', 11, ['x'], ['y'], { keepdims: 0 }, { x: sym('float32', undefined) });
    expect(f.emitted).toEqual([{ op: 'ReduceSum', name: 'n0', inputs: ['x'], outputs: ['y'], attrs: { keepdims: 0 } }]);
    expect(f.values.get('y')).toEqual({ type: 'float32', shape: undefined });
    expect(core.ReduceSum.native!(f.emitted[0]!, [sym('float32', [2, 3])], [])).toEqual({ op: 'ReduceSum', attrs: { axes: [0, 1], keepdims: 0 }, inputs: [0] });
    const some = parse('ReduceMax', 11, ['x'], ['y'], { axes: [-1] }, { x: sym('float32', undefined) });
    expect(some.emitted[0]!.attrs).toEqual({ axes: [-1], keepdims: 1 });
  });

  it('reads the opset 1–10 attribute forms', () => {
    const m = parse('ReduceMean', 6, ['x'], ['y'], { axes: [2], keepdims: 0 }, X);
    expect(m.emitted[0]!.attrs).toEqual({ axes: [2], keepdims: 0 });
    expect(m.values.get('y')!.shape).toEqual(['batch', 8]);
    expect(parse('ReduceSum', 9, ['x'], ['y'], {}, X).emitted[0]!.attrs).toEqual({ axes: [0, 1, 2], keepdims: 1 });
  });
});

describe('Reduce core ops', () => {
  const n = (op: string, attrs: Record<string, AttrValue>): Node => ({ op, name: 'r', inputs: ['x'], outputs: ['y'], attrs });

  it('gives the kernel sorted non-negative axes and keepdims', () => {
    expect(core.ReduceMean.native!(n('ReduceMean', { axes: [-1, 0], keepdims: 0 }), [sym('float32', [2, 3, 4])], [])).toEqual({
      op: 'ReduceMean', attrs: { axes: [0, 2], keepdims: 0 }, inputs: [0],
    });
    // Defaults of a core node built by another lowering (GlobalAveragePool → ReduceMean).
    expect(core.ReduceMean.native!(n('ReduceMean', { axes: [2, 3] }), [sym('float32', [1, 2, 3, 4])], [])).toEqual({
      op: 'ReduceMean', attrs: { axes: [2, 3], keepdims: 1 }, inputs: [0],
    });
    expect(core.ReduceSum.infer(n('ReduceSum', { axes: [-1], keepdims: 0 }), [sym('float32', ['b', 'seq', 64])], ctx)[0]!.shape).toEqual(['b', 'seq']);
  });

  it('folds small reductions (int64 exactly)', () => {
    const x = val(i64([2, 3], [1n, 2n, 3n, 4n, 5n, (1n << 62n)]));
    expect(core.ReduceSum.infer(n('ReduceSum', { axes: [1], keepdims: 0 }), [x], ctx)[0]!.value).toEqual(i64([2], [6n, 9n + (1n << 62n)]));
    expect(core.ReduceSum.infer(n('ReduceSum', { axes: [0], keepdims: 1 }), [x], ctx)[0]!.value).toEqual(i64([1, 3], [5n, 7n, 3n + (1n << 62n)]));
    expect(core.ReduceMax.infer(n('ReduceMax', { axes: [0, 1], keepdims: 0 }), [x], ctx)[0]!.value).toEqual(i64([], [1n << 62n]));
    expect(core.ReduceMin.infer(n('ReduceMin', { axes: [1], keepdims: 1 }), [x], ctx)[0]!.value).toEqual(i64([2, 1], [1n, 4n]));
    const f = val(fromNumbers('float32', [2, 2], [1, 2, 3, 5]));
    expect(core.ReduceMean.infer(n('ReduceMean', { axes: [1], keepdims: 0 }), [f], ctx)[0]!.value!.data).toEqual(Float32Array.from([1.5, 4]));
    const empty = val(i64([2, 0], []));
    expect(core.ReduceMax.infer(n('ReduceMax', { axes: [1], keepdims: 0 }), [empty], ctx)[0]!.value).toEqual(i64([2], [-(1n << 63n), -(1n << 63n)]));
    expect(core.ReduceSum.infer(n('ReduceSum', { axes: [1], keepdims: 0 }), [empty], ctx)[0]!.value).toEqual(i64([2], [0n, 0n]));
    const mask = val(fromNumbers('float32', [2, 3], [1, 1, 0, 0, 0, 0]));
    expect(core.ReduceSum.infer(n('ReduceSum', { axes: [1], keepdims: 1 }), [mask], ctx)[0]!.value!.data).toEqual(Float32Array.from([2, 0]));
  });
});

describe('Reduce core ops with an axes input', () => {
  const n = (op: string, attrs: Record<string, AttrValue> = {}): Node => ({ op, name: 'r', inputs: ['x', 'axes'], outputs: ['y'], attrs });
  const x = sym('float32', ['b', 1, 4]);

  it('declares the axes a value input', () => {
    for (const op of [core.ReduceMean, core.ReduceSum, core.ReduceMax, core.ReduceMin]) expect(op.valueInputs).toEqual([1]);
  });

  it('uses known axes like the attribute (normalised, deduplicated)', () => {
    const axes = val(int64Const([-1, 2]));
    expect(core.ReduceSum.infer(n('ReduceSum', { keepdims: 0 }), [x, axes], ctx)[0]).toEqual({ type: 'float32', shape: ['b', 1] });
    expect(core.ReduceSum.native!(n('ReduceSum', { keepdims: 0 }), [sym('float32', [2, 1, 4]), axes], [])).toEqual({
      op: 'ReduceSum', attrs: { axes: [2], keepdims: 0 }, inputs: [0],
    });
    const f = val(fromNumbers('float32', [2, 2], [1, 2, 3, 5]));
    expect(core.ReduceMax.infer(n('ReduceMax'), [f, val(int64Const([0]))], ctx)[0]!.value).toEqual(fromNumbers('float32', [1, 2], [3, 5]));
  });

  it('reduces every axis for empty axes, or none with noop_with_empty_axes=1', () => {
    const empty = val(int64Const([]));
    expect(core.ReduceMean.infer(n('ReduceMean', { keepdims: 1 }), [x, empty], ctx)[0]!.shape).toEqual([1, 1, 1]);
    expect(core.ReduceMean.native!(n('ReduceMean'), [sym('float32', [2, 1, 4]), empty], [])).toEqual({
      op: 'ReduceMean', attrs: { axes: [0, 1, 2], keepdims: 1 }, inputs: [0],
    });
    const noop = n('ReduceSum', { keepdims: 0, noop_with_empty_axes: 1 });
    expect(core.ReduceSum.infer(noop, [x, empty], ctx)[0]).toEqual(x);
    const f = val(fromNumbers('float32', [2], [1, 2]));
    expect(core.ReduceSum.infer(noop, [f, empty], ctx)[0]!.value).toBe(f.value);
    expect(core.ReduceSum.native!(noop, [sym('float32', [2, 1, 4]), empty], [])).toEqual({ op: 'Identity', attrs: {}, inputs: [0] });
    // An axes input known to be empty (shape [0]) even though its value is not.
    expect(core.ReduceSum.infer(noop, [x, sym('int64', [0])], ctx)[0]).toEqual(x);
  });

  it('infers what it can from axes computed at run time, and needs them constant for the kernel', () => {
    const dyn = sym('int64', [1]);
    expect(core.ReduceMin.infer(n('ReduceMin', { keepdims: 1 }), [x, dyn], ctx)[0]).toEqual({ type: 'float32', shape: ['y?0', 1, 'y?2'] });
    expect(core.ReduceMin.infer(n('ReduceMin', { keepdims: 0 }), [x, dyn], ctx)[0]).toEqual({ type: 'float32', shape: undefined });
    expect(core.ReduceMin.infer(n('ReduceMin'), [sym('float32', undefined), dyn], ctx)[0]!.shape).toBeUndefined();
    expect(() => core.ReduceMin.native!(n('ReduceMin'), [sym('float32', [2, 1, 4]), dyn], [])).toThrow(UnsupportedError);
  });

  it('throws ShapeError for malformed axes inputs', () => {
    expect(() => core.ReduceSum.infer(n('ReduceSum'), [x, val(fromNumbers('float32', [1], [0]))], ctx)).toThrow(ShapeError);
    expect(() => core.ReduceSum.infer(n('ReduceSum'), [x, sym('int64', [1, 1])], ctx)).toThrow(ShapeError);
    expect(() => core.ReduceSum.infer(n('ReduceSum', { axes: [0] }), [x, val(int64Const([0]))], ctx)).toThrow(ShapeError);
    expect(() => core.ReduceSum.infer(n('ReduceSum'), [x, val(int64Const([3]))], ctx)).toThrow(ShapeError);
  });
});

describe('Softmax and LogSoftmax', () => {
  it('opset 13+: one axis, default -1, normalised for the kernel', () => {
    const f = parse('Softmax', 13, ['x'], ['y'], {}, X);
    expect(f.emitted).toEqual([{ op: 'Softmax', name: 'n0', inputs: ['x'], outputs: ['y'], attrs: { axis: -1 } }]);
    expect(f.values.get('y')).toEqual(X.x);
    expect(core.Softmax.native!(f.emitted[0]!, [sym('float32', [2, 8, 4])], [])).toEqual({ op: 'Softmax', attrs: { axis: 2 }, inputs: [0] });
    const l = parse('LogSoftmax', 13, ['x'], ['y'], { axis: 1 }, X);
    expect(core.LogSoftmax.native!(l.emitted[0]!, [sym('float32', [2, 8, 4])], [])).toEqual({ op: 'LogSoftmax', attrs: { axis: 1 }, inputs: [0] });
    expect(() => core.Softmax.infer(l.emitted[0]!, [sym('float32', [5])], ctx)).toThrow(ShapeError);
  });

  it('before 13: lowers the 2-D coercion to Flatten → Softmax(axis=1) → Reshape(Shape(x))', () => {
    for (const op of ['Softmax', 'LogSoftmax']) {
      const f = parse(op, 11, ['x'], ['y'], {}, X); // default axis 1 of a rank-3 input
      const [flatten, soft, shape, reshape] = f.emitted;
      expect(f.emitted.map((e) => e.op)).toEqual(['Flatten', op, 'Shape', 'Reshape']);
      expect(flatten).toMatchObject({ inputs: ['x'], attrs: { axis: 1 } });
      expect(soft).toMatchObject({ inputs: [flatten!.outputs[0]], attrs: { axis: 1 } });
      expect(shape).toMatchObject({ inputs: ['x'], attrs: {} });
      expect(reshape).toMatchObject({ inputs: [soft!.outputs[0], shape!.outputs[0]], outputs: ['y'], attrs: {} });
      expect(f.values.get(soft!.outputs[0]!)).toEqual({ type: 'float32', shape: ['batch', 32] });
    }
    const neg = parse('Softmax', 12, ['x'], ['y'], { axis: -2 }, X);
    expect(neg.emitted[0]).toMatchObject({ op: 'Flatten', attrs: { axis: -2 } });
  });

  it('before 13: emits the core op directly when the axis is the last one', () => {
    expect(parse('Softmax', 11, ['x'], ['y'], { axis: -1 }, X).emitted).toEqual([
      { op: 'Softmax', name: 'n0', inputs: ['x'], outputs: ['y'], attrs: { axis: 2 } },
    ]);
    const two = parse('LogSoftmax', 11, ['x'], ['y'], {}, { x: sym('float32', ['batch', 10]) });
    expect(two.emitted).toEqual([{ op: 'LogSoftmax', name: 'n0', inputs: ['x'], outputs: ['y'], attrs: { axis: 1 } }]);
  });
});

describe('LayerNormalization', () => {
  const known = { x: sym('float32', ['batch', 8, 64]), s: sym('float32', [64]), b: sym('float32', [64]), bad: sym('float32', [32]) };

  it('applies the defaults and resolves the axis for the kernel', () => {
    const f = parse('LayerNormalization', 17, ['x', 's', 'b'], ['y'], {}, known);
    expect(f.emitted).toEqual([{ op: 'LayerNormalization', name: 'n0', inputs: ['x', 's', 'b'], outputs: ['y'], attrs: { axis: -1, epsilon: 1e-5 } }]);
    expect(f.values.get('y')).toEqual(known.x);
    expect(core.LayerNormalization.native!(f.emitted[0]!, [sym('float32', [2, 8, 64]), known.s, known.b], [])).toEqual({
      op: 'LayerNormalization', attrs: { axis: 2, epsilon: 1e-5 }, inputs: [0, 1, 2],
    });
    const noBias = parse('LayerNormalization', 17, ['x', 's'], ['y', '', ''], { axis: 1, epsilon: 1e-6 }, { ...known, s: sym('float32', [8, 64]) });
    expect(core.LayerNormalization.native!(noBias.emitted[0]!, [sym('float32', [2, 8, 64]), sym('float32', [8, 64])], [])).toEqual({
      op: 'LayerNormalization', attrs: { axis: 1, epsilon: 1e-6 }, inputs: [0, 1],
    });
  });

  it('refuses a mismatched Scale', () => {
    expect(() => parse('LayerNormalization', 17, ['x', 'bad'], ['y'], {}, known)).toThrow(ShapeError);
    expect(() => parse('LayerNormalization', 17, ['x', 'bad'], ['y', 'mean'], {}, known)).toThrow(ShapeError);
  });
});

describe('LayerNormalization with the Mean/InvStdDev outputs', () => {
  /** The spec's computation in double precision: Y, Mean and InvStdDev over dims [axis, r). */
  function reference(x: number[], dims: number[], axis: number, scale: number[], bias: number[] | undefined, eps: number) {
    const a = axis < 0 ? axis + dims.length : axis;
    const inner = dims.slice(a).reduce((p, d) => p * d, 1);
    const outer = x.length / inner;
    const y: number[] = [];
    const mean: number[] = [];
    const inv: number[] = [];
    for (let o = 0; o < outer; o++) {
      const row = x.slice(o * inner, (o + 1) * inner);
      const m = row.reduce((p, v) => p + v, 0) / inner;
      const s = 1 / Math.sqrt(row.reduce((p, v) => p + (v - m) ** 2, 0) / inner + eps);
      mean.push(m);
      inv.push(s);
      row.forEach((v, i) => y.push((v - m) * s * scale[i % scale.length]! + (bias ? bias[i % bias.length]! : 0)));
    }
    return { y, mean, inv };
  }

  const close = (got: ArrayLike<number | bigint>, want: number[]) => {
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(Number(got[i])).toBeCloseTo(w, 4));
  };

  it('lowers to core ops over the normalised axes, with the spec\'s results', () => {
    const dims = [2, 3, 4];
    const xs = Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * 3 + i / 5);
    const scale = Array.from({ length: 12 }, (_, i) => 0.5 + i / 10);
    const bias = Array.from({ length: 12 }, (_, i) => i / 7 - 1);
    const known = {
      x: val(fromNumbers('float32', dims, xs)),
      s: val(fromNumbers('float32', [3, 4], scale)),
      b: val(fromNumbers('float32', [3, 4], bias)),
    };
    const f = parse('LayerNormalization', 17, ['x', 's', 'b'], ['y', 'mean', 'inv'], { axis: -2, epsilon: 0.1 }, known);
    expect(f.emitted.map((e) => e.op)).toEqual(['ReduceMean', 'Sub', 'Mul', 'ReduceMean', 'Add', 'Sqrt', 'Reciprocal', 'Mul', 'Mul', 'Add']);
    expect(f.emitted[0]).toMatchObject({ inputs: ['x'], outputs: ['mean'], attrs: { axes: [1, 2], keepdims: 1 } });
    expect(f.emitted[3]!.attrs).toEqual({ axes: [1, 2], keepdims: 1 });
    expect(f.emitted[6]!.outputs).toEqual(['inv']);
    expect(f.emitted[9]!.outputs).toEqual(['y']);
    const want = reference(xs.map(Math.fround), dims, -2, scale.map(Math.fround), bias.map(Math.fround), Math.fround(0.1));
    expect(f.values.get('mean')!.shape).toEqual([2, 1, 1]);
    expect(f.values.get('inv')!.shape).toEqual([2, 1, 1]);
    expect(f.values.get('y')!.shape).toEqual(dims);
    close(f.values.get('mean')!.value!.data, want.mean);
    close(f.values.get('inv')!.value!.data, want.inv);
    close(f.values.get('y')!.value!.data, want.y);
  });

  it('handles a missing bias, an unused Y or Mean, and symbolic dims', () => {
    const known = { x: sym('float32', ['batch', 8, 64]), s: sym('float32', [64]) };
    const f = parse('LayerNormalization', 17, ['x', 's'], ['y', '', 'inv'], {}, known);
    expect(f.emitted.map((e) => e.op)).toEqual(['ReduceMean', 'Sub', 'Mul', 'ReduceMean', 'Add', 'Sqrt', 'Reciprocal', 'Mul', 'Mul']);
    expect(f.emitted[0]!.attrs).toEqual({ axes: [2], keepdims: 1 });
    expect(f.emitted[8]).toMatchObject({ op: 'Mul', outputs: ['y'] });
    expect(f.values.get('inv')).toEqual({ type: 'float32', shape: ['batch', 8, 1] });
    expect(f.values.get('y')).toEqual({ type: 'float32', shape: ['batch', 8, 64] });
    const eps = f.emitted[4]!.inputs[1]!;
    expect(f.values.get(eps)!.value).toEqual(fromNumbers('float32', [], [1e-5]));
    const noY = parse('LayerNormalization', 17, ['x', 's'], ['', 'mean'], { axis: 0 }, known);
    expect(noY.emitted.map((e) => e.op)).toEqual(['ReduceMean', 'Sub', 'Mul', 'ReduceMean', 'Add', 'Sqrt', 'Reciprocal']);
    expect(noY.emitted[0]!.attrs).toEqual({ axes: [0, 1, 2], keepdims: 1 });
    expect(noY.values.get('mean')!.shape).toEqual([1, 1, 1]);
  });

  it('computes in the stash type: float64 X is cast to float32 and back', () => {
    const known = { x: sym('float64', [2, 5]), s: sym('float64', [5]) };
    const f = parse('LayerNormalization', 17, ['x', 's'], ['y', 'mean', 'inv'], {}, known);
    expect(f.emitted[0]).toMatchObject({ op: 'Cast', inputs: ['x'], attrs: { to: 1 } });
    expect(f.values.get('mean')!.type).toBe('float32');
    expect(f.values.get('inv')!.type).toBe('float32');
    expect(f.emitted.at(-2)).toMatchObject({ op: 'Cast', attrs: { to: 11 } });
    expect(f.values.get('y')).toEqual({ type: 'float64', shape: [2, 5] });
    // stash_type = X's type: no casts.
    const d = parse('LayerNormalization', 17, ['x', 's'], ['y', 'mean'], { stash_type: 11 }, known);
    expect(d.emitted.some((e) => e.op === 'Cast')).toBe(false);
    expect(d.values.get('mean')!.type).toBe('float64');
    expect(() => parse('LayerNormalization', 17, ['x', 's'], ['y', 'mean'], { stash_type: 7 }, known)).toThrow(UnsupportedError);
  });

  it('refuses an unknown rank and a bad axis', () => {
    expect(() => parse('LayerNormalization', 17, ['x', 's'], ['y', 'mean'], {}, { x: sym('float32', undefined), s: sym('float32', [4]) })).toThrow(UnsupportedError);
    expect(() => parse('LayerNormalization', 17, ['x', 's'], ['y', 'mean'], { axis: 2 }, { x: sym('float32', [2, 4]), s: sym('float32', [4]) })).toThrow(ShapeError);
  });
});

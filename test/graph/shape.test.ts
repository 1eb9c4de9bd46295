import { describe, expect, it } from 'vitest';
import { ModelError, ShapeError, UnsupportedError } from '../../src/errors.js';
import type { ConstTensor, Graph, Node, Shape, TensorInfo } from '../../src/graph/ir.js';
import { inferShapes, valueInputsOf } from '../../src/graph/infer.js';
import * as shapeOps from '../../src/graph/ops/shape.js';
import type { CoreOp } from '../../src/graph/ops/types.js';
import { fromNumbers, int64Const, scalarConst, toNumbers } from '../../src/graph/values.js';
import * as shape from '../../src/onnx/ops/shape.js';
import { parseWith } from './fake-context.js';

const OPS: Record<string, CoreOp> = { ...shapeOps };
const CTX = { maxFoldElements: 1 << 16 };
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

const t = (s: Shape | undefined, type: TensorInfo['type'] = 'float32'): TensorInfo => ({ type, shape: s });
const c = (v: ConstTensor): TensorInfo => ({ type: v.type, shape: v.dims, value: v });
const i64 = (...v: number[]) => c(int64Const(v));
const big = (...v: bigint[]) => c({ type: 'int64', dims: [v.length], data: BigInt64Array.from(v) });
const f32 = (dims: number[], v?: number[]) => c(fromNumbers('float32', dims, v ?? Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i)));
const node = (op: string, inputs: string[], attrs: Node['attrs'] = {}, outputs = ['y']): Node => ({ op, name: op, inputs, outputs, attrs });

function infer(op: string, ins: (TensorInfo | undefined)[], attrs: Node['attrs'] = {}, outputs = ['y'], ctx = CTX): TensorInfo[] {
  return OPS[op]!.infer(node(op, ins.map((x, i) => (x ? `in${i}` : '')), attrs, outputs), ins, ctx);
}
const out = (op: string, ins: (TensorInfo | undefined)[], attrs: Node['attrs'] = {}) => infer(op, ins, attrs)[0]!;
const vals = (i: TensorInfo) => toNumbers(i.value!);
function native(op: string, ins: (TensorInfo | undefined)[], attrs: Node['attrs'] = {}, outputs = ['y']) {
  const n = node(op, ins.map((x, i) => (x ? `in${i}` : '')), attrs, outputs);
  return OPS[op]!.native!(n, ins, OPS[op]!.infer(n, ins, CTX));
}

/** Runs a parser on a fake ParseContext like import's: emitted core nodes of OPS run their shape rule at once. */
const parse = parseWith(OPS, CTX.maxFoldElements);

describe('Reshape', () => {
  it('copies dims with 0 and infers -1 with a symbolic batch', () => {
    const x = t(['batch', 8, 64]);
    expect(out('Reshape', [x, i64(0, 8, 4, 16)]).shape).toEqual(['batch', 8, 4, 16]);
    expect(out('Reshape', [x, i64(0, -1)]).shape).toEqual(['batch', 512]);
    expect(out('Reshape', [x, i64(-1, 512)]).shape).toEqual(['batch', 512]);
    expect(out('Reshape', [x, i64(0, 0, -1, 16)]).shape).toEqual(['batch', 8, 4, 16]);
    const u = out('Reshape', [x, i64(-1, 64)]).shape!;
    expect(u[1]).toBe(64);
    expect(typeof u[0]).toBe('string');
    expect(u[0]).not.toBe('batch');
    expect(() => out('Reshape', [x, i64(0, 9, 64)])).toThrow(ShapeError);
  });

  it('checks element counts and -1', () => {
    expect(out('Reshape', [t([2, 3, 4]), i64(4, -1)]).shape).toEqual([4, 6]);
    expect(() => out('Reshape', [t([2, 3, 4, 5]), i64(7, -1, 5)])).toThrow('Reshape: cannot reshape 120 elements into [7, -1, 5]');
    expect(() => out('Reshape', [t([2, 3]), i64(4, 2)])).toThrow(ShapeError);
    expect(() => out('Reshape', [t([2, 3]), i64(-1, -1)])).toThrow(/more than one -1/);
  });

  it('honours allowzero', () => {
    expect(out('Reshape', [t([0, 4]), i64(4, 0)], { allowzero: 1 }).shape).toEqual([4, 0]);
    expect(out('Reshape', [t([4, 2, 3]), i64(3, 0, -1)], { allowzero: 0 }).shape).toEqual([3, 2, 4]);
    expect(() => out('Reshape', [t([2, 4]), i64(8, 0)], { allowzero: 1 })).toThrow(ShapeError);
    expect(() => out('Reshape', [t([0, 4]), i64(0, -1)], { allowzero: 1 })).toThrow(ShapeError);
  });

  it('knows the rank but not the dims when the shape is not constant', () => {
    const r = out('Reshape', [t(['batch', 8]), t([3], 'int64')]);
    expect(r.shape).toHaveLength(3);
    expect(r.value).toBeUndefined();
  });

  it('folds, keeping int64 exact, and resolves native()', () => {
    const r = out('Reshape', [big(INT64_MAX, 2n, 3n, 4n), i64(2, 2)]);
    expect(r.value!.data).toEqual(BigInt64Array.from([INT64_MAX, 2n, 3n, 4n]));
    expect(r.value!.dims).toEqual([2, 2]);
    expect(out('Reshape', [f32([2, 3]), i64(6)], {}).value).toBeDefined();
    expect(infer('Reshape', [f32([2, 3]), i64(6)], {}, ['y'], { maxFoldElements: 4 })[0]!.value).toBeUndefined();
    expect(native('Reshape', [t([2, 3]), i64(3, 2)])).toEqual({ op: 'Reshape', attrs: {}, inputs: [0] });
    expect(() => native('Reshape', [t([2, 3]), t([2], 'int64')])).toThrow(UnsupportedError);
  });
});

describe('unknown inputs', () => {
  it('refuses a node whose named input is unknown, and rejects an absent required input', () => {
    expect(() => OPS.Reshape!.infer(node('Reshape', ['x', 's']), [undefined, i64(2)], CTX)).toThrow(UnsupportedError);
    expect(() => OPS.Reshape!.infer(node('Reshape', ['', 's']), [undefined, i64(2)], CTX)).toThrow(ShapeError);
    expect(() => OPS.Concat!.infer(node('Concat', ['a', 'b'], { axis: 0 }), [t([2]), undefined], CTX)).toThrow(UnsupportedError);
  });
});

describe('Flatten, Squeeze, Unsqueeze', () => {
  it('flattens with symbolic dims', () => {
    expect(out('Flatten', [t(['batch', 512, 1, 1])], { axis: 1 }).shape).toEqual(['batch', 512]);
    expect(out('Flatten', [t([2, 3, 4])], { axis: 0 }).shape).toEqual([1, 24]);
    expect(out('Flatten', [t([2, 3, 4])], { axis: 3 }).shape).toEqual([24, 1]);
    expect(out('Flatten', [t([2, 3, 4])], { axis: -1 }).shape).toEqual([6, 4]);
    expect(native('Flatten', [t([2, 3, 4])], { axis: 1 })).toEqual({ op: 'Reshape', attrs: {}, inputs: [0] });
  });

  it('makes the axes attribute (before opset 13) a constant input 1, and passes the input through from 13', () => {
    const values = new Map<string, TensorInfo>([['x', t(['n', 1, 5, 1])], ['ax', i64(-1)], ['dyn', t([1], 'int64')]]);
    const axesOf = (n: Node) => vals(values.get(n.inputs[1]!)!);
    let [n] = parse(shape.Squeeze, 'Squeeze', ['x'], values, { axes: [1] }, ['y'], 11);
    expect(n!.attrs).toEqual({});
    expect(n!.inputs[0]).toBe('x');
    expect(axesOf(n!)).toEqual([1]);
    expect(values.get('y')!.shape).toEqual(['n', 5, 1]);
    [n] = parse(shape.Squeeze, 'Squeeze', ['x', 'ax'], values, {}, ['y'], 13);
    expect(n).toMatchObject({ inputs: ['x', 'ax'], attrs: {} });
    expect(values.get('y')!.shape).toEqual(['n', 1, 5]);
    // Squeeze-1/11 without axes: no input 1 (every 1 goes)
    [n] = parse(shape.Squeeze, 'Squeeze', ['x'], values, {}, ['y'], 7);
    expect(n!.inputs).toEqual(['x']);
    [n] = parse(shape.Unsqueeze, 'Unsqueeze', ['x'], values, { axes: [0, -1] }, ['y'], 12);
    expect(axesOf(n!)).toEqual([0, -1]);
    expect(values.get('y')!.shape).toEqual([1, 'n', 1, 5, 1, 1]);
    [n] = parse(shape.Unsqueeze, 'Unsqueeze', ['x', 'ax'], values, {}, ['y'], 21);
    expect(n).toMatchObject({ inputs: ['x', 'ax'], attrs: {} });
    expect(values.get('y')!.shape).toEqual(['n', 1, 5, 1, 1]);
    expect(() => parse(shape.Unsqueeze, 'Unsqueeze', ['x'], values, {}, ['y'], 13)).toThrow(ModelError);
    expect(() => parse(shape.Unsqueeze, 'Unsqueeze', ['x'], values, {}, ['y'], 7)).toThrow(ModelError);
    // the wrong form for the opset is refused
    expect(() => parse(shape.Unsqueeze, 'Unsqueeze', ['x', 'ax'], values, { axes: [0] }, ['y'], 11)).toThrow(UnsupportedError);
    expect(() => parse(shape.Squeeze, 'Squeeze', ['x', 'ax'], values, { axes: [1] }, ['y'], 13)).toThrow(UnsupportedError);
  });

  it('keeps axes that are not constant at import as an input (rank known from their count)', () => {
    const values = new Map<string, TensorInfo>([['x', t(['n', 1, 5, 1])], ['dyn', t([2], 'int64')], ['any', t(undefined, 'int64')], ['s', t([], 'float32')]]);
    let [n] = parse(shape.Squeeze, 'Squeeze', ['x', 'dyn'], values, {}, ['y'], 13);
    expect(n!.inputs).toEqual(['x', 'dyn']);
    const sq = values.get('y')!.shape!;
    expect(sq).toHaveLength(2);
    expect(sq.every((d) => typeof d === 'string')).toBe(true);
    [n] = parse(shape.Unsqueeze, 'Unsqueeze', ['x', 'dyn'], values, {}, ['y'], 13);
    expect(n!.inputs).toEqual(['x', 'dyn']);
    expect(values.get('y')!.shape).toHaveLength(6);
    // a scalar unsqueezed by 2 unknown axes is [1, 1] whatever the axes
    parse(shape.Unsqueeze, 'Unsqueeze', ['s', 'dyn'], values, {}, ['y'], 13);
    expect(values.get('y')!.shape).toEqual([1, 1]);
    // axes of unknown length: rank unknown
    parse(shape.Unsqueeze, 'Unsqueeze', ['x', 'any'], values, {}, ['y'], 13);
    expect(values.get('y')!.shape).toBeUndefined();
    parse(shape.Squeeze, 'Squeeze', ['x', 'any'], values, {}, ['y'], 13);
    expect(values.get('y')!.shape).toBeUndefined();
    // the plan knows the value: shapes are concrete, native() is a Reshape
    expect(out('Unsqueeze', [t([2, 3]), i64(0, 3)]).shape).toEqual([1, 2, 3, 1]);
    expect(native('Unsqueeze', [t([2, 3]), i64(0, 3)])).toEqual({ op: 'Reshape', attrs: {}, inputs: [0] });
    expect(() => native('Unsqueeze', [t([2, 3]), t([2], 'int64')])).toThrow(UnsupportedError);
    expect(() => native('Squeeze', [t([2, 1]), t([1], 'int64')])).toThrow(UnsupportedError);
    expect(() => out('Squeeze', [t([2, 1]), t([3], 'int64')])).toThrow(ShapeError);
  });

  it('declares the value inputs of every shape-like operand', () => {
    const vi = (op: string) => OPS[op]!.valueInputs;
    expect(vi('Reshape')).toEqual([1]);
    expect(vi('Squeeze')).toEqual([1]);
    expect(vi('Unsqueeze')).toEqual([1]);
    expect(vi('Split')).toEqual([1]);
    expect(vi('Slice')).toEqual([1, 2, 3, 4]);
    expect(vi('Expand')).toEqual([1]);
    expect(vi('Tile')).toEqual([1]);
    expect(vi('Pad')).toEqual([1, 2, 3]);
    expect(vi('ConstantOfShape')).toEqual([0]);
    expect(vi('Range')).toEqual([0, 1, 2]);
    for (const op of ['Flatten', 'Transpose', 'Concat', 'Gather', 'Shape', 'Size']) expect(vi(op)).toBeUndefined();
  });

  it('squeezes every 1 without axes (unknown while a dim is symbolic)', () => {
    expect(out('Squeeze', [t([1, 3, 1, 4])]).shape).toEqual([3, 4]);
    expect(out('Squeeze', [t(['n', 3, 1])]).shape).toBeUndefined();
    expect(() => out('Squeeze', [t([2, 3]), i64(0)])).toThrow(ShapeError);
    expect(out('Squeeze', [i64(7), i64(0)]).value!.dims).toEqual([]);
    // empty axes squeeze every 1, as onnxruntime reads them
    expect(out('Squeeze', [t([1, 3, 1]), c(int64Const([]))]).shape).toEqual([3]);
    // the attribute form is not the core form
    expect(() => out('Squeeze', [t([1, 3])], { axes: [0] })).toThrow(ShapeError);
  });

  it('unsqueezes scalars and folds', () => {
    const r = out('Unsqueeze', [c(scalarConst('int64', 5)), i64(0)]);
    expect(r.shape).toEqual([1]);
    expect(r.value!.data).toEqual(BigInt64Array.from([5n]));
    expect(() => out('Unsqueeze', [t([2]), i64(0, 0)])).toThrow(ShapeError);
    expect(() => out('Unsqueeze', [t([2])])).toThrow(ShapeError);
    expect(native('Unsqueeze', [t([2]), i64(1)])).toEqual({ op: 'Reshape', attrs: {}, inputs: [0] });
    expect(native('Squeeze', [t([2, 1]), i64(1)])).toEqual({ op: 'Reshape', attrs: {}, inputs: [0] });
  });
});

describe('Transpose and Concat', () => {
  it('transposes with the default reversed perm and folds', () => {
    const r = out('Transpose', [f32([2, 3])]);
    expect(r.shape).toEqual([3, 2]);
    expect(vals(r)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(out('Transpose', [t(['b', 3, 4])], { perm: [0, 2, 1] }).shape).toEqual(['b', 4, 3]);
    const r3 = out('Transpose', [f32([2, 3, 4])], { perm: [1, 2, 0] });
    expect(r3.shape).toEqual([3, 4, 2]);
    expect(vals(r3).slice(0, 4)).toEqual([0, 12, 1, 13]);
    expect(() => out('Transpose', [t([2, 3])], { perm: [0, 0] })).toThrow(ShapeError);
    expect(native('Transpose', [t([2, 3, 4])])).toEqual({ op: 'Transpose', attrs: { perm: [2, 1, 0] }, inputs: [0] });
  });

  it('concatenates shapes and values', () => {
    expect(out('Concat', [t(['b', 3]), t(['b', 5])], { axis: -1 }).shape).toEqual(['b', 8]);
    expect(typeof out('Concat', [t(['b', 3]), t(['c', 3])], { axis: 0 }).shape![0]).toBe('string');
    expect(() => out('Concat', [t([2, 3]), t([3, 3])], { axis: 1 })).toThrow(ShapeError);
    const r = out('Concat', [f32([2, 1], [1, 2]), f32([2, 2], [3, 4, 5, 6])], { axis: 1 });
    expect(vals(r)).toEqual([1, 3, 4, 2, 5, 6]);
    const s = out('Concat', [big(INT64_MIN), i64(-1, 64)], { axis: 0 });
    expect(s.value!.data).toEqual(BigInt64Array.from([INT64_MIN, -1n, 64n]));
    expect(native('Concat', [t([2, 3]), t([2, 5])], { axis: -1 })).toEqual({ op: 'Concat', attrs: { axis: 1 }, inputs: [0, 1] });
  });
});

describe('Split', () => {
  it('splits with the split attribute before opset 13', () => {
    const values = new Map<string, TensorInfo>([['x', f32([5, 2])]]);
    const [n] = parse(shape.Split, 'Split', ['x'], values, { split: [2, 3] }, ['a', 'b'], 11);
    expect(n!.inputs).toHaveLength(2);
    expect(values.get('a')!.shape).toEqual([2, 2]);
    expect(vals(values.get('b')!)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('splits equally without split, with the split input, and with num_outputs (18)', () => {
    const values = new Map<string, TensorInfo>([['x', t(['n', 6])], ['s', i64(1, 5)], ['z', t([7, 2])]]);
    parse(shape.Split, 'Split', ['x'], values, { axis: 1 }, ['a', 'b', 'c'], 13);
    expect(['a', 'b', 'c'].map((o) => values.get(o)!.shape)).toEqual([['n', 2], ['n', 2], ['n', 2]]);
    parse(shape.Split, 'Split', ['x', 's'], values, { axis: -1 }, ['a', 'b'], 13);
    expect(['a', 'b'].map((o) => values.get(o)!.shape)).toEqual([['n', 1], ['n', 5]]);
    const [n] = parse(shape.Split, 'Split', ['z'], values, { num_outputs: 3 }, ['a', 'b', 'c'], 18);
    expect(n!.attrs).toEqual({ axis: 0, num_outputs: 3 });
    expect(['a', 'b', 'c'].map((o) => values.get(o)!.shape)).toEqual([[3, 2], [3, 2], [1, 2]]);
    expect(() => parse(shape.Split, 'Split', ['z'], values, {}, ['a', 'b'], 13)).toThrow(ShapeError);
    expect(() => parse(shape.Split, 'Split', ['x', 's'], values, { axis: 1 }, ['a', 'b', 'c'], 13)).toThrow(ShapeError);
  });

  it('resolves native() with a non-negative axis and no split input', () => {
    expect(native('Split', [t([2, 6]), i64(2, 4)], { axis: -1 }, ['a', 'b'])).toEqual({ op: 'Split', attrs: { axis: 1 }, inputs: [0] });
  });
});

describe('Slice', () => {
  const x10 = f32([10]);
  const slice = (x: TensorInfo, starts: TensorInfo, ends: TensorInfo, axes?: TensorInfo, steps?: TensorInfo) => out('Slice', [x, starts, ends, axes, steps]);

  it('clamps starts and ends, including INT64_MAX / INT64_MIN', () => {
    expect(vals(slice(x10, i64(2), big(INT64_MAX)))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(vals(slice(x10, i64(-3), i64(100)))).toEqual([7, 8, 9]);
    expect(vals(slice(x10, big(INT64_MIN), i64(2)))).toEqual([0, 1]);
    expect(slice(x10, i64(5), i64(2)).shape).toEqual([0]);
    expect(vals(slice(x10, i64(1), i64(-1), undefined, i64(3)))).toEqual([1, 4, 7]);
  });

  it('handles negative steps', () => {
    expect(vals(slice(x10, i64(-1), big(INT64_MIN), i64(0), i64(-1)))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(vals(slice(x10, i64(8), i64(1), i64(0), i64(-3)))).toEqual([8, 5, 2]);
    expect(vals(slice(x10, i64(20), i64(0), i64(0), i64(-4)))).toEqual([9, 5, 1]);
    expect(vals(slice(x10, big(INT64_MAX), i64(-11), i64(-1), i64(-2)))).toEqual([9, 7, 5, 3, 1]);
    expect(slice(x10, i64(0), i64(5), i64(0), i64(-1)).shape).toEqual([0]);
  });

  it('slices chosen axes and keeps symbolic dims when slicing everything', () => {
    const r = slice(f32([3, 4]), i64(1, 3), i64(3, 0), i64(0, 1), i64(1, -1));
    expect(r.shape).toEqual([2, 3]);
    expect(vals(r)).toEqual([7, 6, 5, 11, 10, 9]);
    expect(slice(t(['b', 10]), i64(0, 2), big(INT64_MAX, 5n), i64(0, 1)).shape).toEqual(['b', 3]);
    expect(slice(t(['b', 10]), i64(-1), big(INT64_MIN), i64(0), i64(-1)).shape).toEqual(['b', 10]);
    const u = slice(t(['b', 10]), i64(1), i64(3), i64(0)).shape!;
    expect(u[0]).not.toBe('b');
    expect(u[1]).toBe(10);
    // starts not constant: only the named axes are unknown
    const d = out('Slice', [t(['b', 10, 4]), t([1], 'int64'), t([1], 'int64'), i64(1)]);
    expect(d.shape![0]).toBe('b');
    expect(d.shape![2]).toBe(4);
    expect(() => slice(x10, i64(0), i64(1), i64(0), i64(0))).toThrow(ShapeError);
  });

  it('gives native() one start and step per input axis', () => {
    expect(native('Slice', [t([2, 10, 3]), i64(-1), big(INT64_MIN), i64(1), i64(-2)])).toEqual({
      op: 'Slice', attrs: { starts: [0, 9, 0], steps: [1, -2, 1] }, inputs: [0],
    });
    expect(native('Slice', [t([4, 5]), i64(1, -10), i64(3, 4)])).toEqual({ op: 'Slice', attrs: { starts: [1, 0], steps: [1, 1] }, inputs: [0] });
    expect(() => native('Slice', [t([4]), t([1], 'int64'), i64(3)])).toThrow(UnsupportedError);
  });

  it('parses Slice inputs, dropping absent trailing ones', () => {
    const values = new Map<string, TensorInfo>([['x', x10], ['s', i64(1)], ['e', i64(4)]]);
    const [n] = parse(shape.Slice, 'Slice', ['x', 's', 'e', '', ''], values);
    expect(n!.inputs).toEqual(['x', 's', 'e']);
    expect(vals(values.get('y')!)).toEqual([1, 2, 3]);
  });
});

describe('Gather', () => {
  it('folds scalar indices into rank-1 lower results, exactly for int64', () => {
    const shp = big(2n, INT64_MAX, 4n);
    const r = out('Gather', [shp, c(scalarConst('int64', 1))]);
    expect(r.shape).toEqual([]);
    expect(r.value!.data).toEqual(BigInt64Array.from([INT64_MAX]));
    const neg = out('Gather', [shp, c(scalarConst('int64', -1))]);
    expect(neg.value!.data).toEqual(BigInt64Array.from([4n]));
    expect(() => out('Gather', [shp, c(scalarConst('int64', 3))])).toThrow(ShapeError);
  });

  it('computes shapes along an axis and folds matrices', () => {
    expect(out('Gather', [t(['b', 5, 7]), t([2, 3], 'int64')], { axis: 1 }).shape).toEqual(['b', 2, 3, 7]);
    const r = out('Gather', [f32([2, 3]), c(fromNumbers('int32', [2], [2, 0]))], { axis: 1 });
    expect(r.shape).toEqual([2, 2]);
    expect(vals(r)).toEqual([2, 0, 5, 3]);
    expect(native('Gather', [t([2, 3]), t([4], 'int64')], { axis: -1 })).toEqual({ op: 'Gather', attrs: { axis: 1 }, inputs: [0, 1] });
  });

  it('removes the PyTorch Shape → Gather → Unsqueeze → Concat → Reshape chain when shapes are concrete', () => {
    const run = (xShape: Shape) => {
      const values = new Map<string, TensorInfo>([['x', t(xShape)], ['i0', c(scalarConst('int64', 0))], ['m1', i64(-1)]]);
      parse(shape.Shape, 'Shape', ['x'], values, {}, ['s']);
      parse(shape.Gather, 'Gather', ['s', 'i0'], values, { axis: 0 }, ['g']);
      parse(shape.Unsqueeze, 'Unsqueeze', ['g'], values, { axes: [0] }, ['u'], 11);
      parse(shape.Concat, 'Concat', ['u', 'm1'], values, { axis: 0 }, ['cat']);
      parse(shape.Reshape, 'Reshape', ['x', 'cat'], values, {}, ['y']);
      return values;
    };
    const concrete = run([3, 4, 5]);
    expect(concrete.get('cat')!.value!.data).toEqual(BigInt64Array.from([3n, -1n]));
    expect(concrete.get('y')!.shape).toEqual([3, 20]);
    const symbolic = run(['batch', 4, 5]);
    expect(symbolic.get('s')).toEqual({ type: 'int64', shape: [3], value: undefined });
    expect(symbolic.get('cat')!.shape).toEqual([2]);
    expect(symbolic.get('y')!.shape).toHaveLength(2);
  });
});

describe('Expand, Tile, Pad', () => {
  it('expands bidirectionally and folds', () => {
    expect(out('Expand', [t(['b', 1, 4]), i64(3, 1)]).shape).toEqual(['b', 3, 4]);
    expect(out('Expand', [t([3, 1]), i64(2, 1, 6)]).shape).toEqual([2, 3, 6]);
    expect(() => out('Expand', [t([3, 2]), i64(4)])).toThrow(ShapeError);
    const r = out('Expand', [f32([2, 1], [1, 2]), i64(2, 3)]);
    expect(vals(r)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(out('Expand', [t([5, 1]), t([3], 'int64')]).shape).toHaveLength(3);
    expect(native('Expand', [t([2, 1]), i64(2, 3)])).toEqual({ op: 'Expand', attrs: {}, inputs: [0] });
  });

  it('tiles and folds', () => {
    const r = out('Tile', [f32([2], [1, 2]), i64(3)]);
    expect(vals(r)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(out('Tile', [t(['b', 2]), i64(1, 2)]).shape).toEqual(['b', 4]);
    expect(native('Tile', [t([2]), i64(3)])).toEqual({ op: 'Tile', attrs: {}, inputs: [0] });
  });

  it('pads in every mode, with negative pads and axes', () => {
    const x = f32([3], [1, 2, 3]);
    const p = (mode: string, pads: number[], value?: TensorInfo) => vals(out('Pad', [x, i64(...pads), value], { mode }));
    expect(p('constant', [2, 2], c(scalarConst('float32', 9)))).toEqual([9, 9, 1, 2, 3, 9, 9]);
    expect(p('reflect', [2, 2])).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(p('edge', [2, 2])).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(p('wrap', [2, 2])).toEqual([2, 3, 1, 2, 3, 1, 2]);
    expect(p('constant', [-1, 1])).toEqual([2, 3, 0]);
    expect(out('Pad', [t(['b', 4]), i64(1, 2), undefined, i64(-1)]).shape).toEqual(['b', 7]);
    expect(native('Pad', [t([2, 4]), i64(1, 2), c(scalarConst('float32', 0.5)), i64(-1)], { mode: 'reflect' })).toEqual({
      op: 'Pad', attrs: { mode: 'reflect', pads: [0, 1, 0, 2], value: 0.5 }, inputs: [0],
    });
    expect(native('Pad', [t([2]), i64(1, 1)])).toEqual({ op: 'Pad', attrs: { mode: 'constant', pads: [1, 1], value: 0 }, inputs: [0] });
    expect(() => native('Pad', [t([2]), t([2], 'int64')])).toThrow(UnsupportedError);
    expect(() => out('Pad', [t([2]), i64(-2, -1)])).toThrow(ShapeError);
  });
});

describe('Shape, Size, Constant, ConstantOfShape, Range', () => {
  it('Shape folds concrete dims and honours start/end (opset 15)', () => {
    expect(out('Shape', [t([2, 3, 4])]).value!.data).toEqual(BigInt64Array.from([2n, 3n, 4n]));
    expect(vals(out('Shape', [t([2, 3, 4])], { start: -2 }))).toEqual([3, 4]);
    expect(vals(out('Shape', [t([2, 3, 4])], { start: 1, end: -1 }))).toEqual([3]);
    expect(out('Shape', [t([2, 3, 4])], { start: 2, end: 1 }).shape).toEqual([0]);
    expect(vals(out('Shape', [t(['batch', 3, 4])], { start: 1 }))).toEqual([3, 4]);
    expect(out('Shape', [t(['batch', 3, 4])])).toEqual({ type: 'int64', shape: [3], value: undefined });
    const values = new Map<string, TensorInfo>([['x', t([2, 3, 4])]]);
    expect(parse(shape.Shape, 'Shape', ['x'], values, { start: 1 }, ['y'], 15)[0]!.attrs).toEqual({ start: 1 });
    expect(parse(shape.Shape, 'Shape', ['x'], values, {}, ['y'], 14)[0]!.attrs).toEqual({});
    // start/end do not exist before Shape-15
    expect(() => parse(shape.Shape, 'Shape', ['x'], values, { start: 1 }, ['y'], 14)).toThrow(UnsupportedError);
    expect(() => native('Shape', [t(['b'])])).toThrow(UnsupportedError);
  });

  it('Size folds concrete dims', () => {
    expect(out('Size', [t([2, 3, 4])]).value!.data).toEqual(BigInt64Array.from([24n]));
    expect(out('Size', [t(['b', 3])])).toEqual({ type: 'int64', shape: [], value: undefined });
  });

  it('Constant makes a constant from each attribute form', () => {
    const values = new Map<string, TensorInfo>();
    expect(parse(shape.Constant, 'Constant', [], values, { value_ints: [1, -1] })).toEqual([]);
    expect(values.get('y')!.value!.data).toEqual(BigInt64Array.from([1n, -1n]));
    parse(shape.Constant, 'Constant', [], values, { value_float: 0.5 });
    expect(values.get('y')).toMatchObject({ type: 'float32', shape: [] });
    parse(shape.Constant, 'Constant', [], values, { value: fromNumbers('int32', [2], [3, 4]) });
    expect(values.get('y')).toMatchObject({ type: 'int32', shape: [2] });
    expect(() => parse(shape.Constant, 'Constant', [], values, { value_string: 'a' })).toThrow(UnsupportedError);
  });

  it('ConstantOfShape fills the shape with the value', () => {
    const r = out('ConstantOfShape', [i64(2, 3)]);
    expect(r.type).toBe('float32');
    expect(vals(r)).toEqual([0, 0, 0, 0, 0, 0]);
    const n = out('ConstantOfShape', [i64(2)], { value: fromNumbers('int64', [1], [7]) });
    expect(n.value!.data).toEqual(BigInt64Array.from([7n, 7n]));
    expect(out('ConstantOfShape', [t([3], 'int64')]).shape).toHaveLength(3);
    expect(native('ConstantOfShape', [i64(2)], { value: fromNumbers('int32', [1], [-4]) })).toEqual({ op: 'ConstantOfShape', attrs: { value: -4 }, inputs: [] });
    const values = new Map<string, TensorInfo>([['s', i64(2)]]);
    expect(parse(shape.ConstantOfShape, 'ConstantOfShape', ['s'], values)[0]!.attrs.value).toMatchObject({ type: 'float32', dims: [1] });
  });

  it('Range computes lengths max(ceil((limit−start)/delta), 0)', () => {
    const r = (s: number, l: number, d: number, type: 'int64' | 'float32' | 'int32' = 'int64') =>
      out('Range', [c(scalarConst(type, s)), c(scalarConst(type, l)), c(scalarConst(type, d))]);
    expect(vals(r(0, 10, 3))).toEqual([0, 3, 6, 9]);
    expect(vals(r(10, 0, -3))).toEqual([10, 7, 4, 1]);
    expect(r(0, -1, 1).shape).toEqual([0]);
    expect(r(5, 5, 1).shape).toEqual([0]);
    expect(r(1, 2, 0.25 as number, 'float32').shape).toEqual([4]);
    expect(r(0, 1, 0.3, 'float32').shape).toEqual([4]);
    expect(r(0, 10, 3).value!.data).toBeInstanceOf(BigInt64Array);
    expect(() => r(0, 1, 0)).toThrow(ShapeError);
    const sym = out('Range', [c(scalarConst('int64', 0)), t([], 'int64'), c(scalarConst('int64', 1))]);
    expect(sym.shape).toHaveLength(1);
    expect(sym.value).toBeUndefined();
    expect(native('Range', [c(scalarConst('int32', 2)), c(scalarConst('int32', 9)), c(scalarConst('int32', 3))])).toEqual({
      op: 'Range', attrs: { start: 2, delta: 3 }, inputs: [],
    });
  });
});

describe('older opsets (7–10) and operators newer than the model', () => {
  it('Pad-2 (opset < 11): pads/value attributes become constant inputs', () => {
    const values = new Map<string, TensorInfo>([['x', f32([3], [1, 2, 3])], ['xi', c(int64Const([4, 5]))]]);
    const [n] = parse(shape.Pad, 'Pad', ['x'], values, { pads: [1, 2], value: 7.5 }, ['y'], 7);
    expect(n!.attrs).toEqual({ mode: 'constant' });
    expect(n!.inputs).toHaveLength(3);
    expect(vals(values.get(n!.inputs[1]!)!)).toEqual([1, 2]);
    expect(vals(values.get('y')!)).toEqual([7.5, 1, 2, 3, 7.5, 7.5]);
    parse(shape.Pad, 'Pad', ['x'], values, { pads: [1, 1], mode: 'reflect' }, ['y'], 10);
    expect(vals(values.get('y')!)).toEqual([2, 1, 2, 3, 2]);
    // the value follows the input's element type
    parse(shape.Pad, 'Pad', ['xi'], values, { pads: [0, 1], value: 3 }, ['y'], 9);
    expect(values.get('y')!.value!.data).toEqual(BigInt64Array.from([4n, 5n, 3n]));
    expect(() => parse(shape.Pad, 'Pad', ['x'], values, {}, ['y'], 10)).toThrow(ModelError);
    expect(() => parse(shape.Pad, 'Pad', ['x', 'p'], values, { pads: [1, 1] }, ['y'], 10)).toThrow(UnsupportedError);
    // Pad-11+: the attributes are gone, axes (input 3) is from 18
    values.set('p', i64(1, 1));
    expect(() => parse(shape.Pad, 'Pad', ['x', 'p'], values, { pads: [1, 1] }, ['y'], 11)).toThrow(UnsupportedError);
    expect(() => parse(shape.Pad, 'Pad', ['x', 'p', '', 'ax'], values, {}, ['y'], 13)).toThrow(UnsupportedError);
  });

  it('Pad-11+: pads computed at run time stay an input (rank kept, axes known keep the other dims)', () => {
    const values = new Map<string, TensorInfo>([['x', t(['n', 4, 5])], ['p', t([2], 'int64')], ['ax', i64(1)], ['p6', t([6], 'int64')]]);
    const [n] = parse(shape.Pad, 'Pad', ['x', 'p', '', 'ax'], values, { mode: 'edge' }, ['y'], 18);
    expect(n!.inputs).toEqual(['x', 'p', '', 'ax']);
    const s = values.get('y')!.shape!;
    expect(s[0]).toBe('n');
    expect(typeof s[1]).toBe('string');
    expect(s[2]).toBe(5);
    parse(shape.Pad, 'Pad', ['x', 'p6'], values, {}, ['y'], 11);
    expect(values.get('y')!.shape).toHaveLength(3);
    // at plan time the value is known
    expect(out('Pad', [t([2, 4, 5]), i64(1, 2), undefined, i64(1)]).shape).toEqual([2, 7, 5]);
  });

  it('Slice-1 (opset < 10): starts/ends/axes attributes become constant inputs; no inputs beyond data', () => {
    const values = new Map<string, TensorInfo>([['x', f32([3, 4])]]);
    const [n] = parse(shape.Slice, 'Slice', ['x'], values, { starts: [1, 0], ends: [3, -1] }, ['y'], 7);
    expect(n!.inputs).toHaveLength(3);
    expect(values.get('y')!.shape).toEqual([2, 3]);
    const [m] = parse(shape.Slice, 'Slice', ['x'], values, { starts: [1], ends: [1000], axes: [1] }, ['y'], 9);
    expect(m!.inputs).toHaveLength(4);
    expect(vals(values.get('y')!)).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11]);
    expect(() => parse(shape.Slice, 'Slice', ['x'], values, { ends: [1] }, ['y'], 9)).toThrow(ModelError);
    values.set('s', i64(0));
    expect(() => parse(shape.Slice, 'Slice', ['x', 's', 's'], values, { starts: [0], ends: [1] }, ['y'], 9)).toThrow(UnsupportedError);
    expect(() => parse(shape.Slice, 'Slice', ['x', 's', 's'], values, { starts: [0] }, ['y'], 10)).toThrow(UnsupportedError);
  });

  it('Slice-10+: starts/ends computed at run time stay inputs', () => {
    const values = new Map<string, TensorInfo>([['x', t(['b', 10, 4])], ['st', t([1], 'int64')], ['en', t([1], 'int64')], ['ax', i64(1)]]);
    const [n] = parse(shape.Slice, 'Slice', ['x', 'st', 'en', 'ax'], values, {}, ['y'], 10);
    expect(n!.inputs).toEqual(['x', 'st', 'en', 'ax']);
    const s = values.get('y')!.shape!;
    expect([s[0], s[2]]).toEqual(['b', 4]);
  });

  it('Split-2 (opset < 13): the split attribute, and no split input', () => {
    const values = new Map<string, TensorInfo>([['x', t(['n', 6])], ['s', i64(2, 4)]]);
    const [n] = parse(shape.Split, 'Split', ['x'], values, { axis: 1, split: [2, 4] }, ['a', 'b'], 7);
    expect(vals(values.get(n!.inputs[1]!)!)).toEqual([2, 4]);
    expect(values.get('b')!.shape).toEqual(['n', 4]);
    parse(shape.Split, 'Split', ['x'], values, { axis: 1 }, ['a', 'b', 'c'], 8);
    expect(values.get('c')!.shape).toEqual(['n', 2]);
    expect(() => parse(shape.Split, 'Split', ['x', 's'], values, { axis: 1 }, ['a', 'b'], 10)).toThrow(UnsupportedError);
    expect(() => parse(shape.Split, 'Split', ['x'], values, { axis: 1, split: [2, 4] }, ['a', 'b'], 13)).toThrow(UnsupportedError);
    expect(() => parse(shape.Split, 'Split', ['x'], values, { axis: 1, num_outputs: 2 }, ['a', 'b'], 17)).toThrow(UnsupportedError);
    // split sizes computed at run time: an input; the sizes are unknown until the plan
    values.set('dyn', t([2], 'int64'));
    const [d] = parse(shape.Split, 'Split', ['x', 'dyn'], values, { axis: 1 }, ['a', 'b'], 13);
    expect(d!.inputs).toEqual(['x', 'dyn']);
    expect(values.get('a')!.shape![0]).toBe('n');
    expect(typeof values.get('a')!.shape![1]).toBe('string');
  });

  it('Reshape-5, Tile-6, Expand-8, Flatten, Concat-4, Gather-1, Transpose-1, Shape-1, Size-1 at opset 7–10', () => {
    const values = new Map<string, TensorInfo>([['x', f32([2, 3])], ['s', i64(3, 2)], ['r', i64(2, 1)], ['dyn', t([2], 'int64')], ['i', i64(1)]]);
    parse(shape.Reshape, 'Reshape', ['x', 's'], values, {}, ['y'], 7);
    expect(values.get('y')!.shape).toEqual([3, 2]);
    const [rd] = parse(shape.Reshape, 'Reshape', ['x', 'dyn'], values, {}, ['y'], 7);
    expect(rd!.inputs).toEqual(['x', 'dyn']);
    expect(values.get('y')!.shape).toHaveLength(2);
    expect(() => parse(shape.Reshape, 'Reshape', ['x', 's'], values, { allowzero: 1 }, ['y'], 13)).toThrow(UnsupportedError);
    expect(parse(shape.Reshape, 'Reshape', ['x', 's'], values, { allowzero: 0 }, ['y'], 13)[0]!.attrs).toEqual({ allowzero: 0 });
    parse(shape.Tile, 'Tile', ['x', 'r'], values, {}, ['y'], 7);
    expect(values.get('y')!.shape).toEqual([4, 3]);
    parse(shape.Expand, 'Expand', ['x', 'r'], values, {}, ['y'], 8);
    expect(values.get('y')!.shape).toEqual([2, 3]);
    expect(() => parse(shape.Expand, 'Expand', ['x', 'r'], values, {}, ['y'], 7)).toThrow(UnsupportedError);
    parse(shape.Flatten, 'Flatten', ['x'], values, { axis: 0 }, ['y'], 7);
    expect(values.get('y')!.shape).toEqual([1, 6]);
    parse(shape.Concat, 'Concat', ['x', 'x'], values, { axis: 1 }, ['y'], 7);
    expect(values.get('y')!.shape).toEqual([2, 6]);
    expect(() => parse(shape.Concat, 'Concat', ['x', 'x'], values, {}, ['y'], 7)).toThrow(ModelError);
    parse(shape.Gather, 'Gather', ['x', 'i'], values, { axis: 1 }, ['y'], 7);
    expect(vals(values.get('y')!)).toEqual([1, 4]);
    parse(shape.Transpose, 'Transpose', ['x'], values, {}, ['y'], 7);
    expect(values.get('y')!.shape).toEqual([3, 2]);
    parse(shape.Shape, 'Shape', ['x'], values, {}, ['y'], 7);
    expect(vals(values.get('y')!)).toEqual([2, 3]);
    parse(shape.Size, 'Size', ['x'], values, {}, ['y'], 7);
    expect(vals(values.get('y')!)).toEqual([6]);
  });

  it('Constant-9: only value (sparse_value from 11, value_* from 12); ConstantOfShape from 9, Range from 11', () => {
    const values = new Map<string, TensorInfo>([['s', i64(2)], ['dyn', t([2], 'int64')]]);
    parse(shape.Constant, 'Constant', [], values, { value: fromNumbers('float32', [2], [1, 2]) }, ['y'], 9);
    expect(vals(values.get('y')!)).toEqual([1, 2]);
    expect(() => parse(shape.Constant, 'Constant', [], values, { value_float: 1 }, ['y'], 11)).toThrow(UnsupportedError);
    expect(() => parse(shape.Constant, 'Constant', [], values, { value_ints: [1] }, ['y'], 9)).toThrow(UnsupportedError);
    expect(() => parse(shape.Constant, 'Constant', [], values, { sparse_value: fromNumbers('float32', [1], [1]) }, ['y'], 10)).toThrow(UnsupportedError);
    parse(shape.Constant, 'Constant', [], values, { value_ints: [1] }, ['y'], 12);
    expect(vals(values.get('y')!)).toEqual([1]);
    parse(shape.ConstantOfShape, 'ConstantOfShape', ['s'], values, {}, ['y'], 9);
    expect(vals(values.get('y')!)).toEqual([0, 0]);
    // a shape computed at run time stays an input: rank from its length
    const [n] = parse(shape.ConstantOfShape, 'ConstantOfShape', ['dyn'], values, {}, ['y'], 9);
    expect(n!.inputs).toEqual(['dyn']);
    expect(values.get('y')!.shape).toHaveLength(2);
    expect(() => parse(shape.ConstantOfShape, 'ConstantOfShape', ['s'], values, {}, ['y'], 8)).toThrow(UnsupportedError);
    values.set('a', c(scalarConst('int64', 0)));
    values.set('b', t([], 'int64'));
    const [r] = parse(shape.Range, 'Range', ['a', 'b', 'a'], values, {}, ['y'], 11);
    expect(r!.inputs).toEqual(['a', 'b', 'a']);
    expect(values.get('y')!.shape).toHaveLength(1);
    expect(() => parse(shape.Range, 'Range', ['a', 'b', 'a'], values, {}, ['y'], 10)).toThrow(UnsupportedError);
  });
});

describe('plans specialise on graph inputs that reach a value input', () => {
  const graph = (nodes: Node[], inputs: [string, TensorInfo['type'], Shape][]): Graph => ({
    inputs: inputs.map(([name, type, s]) => ({ name, type, shape: s })),
    outputs: [{ name: 'y', type: 'float32', shape: undefined }],
    nodes,
    constants: new Map([['one', int64Const([1])]]),
    opset: 13,
    meta: { producer: '', irVersion: 8, opsetImports: {} },
  });

  it('finds them through chains of nodes, but not through Shape', () => {
    const g = graph([
      node('Concat', ['k', 'one'], { axis: 0 }, ['axes']),
      node('Unsqueeze', ['x', 'axes'], {}, ['u']),
      node('Shape', ['z'], {}, ['zs']),
      node('Reshape', ['u', 'zs'], {}, ['y']),
    ], [['x', 'float32', ['n', 3]], ['k', 'int64', [1]], ['z', 'float32', [3, 'n']]]);
    expect([...valueInputsOf(g)]).toEqual(['k']);
    // at import the axes are unknown: the rank is known from their count
    const load = inferShapes(g);
    expect(load.get('u')!.shape).toHaveLength(4);
    // the plan knows k's value
    const plan = inferShapes(g, new Map([['x', [2, 3]], ['z', [3, 2]]]), new Map([['k', int64Const([0])]]));
    expect(plan.get('u')!.shape).toEqual([1, 1, 2, 3]);
    expect(plan.get('y')!.shape).toEqual([3, 2]);
  });

  it('covers Slice, Pad, Tile, Expand, ConstantOfShape, Range and Split operands', () => {
    const g = graph([
      node('Slice', ['x', 's', 'e', 'a', 'st'], {}, ['y1']),
      node('Pad', ['x', 'p', 'v', 'pa'], {}, ['y2']),
      node('Tile', ['x', 'r'], {}, ['y3']),
      node('Expand', ['x', 'es'], {}, ['y4']),
      node('ConstantOfShape', ['cs'], {}, ['y5']),
      node('Range', ['r0', 'r1', 'r2'], {}, ['y6']),
      node('Split', ['x', 'sp'], {}, ['y7', 'y8']),
    ], [['x', 'float32', [4]], ...['s', 'e', 'a', 'st', 'p', 'v', 'pa', 'r', 'es', 'cs', 'r0', 'r1', 'r2', 'sp'].map((n) => [n, 'int64', [1]] as [string, 'int64', Shape])]);
    expect([...valueInputsOf(g)].sort()).toEqual(['a', 'cs', 'e', 'es', 'p', 'pa', 'r', 'r0', 'r1', 'r2', 's', 'sp', 'st', 'v'].sort());
  });
});

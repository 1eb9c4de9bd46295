import { describe, expect, it } from 'vitest';
import { ModelError, ShapeError, UnsupportedError } from '../../src/errors.js';
import type { AttrValue, ConstTensor, Node, Shape, TensorInfo } from '../../src/graph/ir.js';
import * as shapeOps from '../../src/graph/ops/shape.js';
import type { CoreOp } from '../../src/graph/ops/types.js';
import { fromNumbers, int64Const, scalarConst, toNumbers } from '../../src/graph/values.js';
import * as shape from '../../src/onnx/ops/shape.js';
import type { ParseContext, Parser } from '../../src/onnx/ops/types.js';

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

/** A small ParseContext like import's: emitted core nodes run their shape rule at once. */
function parse(parser: Parser, op: string, inputs: string[], values: Map<string, TensorInfo>, attrs: Record<string, AttrValue> = {}, outputs = ['y'], opset = 17) {
  const emitted: Node[] = [];
  let fresh = 0;
  const get = (name: string, def?: unknown) => {
    const v = attrs[name];
    if (v === undefined) {
      if (def === undefined) throw new ModelError(`missing attribute ${name}`);
      return def;
    }
    return v;
  };
  const ctx: ParseContext = {
    opset,
    node: { op, domain: '', name: op, inputs, outputs, attrs: new Map(Object.entries(attrs)) },
    int: (n, d) => get(n, d) as number,
    float: (n, d) => get(n, d) as number,
    ints: (n, d) => get(n, d) as number[],
    floats: (n, d) => get(n, d) as number[],
    string: (n, d) => get(n, d) as string,
    tensor: (n) => attrs[n] as ConstTensor | undefined,
    has: (n) => attrs[n] !== undefined,
    info: (i) => (i === '' ? undefined : values.get(i)),
    constant: (i) => (i === '' ? undefined : values.get(i)?.value),
    setConstant: (o, v) => void values.set(o, c(v)),
    emit: (o, ins, outs, a = {}) => {
      const n: Node = { op: o, name: `${op}/${o}`, inputs: ins, outputs: outs, attrs: a };
      emitted.push(n);
      OPS[o]!.infer(n, ins.map((i) => (i === '' ? undefined : values.get(i))), CTX).forEach((r, k) => values.set(outs[k]!, r));
    },
    addConstant: (v, hint = 'c') => {
      const name = `${hint}#${fresh++}`;
      values.set(name, c(v));
      return name;
    },
    fresh: (h) => `${h}#${fresh++}`,
    unsupported: (r) => {
      throw new UnsupportedError(r);
    },
  };
  parser(ctx);
  return emitted;
}

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

  it('reads axes as an attribute before opset 13 and as a constant input from 13', () => {
    const values = new Map<string, TensorInfo>([['x', t(['n', 1, 5, 1])], ['ax', i64(-1)], ['dyn', t([1], 'int64')]]);
    let [n] = parse(shape.Squeeze, 'Squeeze', ['x'], values, { axes: [1] }, ['y'], 11);
    expect(n!.attrs).toEqual({ axes: [1] });
    expect(values.get('y')!.shape).toEqual(['n', 5, 1]);
    [n] = parse(shape.Squeeze, 'Squeeze', ['x', 'ax'], values, {}, ['y'], 13);
    expect(n).toMatchObject({ inputs: ['x'], attrs: { axes: [-1] } });
    expect(values.get('y')!.shape).toEqual(['n', 1, 5]);
    expect(() => parse(shape.Squeeze, 'Squeeze', ['x', 'dyn'], values, {}, ['y'], 13)).toThrow(UnsupportedError);
    [n] = parse(shape.Unsqueeze, 'Unsqueeze', ['x'], values, { axes: [0, -1] }, ['y'], 12);
    expect(values.get('y')!.shape).toEqual([1, 'n', 1, 5, 1, 1]);
    [n] = parse(shape.Unsqueeze, 'Unsqueeze', ['x', 'ax'], values, {}, ['y'], 21);
    expect(n).toMatchObject({ inputs: ['x'], attrs: { axes: [-1] } });
    expect(values.get('y')!.shape).toEqual(['n', 1, 5, 1, 1]);
    expect(() => parse(shape.Unsqueeze, 'Unsqueeze', ['x'], values, {}, ['y'], 13)).toThrow(ModelError);
  });

  it('squeezes every 1 without axes (unknown while a dim is symbolic)', () => {
    expect(out('Squeeze', [t([1, 3, 1, 4])]).shape).toEqual([3, 4]);
    expect(out('Squeeze', [t(['n', 3, 1])]).shape).toBeUndefined();
    expect(() => out('Squeeze', [t([2, 3])], { axes: [0] })).toThrow(ShapeError);
    expect(out('Squeeze', [i64(7)], { axes: [0] }).value!.dims).toEqual([]);
  });

  it('unsqueezes scalars and folds', () => {
    const r = out('Unsqueeze', [c(scalarConst('int64', 5))], { axes: [0] });
    expect(r.shape).toEqual([1]);
    expect(r.value!.data).toEqual(BigInt64Array.from([5n]));
    expect(() => out('Unsqueeze', [t([2])], { axes: [0, 0] })).toThrow(ShapeError);
    expect(native('Unsqueeze', [t([2])], { axes: [1] })).toEqual({ op: 'Reshape', attrs: {}, inputs: [0] });
    expect(native('Squeeze', [t([2, 1])], { axes: [1] })).toEqual({ op: 'Reshape', attrs: {}, inputs: [0] });
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
    expect(parse(shape.Shape, 'Shape', ['x'], values, { start: 1 }, ['y'], 14)[0]!.attrs).toEqual({});
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

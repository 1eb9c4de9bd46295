import { describe, expect, it } from 'vitest';
import { ModelError, ShapeError, UnsupportedError } from '../../src/errors.js';
import type { AttrValue, ConstTensor, Node, TensorInfo } from '../../src/graph/ir.js';
import * as core from '../../src/graph/ops/elementwise.js';
import type { CoreOp } from '../../src/graph/ops/types.js';
import { fromNumbers, int64Const, scalarConst, toNumbers } from '../../src/graph/values.js';
import * as parsers from '../../src/onnx/ops/elementwise.js';
import { parseByName } from './fake-context.js';

// Stand-in for the shape family's Unsqueeze (axes input 1), shape and value, so the legacy
// broadcast lowering can be followed (other core ops of that family — Shape, ConstantOfShape —
// are only recorded by the fake context).
const Unsqueeze: CoreOp = {
  infer(n, ins) {
    const x = ins[0]!;
    const axes = toNumbers(ins[1]!.value!);
    const out = [...x.shape!];
    for (const a of axes.sort((p, q) => p - q)) out.splice(a, 0, 1);
    return [{ type: x.type, shape: out, value: x.value && { ...x.value, dims: out as number[] } }];
  },
};
const CORE = { ...core, Unsqueeze } as unknown as Record<string, CoreOp>;
const ctx = { maxFoldElements: 1000 };

function node(op: string, nInputs: number, attrs: Record<string, AttrValue> = {}, inputs?: string[]): Node {
  return { op, name: op.toLowerCase(), inputs: inputs ?? Array.from({ length: nInputs }, (_, i) => `x${i}`), outputs: ['y'], attrs };
}

function infer(op: string, ins: (TensorInfo | undefined)[], attrs: Record<string, AttrValue> = {}, maxFoldElements = 1000): TensorInfo {
  return CORE[op]!.infer(node(op, ins.length, attrs), ins, { maxFoldElements })[0]!;
}

const sym = (type: TensorInfo['type'], shape: TensorInfo['shape']): TensorInfo => ({ type, shape });
const val = (c: ConstTensor): TensorInfo => ({ type: c.type, shape: c.dims, value: c });
const i64 = (dims: number[], values: bigint[]): ConstTensor => ({ type: 'int64', dims, data: BigInt64Array.from(values) });
const bool = (dims: number[], values: number[]): ConstTensor => ({ type: 'bool', dims, data: Uint8Array.from(values) });
const f32 = (dims: number[], values: number[]): ConstTensor => fromNumbers('float32', dims, values);

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

// Runs the parser of `op` on a fake ParseContext over `known`: emitted nodes run the shape rules of CORE.
const parse = parseByName(parsers, CORE, ctx.maxFoldElements);

describe('broadcasting shape rules', () => {
  it('broadcasts symbolic dims', () => {
    expect(infer('Add', [sym('float32', ['batch', 1, 4]), sym('float32', [3, 1])]).shape).toEqual(['batch', 3, 4]);
    expect(infer('Mul', [sym('float32', ['batch', 8]), sym('float32', ['batch', 8])]).shape).toEqual(['batch', 8]);
    expect(infer('Sub', [sym('float32', ['batch', 8]), sym('float32', [])]).shape).toEqual(['batch', 8]);
    expect(infer('Div', [sym('float32', [1, 'seq']), sym('float32', ['batch', 1])]).shape).toEqual(['batch', 'seq']);
    expect(infer('Where', [sym('bool', ['batch', 1, 1, 8]), sym('float32', []), sym('float32', ['batch', 4, 8, 8])]).shape).toEqual(['batch', 4, 8, 8]);
  });

  it('keeps an unknown shape unknown', () => {
    expect(infer('Add', [sym('float32', undefined), sym('float32', [3])]).shape).toBeUndefined();
  });

  it('throws ShapeError on incompatible shapes and types', () => {
    expect(() => infer('Add', [sym('float32', [2, 3]), sym('float32', [4])])).toThrow(ShapeError);
    expect(() => infer('Add', [sym('float32', [2]), sym('int64', [2])])).toThrow(/different element types/);
    expect(() => infer('Where', [sym('float32', [2]), sym('float32', [2]), sym('float32', [2])])).toThrow(/condition must be bool/);
    expect(() => infer('And', [sym('int32', [2]), sym('int32', [2])])).toThrow(ShapeError);
  });

  it('gives comparisons and logic bool outputs, Pow the base type, Cast the target type', () => {
    for (const op of ['Equal', 'Less', 'Greater']) {
      expect(infer(op, [sym('int64', ['batch', 8]), sym('int64', [])])).toEqual({ type: 'bool', shape: ['batch', 8] });
    }
    expect(infer('Equal', [sym('bool', [2]), sym('bool', [2])]).type).toBe('bool');
    expect(infer('Xor', [sym('bool', [2]), sym('bool', [1])]).type).toBe('bool');
    expect(infer('Pow', [sym('float32', ['b', 3]), sym('int64', [])]).type).toBe('float32');
    expect(infer('Cast', [sym('bool', ['b', 8])], { to: 1 })).toEqual({ type: 'float32', shape: ['b', 8] });
    expect(infer('Not', [sym('bool', ['b'])]).type).toBe('bool');
  });
});

describe('constant folding', () => {
  it('folds int64 arithmetic exactly (bigint, two’s complement wrap)', () => {
    const big = i64([2], [4611686018427387904n, -5n]);
    const r = infer('Add', [val(big), val(i64([], [4611686018427387903n]))]);
    expect(r.value!.data).toEqual(BigInt64Array.from([I64_MAX, 4611686018427387898n]));
    expect(r.shape).toEqual([2]);
    expect(infer('Sub', [val(i64([], [I64_MIN])), val(i64([], [1n]))]).value!.data).toEqual(BigInt64Array.from([I64_MAX]));
    expect(infer('Mul', [val(i64([3], [3n, -1n, 9007199254740993n])), val(i64([1], [3n]))]).value!.data).toEqual(
      BigInt64Array.from([9n, -3n, 27021597764222979n]),
    );
  });

  it('truncates integer Div toward zero and gives 0 for x / 0', () => {
    const r = infer('Div', [val(i64([4], [-7n, 7n, 9n, 5n])), val(i64([4], [2n, -2n, 3n, 0n]))]);
    expect(r.value!.data).toEqual(BigInt64Array.from([-3n, -3n, 3n, 0n]));
    const r32 = infer('Div', [val(fromNumbers('int32', [2], [-7, 7])), val(fromNumbers('int32', [], [2]))]);
    expect(Array.from(r32.value!.data as Int32Array)).toEqual([-3, 3]);
  });

  it('folds the shape arithmetic of a PyTorch reshape chain', () => {
    // batch*heads, seq: Shape → Gather → Mul/Div → Concat constants
    const batch = val(i64([], [3n]));
    const heads = val(int64Const([4]));
    const prod = infer('Mul', [batch, heads]);
    expect(prod.value).toEqual(i64([1], [12n]));
    const half = infer('Div', [val(i64([1], [64n])), val(i64([], [4n]))]);
    expect(half.value!.data).toEqual(BigInt64Array.from([16n]));
  });

  it('wraps int32 multiplication like the kernel', () => {
    const r = infer('Mul', [val(fromNumbers('int32', [1], [65536 * 3 + 7])), val(fromNumbers('int32', [1], [65536 * 5 + 11]))]);
    expect((r.value!.data as Int32Array)[0]).toBe(Math.imul(65536 * 3 + 7, 65536 * 5 + 11));
  });

  it('rounds float32 results to float32', () => {
    const r = infer('Add', [val(f32([1], [0.1])), val(f32([1], [0.2]))]);
    expect(r.value!.data).toBeInstanceOf(Float32Array);
    expect(r.value!.data[0]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    const d = infer('Div', [val(f32([1], [1])), val(f32([1], [3]))]);
    expect(d.value!.data[0]).toBe(Math.fround(1 / 3));
  });

  it('folds Pow in the base type', () => {
    expect(infer('Pow', [val(i64([3], [3n, -2n, 2n])), val(i64([3], [39n, 3n, -1n]))]).value!.data).toEqual(
      BigInt64Array.from([4052555153018976267n, -8n, 0n]),
    );
    expect(infer('Pow', [val(i64([2], [1n, -1n])), val(i64([], [-3n]))]).value!.data).toEqual(BigInt64Array.from([1n, -1n]));
    expect(infer('Pow', [val(i64([1], [3n])), val(i64([], [40n]))]).value!.data).toEqual(BigInt64Array.from([-6289078614652622815n]));
    const fi = infer('Pow', [val(f32([2], [2, 9])), val(i64([], [2n]))]);
    expect(fi.type).toBe('float32');
    expect(Array.from(fi.value!.data as Float32Array)).toEqual([4, 81]);
    const iF = infer('Pow', [val(fromNumbers('int32', [2], [2, 10])), val(f32([], [0.5]))]);
    expect(Array.from(iF.value!.data as Int32Array)).toEqual([1, 3]);
    expect(infer('Pow', [val(f32([1], [2])), val(f32([], [0.5]))]).value!.data[0]).toBe(Math.fround(Math.SQRT2));
  });

  it('folds comparisons, Not and logic', () => {
    const elements = val(i64([2, 4], [3n, 8n, 0n, 0n, 0n, 1n, I64_MAX, 0n]));
    const pad = infer('Equal', [elements, val(i64([], [0n]))]);
    expect(pad.type).toBe('bool');
    expect(pad.shape).toEqual([2, 4]);
    expect(Array.from(pad.value!.data as Uint8Array)).toEqual([0, 0, 1, 1, 1, 0, 0, 1]);
    expect(Array.from(infer('Not', [pad]).value!.data as Uint8Array)).toEqual([1, 1, 0, 0, 0, 1, 1, 0]);
    expect(Array.from(infer('Less', [val(i64([2], [I64_MAX - 1n, I64_MAX])), val(i64([], [I64_MAX]))]).value!.data as Uint8Array)).toEqual([1, 0]);
    expect(Array.from(infer('Greater', [val(f32([3], [1, NaN, -1])), val(f32([], [0]))]).value!.data as Uint8Array)).toEqual([1, 0, 0]);
    expect(Array.from(infer('Equal', [val(f32([2], [NaN, 1])), val(f32([2], [NaN, 1]))]).value!.data as Uint8Array)).toEqual([0, 1]);
    const a = val(bool([4], [0, 0, 1, 1]));
    const b = val(bool([4], [0, 1, 0, 1]));
    expect(Array.from(infer('And', [a, b]).value!.data as Uint8Array)).toEqual([0, 0, 0, 1]);
    expect(Array.from(infer('Or', [a, b]).value!.data as Uint8Array)).toEqual([0, 1, 1, 1]);
    expect(Array.from(infer('Xor', [a, b]).value!.data as Uint8Array)).toEqual([0, 1, 1, 0]);
    expect(Array.from(infer('Equal', [a, b]).value!.data as Uint8Array)).toEqual([1, 0, 0, 1]);
  });

  it('folds Where with broadcasting and exact int64 values', () => {
    const cond = val(bool([2, 1], [1, 0]));
    const r = infer('Where', [cond, val(i64([3], [I64_MAX, 1n, 2n])), val(i64([], [-1n]))]);
    expect(r.shape).toEqual([2, 3]);
    expect(r.value!.data).toEqual(BigInt64Array.from([I64_MAX, 1n, 2n, -1n, -1n, -1n]));
    const m = infer('Where', [val(bool([3], [1, 0, 1])), val(f32([], [-1e9])), val(f32([3], [1, 2, 3]))]);
    expect(Array.from(m.value!.data as Float32Array)).toEqual([Math.fround(-1e9), 2, Math.fround(-1e9)]);
  });

  it('folds Cast with the native conversions', () => {
    const f = val(f32([6], [2.9, -2.9, NaN, 1e30, -1e30, 0.5]));
    expect(infer('Cast', [f], { to: 7 }).value).toEqual(i64([6], [2n, -2n, 0n, I64_MAX, I64_MIN, 0n]));
    expect(Array.from(infer('Cast', [f], { to: 6 }).value!.data as Int32Array)).toEqual([2, -2, 0, 2147483647, -2147483648, 0]);
    expect(Array.from(infer('Cast', [f], { to: 9 }).value!.data as Uint8Array)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(infer('Cast', [val(i64([2], [I64_MAX, -1n]))], { to: 6 }).value!.data).toEqual(Int32Array.from([-1, -1]));
    expect(infer('Cast', [val(i64([2], [16777217n, 3n]))], { to: 1 }).value!.data).toEqual(Float32Array.from([16777216, 3]));
    expect(infer('Cast', [val(bool([3], [1, 0, 1]))], { to: 7 }).value).toEqual(i64([3], [1n, 0n, 1n]));
    expect(infer('Cast', [val(i64([2], [0n, 5n]))], { to: 9 }).value).toEqual(bool([2], [0, 1]));
    expect(infer('Cast', [val(fromNumbers('int32', [2], [-1, 300]))], { to: 2 }).value!.data).toEqual(Uint8Array.from([255, 44]));
    expect(infer('Cast', [val(fromNumbers('int32', [1], [-1]))], { to: 7 }).value!.data).toEqual(BigInt64Array.from([-1n]));
    // float16 (raw bits, as import stores them) → float32
    const half: ConstTensor = { type: 'float16', dims: [4], data: Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x0001]) };
    expect(Array.from(infer('Cast', [val(half)], { to: 1 }).value!.data as Float32Array)).toEqual([1, -2, Math.fround(0.333251953125), Math.fround(2 ** -24)]);
  });

  it('folds unary math', () => {
    expect(infer('Neg', [val(i64([2], [I64_MIN, 5n]))]).value!.data).toEqual(BigInt64Array.from([I64_MIN, -5n]));
    expect(infer('Abs', [val(i64([2], [-7n, 7n]))]).value!.data).toEqual(BigInt64Array.from([7n, 7n]));
    expect(infer('Relu', [val(f32([4], [-1, 0, 2, NaN]))]).value!.data).toEqual(Float32Array.from([0, 0, 2, NaN]));
    expect(infer('Abs', [val(fromNumbers('int32', [1], [-2147483648]))]).value!.data).toEqual(Int32Array.from([-2147483648]));
    expect(infer('Sqrt', [val(f32([1], [2]))]).value!.data[0]).toBe(Math.fround(Math.SQRT2));
    const erf = infer('Erf', [val(fromNumbers('float64', [7], [0, 0.5, 1, 2, 2.5, 3, -4.5]))]).value!.data;
    const ref = [0, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.999593047982555, 0.9999779095030014, -0.9999999998033839];
    ref.forEach((r, i) => expect(erf[i] as number).toBeCloseTo(r, 14));
    expect(infer('Sigmoid', [val(f32([2], [0, -1000]))]).value!.data).toEqual(Float32Array.from([0.5, 0]));
    expect(infer('Softplus', [val(f32([3], [0, 1000, -1000]))]).value!.data).toEqual(Float32Array.from([Math.LN2, 1000, 0]));
    expect(infer('Reciprocal', [val(f32([1], [4]))]).value!.data[0]).toBe(0.25);
    expect(infer('LeakyRelu', [val(f32([2], [-2, 3]))], { alpha: 0.5 }).value!.data).toEqual(Float32Array.from([-1, 3]));
    const g = infer('Gelu', [val(fromNumbers('float64', [2], [1, -1]))], { approximate: 'none' }).value!.data;
    expect(g[0] as number).toBeCloseTo(0.8413447460685429, 14);
    expect(g[1] as number).toBeCloseTo(-0.15865525393145707, 14);
    const gt = infer('Gelu', [val(fromNumbers('float64', [1], [1]))], { approximate: 'tanh' }).value!.data;
    expect(gt[0] as number).toBeCloseTo(0.8411919906082768, 14);
  });

  it('folds only up to maxFoldElements', () => {
    const a = val(f32([4], [1, 2, 3, 4]));
    expect(infer('Add', [a, a], {}, 4).value).toBeDefined();
    const r = infer('Add', [a, a], {}, 3);
    expect(r.value).toBeUndefined();
    expect(r.shape).toEqual([4]);
    expect(infer('Identity', [a], {}, 3).value).toBeUndefined();
    expect(infer('Identity', [a], {}, 4).value).toBe(a.value);
  });

  it('does not fold float16 arithmetic (raw bits) but passes it through Where', () => {
    const half: ConstTensor = { type: 'float16', dims: [2], data: Uint16Array.from([0x3c00, 0x4000]) };
    const r = infer('Add', [val(half), val(half)]);
    expect(r).toEqual({ type: 'float16', shape: [2] });
    const w = infer('Where', [val(bool([2], [0, 1])), val(half), val({ ...half, data: Uint16Array.from([0, 0]) })]);
    expect(w.value!.data).toEqual(Uint16Array.from([0, 0x4000]));
  });
});

describe('Clip', () => {
  it('reads Clip-6 attributes with the float limits as defaults', () => {
    const f = parse('Clip', 6, ['x'], ['y'], { min: 0 }, { x: sym('float32', ['b', 3]) });
    expect(f.emitted).toEqual([{ op: 'Clip', name: 'n0', inputs: ['x'], outputs: ['y'], attrs: { min: 0, max: 3.4028234663852886e38 } }]);
    const n = f.emitted[0]!;
    expect(core.Clip.native!(n, [sym('float32', [2, 3])], [])).toEqual({ op: 'Clip', attrs: { min: 0, max: 3.4028234663852886e38 }, inputs: [0] });
  });

  it('turns constant min/max inputs into attributes, ±Infinity when absent', () => {
    const lo = val(scalarConst('float32', 1));
    const f = parse('Clip', 13, ['x', 'lo'], ['y'], {}, { x: sym('float32', ['b', 1]), lo });
    const n = f.emitted[0]!;
    expect(n.inputs).toEqual(['x', 'lo']);
    expect(f.values.get('y')).toEqual({ type: 'float32', shape: ['b', 1] });
    expect(core.Clip.native!(n, [sym('float32', [2, 1]), lo], [])).toEqual({ op: 'Clip', attrs: { min: 1, max: Infinity }, inputs: [0] });
    const onlyMax: Node = { ...n, inputs: ['x', '', 'hi'] };
    expect(core.Clip.native!(onlyMax, [sym('float32', [2]), undefined, val(scalarConst('float32', 6))], [])).toEqual({
      op: 'Clip', attrs: { min: -Infinity, max: 6 }, inputs: [0],
    });
    expect(() => core.Clip.native!(n, [sym('float32', [2, 1]), sym('float32', [])], [])).toThrow(UnsupportedError);
  });

  it('keeps min/max fed at run time as value inputs of the core node', () => {
    expect(core.Clip.valueInputs).toEqual([1, 2]);
    const known = { x: sym('float32', ['b', 3]), lo: sym('float32', []), hi: sym('float32', []) };
    const f = parse('Clip', 13, ['x', 'lo', 'hi'], ['y'], {}, known);
    expect(f.emitted).toEqual([{ op: 'Clip', name: 'n0', inputs: ['x', 'lo', 'hi'], outputs: ['y'], attrs: {} }]);
    expect(f.values.get('y')).toEqual({ type: 'float32', shape: ['b', 3] });
    const n = f.emitted[0]!;
    expect(() => core.Clip.native!(n, [sym('float32', [2, 3]), known.lo, known.hi], [])).toThrow(/min must be a constant/);
    expect(() => core.Clip.native!({ ...n, inputs: ['x', '', 'hi'] }, [sym('float32', [2, 3]), undefined, known.hi], [])).toThrow(/max must be a constant/);
    // At plan time the values of the graph inputs are known.
    const lo = val(scalarConst('float32', -1));
    const hi = val(scalarConst('float32', 2));
    expect(core.Clip.native!(n, [sym('float32', [2, 3]), lo, hi], [])).toEqual({ op: 'Clip', attrs: { min: -1, max: 2 }, inputs: [0] });
    // A value known on one side only does not fold.
    expect(core.Clip.infer(n, [val(f32([1], [5])), lo, known.hi], ctx)[0]).toEqual({ type: 'float32', shape: [1] });
  });

  it('folds, including int64 and min > max', () => {
    const n: Node = { op: 'Clip', name: 'c', inputs: ['x', 'lo', 'hi'], outputs: ['y'], attrs: {} };
    const r = core.Clip.infer(n, [val(i64([3], [-5n, 3n, I64_MAX])), val(i64([], [1n])), val(i64([], [I64_MAX - 1n]))], ctx)[0]!;
    expect(r.value!.data).toEqual(BigInt64Array.from([1n, 3n, I64_MAX - 1n]));
    const sumClamp = core.Clip.infer({ ...n, inputs: ['x', 'lo'] }, [val(f32([2], [0, 3])), val(scalarConst('float32', 1))], ctx)[0]!;
    expect(sumClamp.value!.data).toEqual(Float32Array.from([1, 3]));
    // Integer bounds as the kernel converts them: min rounded up, max rounded down.
    const intClip = core.Clip.infer({ ...n, attrs: { min: -1.5, max: 2.5 }, inputs: ['x'] }, [val(fromNumbers('int32', [4], [-5, -1, 2, 9]))], ctx)[0]!;
    expect(intClip.value!.data).toEqual(Int32Array.from([-1, -1, 2, 2]));
    const swapped = core.Clip.infer(n, [val(f32([2], [0, 9])), val(scalarConst('float32', 5)), val(scalarConst('float32', 2))], ctx)[0]!;
    expect(swapped.value!.data).toEqual(Float32Array.from([2, 2]));
  });
});

describe('parsers', () => {
  it('maps binary and unary operators one to one', () => {
    const f = parse('Add', 14, ['a', 'b'], ['y'], {}, { a: sym('float32', ['b', 4]), b: sym('float32', [4]) });
    expect(f.emitted).toEqual([{ op: 'Add', name: 'n0', inputs: ['a', 'b'], outputs: ['y'], attrs: {} }]);
    expect(() => parse('Add', 14, ['a'], ['y'], {}, { a: sym('float32', [4]) })).toThrow(ModelError);
    expect(parse('LeakyRelu', 16, ['x'], ['y'], {}, { x: sym('float32', [2]) }).emitted[0]!.attrs).toEqual({ alpha: 0.01 });
  });

  it('reads Gelu approximate (default "none") and refuses unknown modes', () => {
    const f = parse('Gelu', 20, ['x'], ['y'], {}, { x: sym('float32', [2]) });
    expect(core.Gelu.native!(f.emitted[0]!, [sym('float32', [2])], [])).toEqual({ op: 'Gelu', attrs: { approximate: 'none' }, inputs: [0] });
    const t = parse('Gelu', 20, ['x'], ['y'], { approximate: 'tanh' }, { x: sym('float32', [2]) });
    expect(t.emitted[0]!.attrs).toEqual({ approximate: 'tanh' });
    expect(() => parse('Gelu', 20, ['x'], ['y'], { approximate: 'fast' }, { x: sym('float32', [2]) })).toThrow(UnsupportedError);
  });

  it('keeps the Cast code, drops no-op casts and refuses non-native targets', () => {
    const f = parse('Cast', 13, ['x'], ['y'], { to: 1 }, { x: sym('int64', ['b']) });
    expect(f.emitted[0]).toMatchObject({ op: 'Cast', attrs: { to: 1 } });
    expect(core.Cast.native!(f.emitted[0]!, [sym('int64', [2])], [])).toEqual({ op: 'Cast', attrs: { to: 1 }, inputs: [0] });
    expect(f.values.get('y')).toEqual({ type: 'float32', shape: ['b'] });
    expect(parse('Cast', 13, ['x'], ['y'], { to: 7 }, { x: sym('int64', ['b']) }).emitted[0]!.op).toBe('Identity');
    expect(() => parse('Cast', 13, ['x'], ['y'], { to: 10 }, { x: sym('float32', [2]) })).toThrow(UnsupportedError);
    expect(() => parse('Cast', 13, ['x'], ['y'], { to: 8 }, { x: sym('float32', [2]) })).toThrow(UnsupportedError);
    expect(() => parse('Cast', 13, ['x'], ['y'], {}, { x: sym('float32', [2]) })).toThrow(ModelError);
  });

  it('turns Dropout and Identity into core Identity', () => {
    const known = { x: val(f32([2], [1, 2])), off: val(bool([], [0])), on: val(bool([], [1])), r0: val(scalarConst('float32', 0)), t: sym('bool', []) };
    expect(parse('Identity', 16, ['x'], ['y'], {}, known).emitted[0]!.op).toBe('Identity');
    expect(parse('Dropout', 13, ['x'], ['y'], {}, known).emitted).toEqual([{ op: 'Identity', name: 'n0', inputs: ['x'], outputs: ['y'], attrs: {} }]);
    expect(parse('Dropout', 13, ['x', '', 'off'], ['y'], {}, known).emitted[0]!.op).toBe('Identity');
    expect(parse('Dropout', 13, ['x', 'r0', 'on'], ['y'], {}, known).emitted[0]!.op).toBe('Identity');
    expect(parse('Dropout', 11, ['x'], ['y'], { ratio: 0.3 }, known).values.get('y')!.value).toBe(known.x.value);
    expect(() => parse('Dropout', 13, ['x', '', 'on'], ['y'], {}, known)).toThrow(/training mode/);
    expect(() => parse('Dropout', 13, ['x', '', 't'], ['y'], {}, known)).toThrow(UnsupportedError);
    expect(core.Identity.native!(parse('Dropout', 13, ['x'], ['y'], {}, known).emitted[0]!, [sym('float32', [2])], [])).toEqual({ op: 'Identity', attrs: {}, inputs: [0] });
  });

  it('gives Dropout\'s mask as all true with X\'s shape: Shape → ConstantOfShape', () => {
    const known = { x: sym('float32', ['b', 3]), r: sym('float32', []), off: val(bool([], [0])), on: val(bool([], [1])), r0: val(scalarConst('float32', 0)) };
    const f = parse('Dropout', 13, ['x', 'r'], ['y', 'mask'], { seed: 0 }, known);
    expect(f.emitted.map((e) => e.op)).toEqual(['Identity', 'Shape', 'ConstantOfShape']);
    const [id, shape, fill] = f.emitted;
    expect(id).toMatchObject({ inputs: ['x'], outputs: ['y'] });
    expect(shape).toMatchObject({ inputs: ['x'], attrs: {} });
    expect(fill).toMatchObject({ inputs: [shape!.outputs[0]], outputs: ['mask'], attrs: { value: bool([1], [1]) } });
    expect(parse('Dropout', 13, ['x', '', 'off'], ['y', 'mask'], {}, known).emitted.map((e) => e.op)).toEqual(['Identity', 'Shape', 'ConstantOfShape']);
    expect(parse('Dropout', 13, ['x', 'r0', 'on'], ['y', 'mask'], {}, known).emitted[2]!.attrs).toEqual({ value: bool([1], [1]) });
    expect(parse('Dropout', 10, ['x'], ['y', 'mask'], {}, known).emitted[2]!.attrs).toEqual({ value: bool([1], [1]) });
    // Before Dropout-10 the mask has X's element type.
    expect(parse('Dropout', 7, ['x'], ['y', 'mask'], { ratio: 0.5 }, known).emitted[2]!.attrs).toEqual({ value: f32([1], [1]) });
    expect(() => parse('Dropout', 13, ['x', 'r', 'on'], ['y', 'mask'], {}, known)).toThrow(/training mode/);
  });

  it('reads Dropout-6\'s is_test: refuses training mode unless the ratio is 0', () => {
    const known = { x: sym('float32', ['b', 3]) };
    expect(parse('Dropout', 6, ['x'], ['y'], { is_test: 1, ratio: 0.3 }, known).emitted.map((e) => e.op)).toEqual(['Identity']);
    expect(parse('Dropout', 6, ['x'], ['y'], { ratio: 0 }, known).emitted.map((e) => e.op)).toEqual(['Identity']);
    expect(() => parse('Dropout', 6, ['x'], ['y'], {}, known)).toThrow(/training mode/);
    expect(() => parse('Dropout', 6, ['x'], ['y'], { is_test: 0, ratio: 0.5 }, known)).toThrow(UnsupportedError);
  });

  it('reads Cast-1\'s type names', () => {
    const f = parse('Cast', 1, ['x'], ['y'], { to: 'FLOAT' }, { x: sym('int64', [2]) });
    expect(f.emitted[0]).toMatchObject({ op: 'Cast', attrs: { to: 1 } });
    expect(parse('Cast', 5, ['x'], ['y'], { to: 'INT64' }, { x: sym('int64', [2]) }).emitted[0]!.op).toBe('Identity');
    expect(() => parse('Cast', 1, ['x'], ['y'], { to: 'FLOAT16' }, { x: sym('float32', [2]) })).toThrow(UnsupportedError);
    expect(() => parse('Cast', 1, ['x'], ['y'], { to: 'COMPLEX' }, { x: sym('float32', [2]) })).toThrow(UnsupportedError);
  });

  it('gives attribute-less kernels empty attrs and every input', () => {
    const n = node('Where', 3);
    expect(core.Where.native!(n, [], [])).toEqual({ op: 'Where', attrs: {}, inputs: [0, 1, 2] });
    expect(core.Add.native!(node('Add', 2), [], [])).toEqual({ op: 'Add', attrs: {}, inputs: [0, 1] });
    expect(core.Erf.native!(node('Erf', 1), [], [])).toEqual({ op: 'Erf', attrs: {}, inputs: [0] });
    expect(core.LeakyRelu.native!(node('LeakyRelu', 1, { alpha: 0.2 }), [], [])).toEqual({ op: 'LeakyRelu', attrs: { alpha: 0.2 }, inputs: [0] });
  });
});

describe('legacy broadcasting (opset < 7)', () => {
  const A = { a: sym('float32', [2, 3, 4, 5]) };

  it('maps broadcast=0 and trailing alignment to numpy broadcasting as is', () => {
    for (const attrs of [{}, { broadcast: 0 }, { broadcast: 1 }, { broadcast: 1, axis: 2 }, { broadcast: 1, axis: -2 }]) {
      const f = parse('Add', 6, ['a', 'b'], ['y'], attrs, { ...A, b: sym('float32', [4, 5]) });
      expect(f.emitted).toEqual([{ op: 'Add', name: 'n0', inputs: ['a', 'b'], outputs: ['y'], attrs: {} }]);
      expect(f.values.get('y')!.shape).toEqual([2, 3, 4, 5]);
    }
    // From opset 7 the attributes do not exist: numpy broadcasting regardless.
    expect(parse('Mul', 7, ['a', 'b'], ['y'], { broadcast: 1, axis: 0 }, { ...A, b: sym('float32', [5]) }).emitted.map((e) => e.op)).toEqual(['Mul']);
  });

  it('unsqueezes B\'s trailing dims when the axis aligns it elsewhere', () => {
    const f = parse('Sub', 6, ['a', 'b'], ['y'], { broadcast: 1, axis: 1 }, { ...A, b: sym('float32', [3, 4]) });
    expect(f.emitted.map((e) => e.op)).toEqual(['Unsqueeze', 'Sub']);
    const [u, sub] = f.emitted;
    expect(u!.inputs[0]).toBe('b');
    expect(f.values.get(u!.inputs[1]!)!.value).toEqual(int64Const([2]));
    expect(sub).toMatchObject({ inputs: ['a', u!.outputs[0]], outputs: ['y'] });
    expect(f.values.get(u!.outputs[0]!)!.shape).toEqual([3, 4, 1]);
    expect(f.values.get('y')!.shape).toEqual([2, 3, 4, 5]);
    const first = parse('Pow', 6, ['a', 'b'], ['y'], { broadcast: 1, axis: 0 }, { ...A, b: sym('float32', [2]) });
    expect(first.values.get(first.emitted[0]!.inputs[1]!)!.value).toEqual(int64Const([1, 2, 3]));
    const scalar = parse('Equal', 1, ['a', 'b'], ['y'], { broadcast: 1, axis: 1 }, { a: sym('int64', [2, 3]), b: sym('int64', []) });
    expect(scalar.values.get(scalar.emitted[0]!.inputs[1]!)!.value).toEqual(int64Const([0]));
    expect(scalar.values.get('y')).toEqual({ type: 'bool', shape: [2, 3] });
  });

  it('gives the legacy result (B along A\'s first axis)', () => {
    const f = parse('Add', 6, ['a', 'b'], ['y'], { broadcast: 1, axis: 0 }, { a: val(f32([2, 3], [1, 2, 3, 4, 5, 6])), b: val(f32([2], [10, 20])) });
    expect(f.values.get('y')!.value).toEqual(f32([2, 3], [11, 12, 13, 24, 25, 26]));
  });

  it('refuses an alignment it cannot check, and throws ShapeError for one that does not fit', () => {
    expect(() => parse('Add', 6, ['a', 'b'], ['y'], { broadcast: 1, axis: 1 }, { a: sym('float32', undefined), b: sym('float32', [3]) })).toThrow(UnsupportedError);
    expect(() => parse('Add', 6, ['a', 'b'], ['y'], { broadcast: 1, axis: 3 }, { ...A, b: sym('float32', [5, 1]) })).toThrow(ShapeError);
    expect(() => parse('Add', 6, ['a', 'b'], ['y'], { broadcast: 1, axis: -5 }, { ...A, b: sym('float32', [5]) })).toThrow(ShapeError);
  });
});

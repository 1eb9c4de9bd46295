import { describe, expect, it } from 'vitest';
import { ShapeError, UnsupportedError } from '../../src/errors.js';
import type { AttrValue, ConstTensor, Node, TensorInfo } from '../../src/graph/ir.js';
import * as core from '../../src/graph/ops/linalg.js';
import type { CoreOp } from '../../src/graph/ops/types.js';
import { fromNumbers, toNumbers } from '../../src/graph/values.js';
import * as parsers from '../../src/onnx/ops/linalg.js';
import { parseByName } from './fake-context.js';

const ctx = { maxFoldElements: 1000 };
const sym = (type: TensorInfo['type'], shape: TensorInfo['shape']): TensorInfo => ({ type, shape });
const val = (c: ConstTensor): TensorInfo => ({ type: c.type, shape: c.dims, value: c });
const f32 = (dims: number[], values: number[]): ConstTensor => fromNumbers('float32', dims, values);

// Stand-ins for the shape family's Unsqueeze/Squeeze (opset-13 semantics: axes input), shapes only.
const SHAPE_STANDINS: Record<string, CoreOp> = {
  Unsqueeze: {
    infer(n, ins) {
      const axes = toNumbers(ins[1]!.value!);
      const out = [...ins[0]!.shape!];
      const r = out.length + axes.length;
      for (const a of axes.map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b)) out.splice(a, 0, 1);
      return [{ type: ins[0]!.type, shape: out }];
    },
  },
  Squeeze: {
    infer(n, ins) {
      const r = ins[0]!.shape!.length;
      const axes = toNumbers(ins[1]!.value!).map((a) => (a < 0 ? a + r : a));
      for (const a of axes) if (ins[0]!.shape![a] !== 1) throw new ShapeError(`Squeeze: dim ${a} is not 1`);
      return [{ type: ins[0]!.type, shape: ins[0]!.shape!.filter((_, i) => !axes.includes(i)) }];
    },
  },
};
const CORE = { ...core, ...SHAPE_STANDINS } as unknown as Record<string, CoreOp>;

// Runs the parser of `op` on a fake ParseContext over `known`: emitted nodes run the shape rules of CORE.
const parse = parseByName(parsers, CORE, ctx.maxFoldElements);

const mm = (inputs = ['a', 'b']): Node => ({ op: 'MatMul', name: 'mm', inputs, outputs: ['y'], attrs: {} });
const gemm = (attrs: Record<string, AttrValue>, inputs = ['a', 'b', 'c']): Node => ({ op: 'Gemm', name: 'g', inputs, outputs: ['y'], attrs });

describe('MatMul', () => {
  it('broadcasts batch dims, with symbols', () => {
    const out = core.MatMul.infer(mm(), [sym('float32', ['batch', 4, 8, 16]), sym('float32', ['batch', 4, 16, 8])], ctx)[0]!;
    expect(out).toEqual({ type: 'float32', shape: ['batch', 4, 8, 8] });
    expect(core.MatMul.infer(mm(), [sym('float32', ['batch', 8, 64]), sym('float32', [64, 128])], ctx)[0]!.shape).toEqual(['batch', 8, 128]);
    expect(core.MatMul.infer(mm(), [sym('float32', [3, 1, 2, 5]), sym('float32', [7, 5, 6])], ctx)[0]!.shape).toEqual([3, 7, 2, 6]);
    expect(core.MatMul.infer(mm(), [sym('float32', ['b', 'k']), sym('float32', [5, 6])], ctx)[0]!.shape).toEqual(['b', 6]);
  });

  it('throws ShapeError with a readable message', () => {
    expect(() => core.MatMul.infer(mm(), [sym('float32', [2, 5]), sym('float32', [6, 3])], ctx)).toThrow('MatMul: inner dimensions 5 and 6 do not match');
    expect(() => core.MatMul.infer(mm(), [sym('float32', [2, 2, 5]), sym('float32', [3, 5, 3])], ctx)).toThrow(ShapeError);
    expect(() => core.MatMul.infer(mm(), [sym('float32', [2, 5]), sym('int64', [5, 3])], ctx)).toThrow(ShapeError);
  });

  it('has numpy 1-D semantics in the shape rule', () => {
    const infer = (a: number[], b: number[]) => core.MatMul.infer(mm(), [sym('float32', a), sym('float32', b)], ctx)[0]!.shape;
    expect(infer([5], [5])).toEqual([]);
    expect(infer([5], [2, 5, 3])).toEqual([2, 3]);
    expect(infer([2, 4, 5], [5])).toEqual([2, 4]);
  });

  it('lowers 1-D operands to Unsqueeze → MatMul → Squeeze', () => {
    const known = { v: sym('float32', [5]), m: sym('float32', ['batch', 5, 3]), w: sym('float32', ['batch', 4, 5]) };
    const cases: [string, string, number[], number[], TensorInfo['shape']][] = [
      ['v', 'm', [0], [1], ['batch', 3]],
      ['w', 'v', [1], [2], ['batch', 4]],
      ['v', 'v', [0, 1], [0, 1], []],
    ];
    for (const [a, b, unsq, squeeze, shape] of cases) {
      const f = parse('MatMul', 13, [a, b], ['y'], {}, known);
      const ops = f.emitted.map((n) => n.op);
      expect(ops.filter((o) => o === 'Unsqueeze')).toHaveLength(a === 'v' && b === 'v' ? 2 : 1);
      const unsqAxes = f.emitted.filter((n) => n.op === 'Unsqueeze').map((n) => toNumbers(f.values.get(n.inputs[1]!)!.value!));
      expect(unsqAxes.flat()).toEqual(unsq);
      const mmNode = f.emitted.find((n) => n.op === 'MatMul')!;
      const sq = f.emitted.at(-1)!;
      expect(sq.op).toBe('Squeeze');
      expect(sq.inputs[0]).toBe(mmNode.outputs[0]);
      expect(sq.outputs).toEqual(['y']);
      const sqAxes = f.values.get(sq.inputs[1]!)!.value!;
      expect(sqAxes.type).toBe('int64');
      expect(toNumbers(sqAxes)).toEqual(squeeze);
      expect(f.values.get('y')!.shape).toEqual(shape);
      // The kernel only ever sees ranks ≥ 2.
      const ins = mmNode.inputs.map((i) => f.values.get(i)!);
      expect(core.MatMul.native!(mmNode, ins, [])).toEqual({ op: 'MatMul', attrs: {}, inputs: [0, 1] });
    }
  });

  it('emits a plain MatMul for ranks ≥ 2 or unknown ranks; the kernel call needs ranks ≥ 2', () => {
    const f = parse('MatMul', 13, ['a', 'b'], ['y'], {}, { a: sym('float32', ['batch', 8, 64]), b: sym('float32', [64, 64]) });
    expect(f.emitted).toEqual([{ op: 'MatMul', name: 'n0', inputs: ['a', 'b'], outputs: ['y'], attrs: {} }]);
    expect(parse('MatMul', 13, ['a', 'b'], ['y'], {}, { a: sym('float32', undefined), b: sym('float32', [64]) }).emitted.map((n) => n.op)).toEqual(['MatMul']);
    expect(() => core.MatMul.native!(mm(), [sym('float32', [5]), sym('float32', [5, 2])], [])).toThrow(UnsupportedError);
  });

  it('folds small constant products', () => {
    const a = val(f32([2, 3], [1, 2, 3, 4, 5, 6]));
    const b = val(f32([3, 2], [7, 8, 9, 10, 11, 12]));
    expect(core.MatMul.infer(mm(), [a, b], ctx)[0]!.value).toEqual(f32([2, 2], [58, 64, 139, 154]));
    const v = val({ type: 'int64', dims: [2], data: BigInt64Array.from([3n, 1n << 60n]) });
    const m = val({ type: 'int64', dims: [2, 1], data: BigInt64Array.from([2n, 3n]) });
    expect(core.MatMul.infer(mm(), [v, m], ctx)[0]!.value).toEqual({ type: 'int64', dims: [1], data: BigInt64Array.from([6n + 3n * (1n << 60n)]) });
  });
});

describe('Gemm', () => {
  it('applies the defaults and keeps C optional', () => {
    const known = { a: sym('float32', ['batch', 86]), b: sym('float32', [1024, 86]), c: sym('float32', [1024]) };
    const f = parse('Gemm', 13, ['a', 'b', 'c'], ['y'], { transB: 1 }, known);
    expect(f.emitted).toEqual([{ op: 'Gemm', name: 'n0', inputs: ['a', 'b', 'c'], outputs: ['y'], attrs: { alpha: 1, beta: 1, transA: 0, transB: 1 } }]);
    expect(f.values.get('y')).toEqual({ type: 'float32', shape: ['batch', 1024] });
    expect(core.Gemm.native!(f.emitted[0]!, [], [])).toEqual({ op: 'Gemm', attrs: { alpha: 1, beta: 1, transA: 0, transB: 1 }, inputs: [0, 1, 2] });
    const noC = parse('Gemm', 11, ['a', 'b', ''], ['y'], { transB: 1, alpha: 0.5, broadcast: 1 }, known);
    expect(noC.emitted[0]!.inputs).toEqual(['a', 'b']);
    expect(core.Gemm.native!(noC.emitted[0]!, [], [])).toEqual({ op: 'Gemm', attrs: { alpha: 0.5, beta: 1, transA: 0, transB: 1 }, inputs: [0, 1] });
  });

  it('reads the opset 6–10 forms: the broadcast attribute is dropped (C broadcasts the same way)', () => {
    const known = { a: sym('float32', [3, 10]), b: sym('float32', [4, 10]), c: sym('float32', [4]), full: sym('float32', [3, 4]) };
    for (const opset of [6, 7, 9]) {
      const f = parse('Gemm', opset, ['a', 'b', 'c'], ['y'], { alpha: 1, beta: 1, broadcast: 1, transB: 1 }, known);
      expect(f.emitted).toEqual([{ op: 'Gemm', name: 'n0', inputs: ['a', 'b', 'c'], outputs: ['y'], attrs: { alpha: 1, beta: 1, transA: 0, transB: 1 } }]);
      expect(f.values.get('y')).toEqual({ type: 'float32', shape: [3, 4] });
    }
    // broadcast=0: C already has the output's shape.
    const noBroadcast = parse('Gemm', 6, ['a', 'b', 'full'], ['y'], { beta: 0.5, transB: 1 }, known);
    expect(noBroadcast.emitted[0]!.attrs).toEqual({ alpha: 1, beta: 0.5, transA: 0, transB: 1 });
    expect(parse('MatMul', 6, ['a', 'x'], ['y'], {}, { ...known, x: sym('float32', [10, 2]) }).values.get('y')!.shape).toEqual([3, 2]);
  });

  it('infers transposed shapes and checks K and C', () => {
    const infer = (a: TensorInfo['shape'], b: TensorInfo['shape'], c: TensorInfo['shape'] | undefined, attrs: Record<string, AttrValue>) =>
      core.Gemm.infer(gemm(attrs, c ? ['a', 'b', 'c'] : ['a', 'b']), [sym('float32', a), sym('float32', b), c ? sym('float32', c) : undefined], ctx)[0]!.shape;
    expect(infer([4, 3], [3, 5], undefined, {})).toEqual([4, 5]);
    expect(infer([3, 4], [3, 5], [5], { transA: 1 })).toEqual([4, 5]);
    expect(infer([4, 3], [5, 3], [4, 1], { transB: 1 })).toEqual([4, 5]);
    expect(infer([3, 'batch'], [5, 3], [], { transA: 1, transB: 1 })).toEqual(['batch', 5]);
    expect(() => infer([4, 3], [4, 5], undefined, {})).toThrow('Gemm: inner dimensions 3 and 4 do not match');
    expect(() => infer([4, 3], [3, 5], [4], {})).toThrow(/cannot broadcast/);
    expect(() => infer([2, 4, 3], [3, 5], undefined, {})).toThrow(/rank 2/);
  });

  it('folds with transposes, alpha, beta and broadcast C', () => {
    // A (2x3), B (3x2): A·B = [[58, 64], [139, 154]]
    const aT = val(f32([3, 2], [1, 4, 2, 5, 3, 6]));
    const bT = val(f32([2, 3], [7, 9, 11, 8, 10, 12]));
    const c = val(f32([2], [1, -1]));
    const r = core.Gemm.infer(gemm({ transA: 1, transB: 1, alpha: 2, beta: 3 }), [aT, bT, c], ctx)[0]!;
    expect(r.shape).toEqual([2, 2]);
    expect(r.value).toEqual(f32([2, 2], [119, 125, 281, 305]));
  });
});

import { describe, expect, it } from 'vitest';
import { ModelError, ShapeError, UnsupportedError } from '../../src/errors.js';
import type { ConstTensor, Node, Shape, TensorInfo } from '../../src/graph/ir.js';
import * as convOps from '../../src/graph/ops/conv.js';
import * as shapeOps from '../../src/graph/ops/shape.js';
import type { CoreOp } from '../../src/graph/ops/types.js';
import { fromNumbers, toNumbers } from '../../src/graph/values.js';
import * as conv from '../../src/onnx/ops/conv.js';
import { parseWith } from './fake-context.js';

const OPS: Record<string, CoreOp> = { ...convOps, ...shapeOps };
const CTX = { maxFoldElements: 1 << 16 };

const t = (shape: Shape | undefined, type: TensorInfo['type'] = 'float32'): TensorInfo => ({ type, shape });
const c = (v: ConstTensor): TensorInfo => ({ type: v.type, shape: v.dims, value: v });
const node = (op: string, inputs: string[], attrs: Node['attrs'] = {}, outputs = ['y']): Node => ({ op, name: op, inputs, outputs, attrs });

function infer(n: Node, ins: (TensorInfo | undefined)[]): TensorInfo[] {
  return OPS[n.op]!.infer(n, ins, CTX);
}
function native(n: Node, ins: (TensorInfo | undefined)[]) {
  return OPS[n.op]!.native!(n, ins, infer(n, ins));
}

/** Runs a parser on a fake ParseContext like import's: emitted core nodes of OPS run their shape rule at once. */
const parse = parseWith(OPS, CTX.maxFoldElements);

describe('Conv shape rule', () => {
  it('computes output sizes with strides, pads and dilations', () => {
    const x = t([1, 3, 32, 32]);
    const w = t([8, 3, 3, 3]);
    expect(infer(node('Conv', ['x', 'w'], { strides: [2, 2], pads: [1, 1, 1, 1] }), [x, w])[0]!.shape).toEqual([1, 8, 16, 16]);
    expect(infer(node('Conv', ['x', 'w'], { dilations: [2, 2] }), [x, w])[0]!.shape).toEqual([1, 8, 28, 28]);
    expect(infer(node('Conv', ['x', 'w'], { strides: [3, 1], pads: [0, 2, 1, 0] }), [x, w])[0]!.shape).toEqual([1, 8, 11, 32]);
    // 1-D, kernel_shape given, bias present
    expect(infer(node('Conv', ['x', 'w', 'b'], { kernel_shape: [5] }), [t([2, 4, 100]), t([6, 4, 5]), t([6])])[0]!.shape).toEqual([2, 6, 96]);
  });

  it('checks channels and groups', () => {
    expect(infer(node('Conv', ['x', 'w'], { group: 4 }), [t([1, 8, 5, 5]), t([16, 2, 3, 3])])[0]!.shape).toEqual([1, 16, 3, 3]);
    expect(() => infer(node('Conv', ['x', 'w']), [t([1, 4, 5, 5]), t([8, 3, 3, 3])])).toThrow(ShapeError);
    expect(() => infer(node('Conv', ['x', 'w']), [t([1, 3, 2, 2]), t([8, 3, 3, 3])])).toThrow(/gives no output/);
    expect(() => infer(node('Conv', ['x', 'w'], { kernel_shape: [3, 2] }), [t([1, 3, 5, 5]), t([8, 3, 3, 3])])).toThrow(/differs from W/);
  });

  it('resolves auto_pad SAME_UPPER / SAME_LOWER / VALID into explicit pads', () => {
    const x = t([1, 1, 6, 5]);
    const w = t([1, 1, 3, 4]);
    const up = node('Conv', ['x', 'w'], { auto_pad: 'SAME_UPPER', strides: [2, 1] });
    // H: out ceil(6/2)=3, total (3-1)*2+3-6 = 1; W: out 5, total 4-1 = 3
    expect(infer(up, [x, w])[0]!.shape).toEqual([1, 1, 3, 5]);
    expect(native(up, [x, w])).toEqual({ op: 'Conv', attrs: { group: 1, strides: [2, 1], pads: [0, 1, 1, 2], dilations: [1, 1] }, inputs: [0, 1] });
    const low = node('Conv', ['x', 'w'], { auto_pad: 'SAME_LOWER', strides: [2, 1] });
    expect(native(low, [x, w]).attrs.pads).toEqual([1, 2, 0, 1]);
    const valid = node('Conv', ['x', 'w', 'b'], { auto_pad: 'VALID', pads: [5, 5, 5, 5] });
    expect(infer(valid, [x, w, t([1])])[0]!.shape).toEqual([1, 1, 4, 2]);
    expect(native(valid, [x, w, t([1])])).toEqual({ op: 'Conv', attrs: { group: 1, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] }, inputs: [0, 1, 2] });
    // Dilated SAME: effective kernel 5
    const dil = node('Conv', ['x', 'w'], { auto_pad: 'SAME_UPPER', dilations: [2, 1], kernel_shape: [3, 1] });
    expect(native(dil, [t([1, 1, 7, 7]), t([1, 1, 3, 1])]).attrs.pads).toEqual([2, 0, 2, 0]);
  });

  it('lets symbolic dims flow where the size is kept', () => {
    const x = t(['batch', 3, 'h', 'w']);
    const w = t([8, 3, 3, 3]);
    expect(infer(node('Conv', ['x', 'w'], { auto_pad: 'SAME_UPPER' }), [x, w])[0]!.shape).toEqual(['batch', 8, 'h', 'w']);
    expect(infer(node('Conv', ['x', 'w'], { pads: [1, 1, 1, 1] }), [x, w])[0]!.shape).toEqual(['batch', 8, 'h', 'w']);
    const s2 = infer(node('Conv', ['x', 'w'], { strides: [2, 2], pads: [1, 1, 1, 1] }), [x, w])[0]!.shape!;
    expect(s2.slice(0, 2)).toEqual(['batch', 8]);
    expect(typeof s2[2]).toBe('string');
    expect(s2[2]).not.toBe('h');
    expect(s2[2]).not.toBe(s2[3]);
    expect(() => native(node('Conv', ['x', 'w']), [x, w])).toThrow(UnsupportedError);
    expect(() => infer(node('Conv', ['x', 'w']), [undefined, w])).toThrow(UnsupportedError);
    expect(() => infer(node('Conv', ['', 'w']), [undefined, w])).toThrow(ShapeError);
  });
});

describe('ConvTranspose shape rule', () => {
  const x = t([1, 2, 3, 3]);
  const w = t([2, 3, 3, 3]);

  it('computes output sizes including output_padding', () => {
    expect(infer(node('ConvTranspose', ['x', 'w'], { strides: [2, 2] }), [x, w])[0]!.shape).toEqual([1, 3, 7, 7]);
    const n = node('ConvTranspose', ['x', 'w'], { strides: [2, 2], output_padding: [1, 0], pads: [1, 1, 1, 1] });
    expect(infer(n, [x, w])[0]!.shape).toEqual([1, 3, 6, 5]);
    expect(native(n, [x, w])).toEqual({ op: 'ConvTranspose', attrs: { group: 1, strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] }, inputs: [0, 1] });
    // groups: output channels are W[1]·group
    expect(infer(node('ConvTranspose', ['x', 'w'], { group: 2 }), [t([1, 4, 3, 3]), t([4, 3, 3, 3])])[0]!.shape).toEqual([1, 6, 5, 5]);
    expect(() => infer(node('ConvTranspose', ['x', 'w']), [t([1, 5, 3, 3]), w])).toThrow(ShapeError);
  });

  it('derives pads from output_shape', () => {
    // full size (3-1)·2+3 = 7: output 6 needs total padding 1
    const n = node('ConvTranspose', ['x', 'w'], { strides: [2, 2], output_shape: [6, 7] });
    expect(infer(n, [x, w])[0]!.shape).toEqual([1, 3, 6, 7]);
    expect(native(n, [x, w]).attrs.pads).toEqual([1, 0, 0, 0]);
    const up = node('ConvTranspose', ['x', 'w'], { strides: [2, 2], output_shape: [1, 3, 6, 7], auto_pad: 'SAME_UPPER' });
    expect(infer(up, [x, w])[0]!.shape).toEqual([1, 3, 6, 7]);
    expect(native(up, [x, w]).attrs.pads).toEqual([0, 0, 1, 0]);
    // onnx test_convtranspose_output_shape: strides [3,2], output_shape [10,8] (larger than the full size: no pads)
    const big = node('ConvTranspose', ['x', 'w'], { strides: [3, 2], output_shape: [10, 8] });
    expect(infer(big, [t([1, 1, 3, 3]), t([1, 2, 3, 3])])[0]!.shape).toEqual([1, 2, 10, 8]);
    expect(native(big, [t([1, 1, 3, 3]), t([1, 2, 3, 3])]).attrs.pads).toEqual([0, 0, 0, 0]);
  });

  it('resolves auto_pad SAME_UPPER / SAME_LOWER to output = input·stride', () => {
    const up = node('ConvTranspose', ['x', 'w'], { strides: [2, 2], auto_pad: 'SAME_UPPER' });
    expect(infer(up, [t([1, 1, 3, 3]), t([1, 2, 3, 3])])[0]!.shape).toEqual([1, 2, 6, 6]);
    expect(native(up, [t([1, 1, 3, 3]), t([1, 2, 3, 3])]).attrs.pads).toEqual([0, 0, 1, 1]);
    const low = node('ConvTranspose', ['x', 'w'], { strides: [2, 2], auto_pad: 'SAME_LOWER' });
    expect(native(low, [t([1, 1, 3, 3]), t([1, 2, 3, 3])]).attrs.pads).toEqual([1, 1, 0, 0]);
    expect(infer(node('ConvTranspose', ['x', 'w'], { auto_pad: 'SAME_UPPER' }), [t(['n', 1, 'h', 4]), t([1, 2, 3, 3])])[0]!.shape).toEqual(['n', 2, 'h', 4]);
  });
});

describe('pooling shape rules', () => {
  it('computes ceil_mode output dims, dropping windows that start in the right padding', () => {
    const pool = (attrs: Node['attrs'], shape: Shape) => infer(node('MaxPool', ['x'], attrs), [t(shape)])[0]!.shape;
    expect(pool({ kernel_shape: [3, 3], strides: [2, 2] }, [1, 1, 4, 4])).toEqual([1, 1, 1, 1]);
    expect(pool({ kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, [1, 1, 4, 4])).toEqual([1, 1, 2, 2]);
    expect(pool({ kernel_shape: [2], strides: [2], ceil_mode: 1 }, [1, 1, 5])).toEqual([1, 1, 3]);
    // kernel 1, stride 2 on 6: ceil gives 4, but the 4th window starts at 6 (outside): 3
    expect(pool({ kernel_shape: [1], strides: [2], ceil_mode: 1 }, [1, 1, 6])).toEqual([1, 1, 3]);
    // pads 1: the 3rd window would start at 6 = in + pad_begin: dropped
    expect(pool({ kernel_shape: [3], strides: [3], pads: [1, 1], ceil_mode: 1 }, [1, 1, 5])).toEqual([1, 1, 2]);
    expect(pool({ kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }, [1, 1, 5, 6])).toEqual([1, 1, 3, 3]);
    expect(pool({ kernel_shape: [3, 3], auto_pad: 'VALID', ceil_mode: 1, strides: [2, 2] }, [1, 1, 6, 7])).toEqual([1, 1, 2, 3]);
    expect(pool({ kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, ['n', 'c', 'h', 'w'])).toEqual(['n', 'c', 'h', 'w']);
  });

  it('gives MaxPool an int64 Indices output', () => {
    const outs = infer(node('MaxPool', ['x'], { kernel_shape: [2, 2], strides: [2, 2] }, ['y', 'i']), [t([1, 3, 8, 8])]);
    expect(outs).toEqual([t([1, 3, 4, 4]), t([1, 3, 4, 4], 'int64')]);
  });

  it('produces the native attributes', () => {
    const mp = node('MaxPool', ['x'], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_LOWER', storage_order: 1, dilations: [1, 1], ceil_mode: 0 });
    expect(native(mp, [t([1, 1, 6, 5])])).toEqual({
      op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 0, 1], dilations: [1, 1], storage_order: 1 }, inputs: [0],
    });
    const ap = node('AveragePool', ['x'], { kernel_shape: [2], pads: [1, 0], count_include_pad: 1 });
    expect(native(ap, [t([1, 1, 6])])).toEqual({
      op: 'AveragePool', attrs: { kernel_shape: [2], strides: [1], pads: [1, 0], dilations: [1], count_include_pad: 1 }, inputs: [0],
    });
  });
});

describe('conv family parsers', () => {
  it('applies defaults and takes kernel_shape from W', () => {
    const values = new Map([['x', t(['n', 3, 'h', 'w'])], ['w', c(fromNumbers('float32', [8, 3, 3, 3], new Array(216).fill(0)))]]);
    const [n] = parse(conv.Conv, 'Conv', ['x', 'w'], values);
    expect(n).toMatchObject({ op: 'Conv', inputs: ['x', 'w'], attrs: { group: 1, auto_pad: 'NOTSET', strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], kernel_shape: [3, 3] } });
    expect(values.get('y')!.shape!.slice(0, 2)).toEqual(['n', 8]);
    values.set('wt', t([3, 5, 2, 2]));
    values.set('b', t([5]));
    const [tr] = parse(conv.ConvTranspose, 'ConvTranspose', ['x', 'wt', 'b'], values, { strides: [2, 2] });
    expect(tr!.attrs).toMatchObject({ output_padding: [0, 0], strides: [2, 2], kernel_shape: [2, 2], pads: [0, 0, 0, 0] });
    expect(tr!.inputs).toEqual(['x', 'wt', 'b']);
    expect(values.get('y')!.shape!.slice(0, 2)).toEqual(['n', 5]);
  });

  it('refuses 3-D convolution and pooling', () => {
    const values = new Map([['x', t([1, 3, 4, 4, 4])], ['w', t([8, 3, 3, 3, 3])]]);
    expect(() => parse(conv.Conv, 'Conv', ['x', 'w'], values)).toThrow(UnsupportedError);
    expect(() => parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2, 2] })).toThrow(UnsupportedError);
    expect(() => parse(conv.MaxPool, 'MaxPool', ['x'], values)).toThrow(ModelError);
  });

  it('lowers GlobalAveragePool to ReduceMean over the spatial axes', () => {
    const values = new Map([['x', t(['n', 16, 7, 7])]]);
    expect(parse(conv.GlobalAveragePool, 'GlobalAveragePool', ['x'], values)).toEqual([
      { op: 'ReduceMean', name: 'GlobalAveragePool/ReduceMean', inputs: ['x'], outputs: ['y'], attrs: { axes: [2, 3], keepdims: 1 } },
    ]);
  });

  it('parses pools with their defaults', () => {
    const values = new Map([['x', t([1, 3, 8, 8])]]);
    const [mp] = parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2] }, ['y', 'idx']);
    expect(mp).toMatchObject({ outputs: ['y', 'idx'], attrs: { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: 0, storage_order: 0, auto_pad: 'NOTSET' } });
    expect(values.get('idx')).toEqual(t([1, 3, 7, 7], 'int64'));
    const [ap] = parse(conv.AveragePool, 'AveragePool', ['x'], values, { kernel_shape: [2, 2] }, ['y', '']);
    expect(ap).toMatchObject({ outputs: ['y'], attrs: { count_include_pad: 0 } });
  });
});

describe('conv family at opsets 7–10', () => {
  it('MaxPool-1 (7): no storage_order, no Indices, no ceil_mode or dilations', () => {
    const values = new Map([['x', t([1, 3, 8, 8])]]);
    const [mp] = parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2], strides: [2, 2] }, ['y'], 7);
    expect(mp!.attrs).toMatchObject({ storage_order: 0, ceil_mode: 0, dilations: [1, 1] });
    expect(values.get('y')!.shape).toEqual([1, 3, 4, 4]);
    expect(() => parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2] }, ['y', 'i'], 7)).toThrow(UnsupportedError);
    expect(() => parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2], storage_order: 1 }, ['y'], 7)).toThrow(UnsupportedError);
    expect(() => parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2], ceil_mode: 1 }, ['y'], 9)).toThrow(UnsupportedError);
    expect(() => parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2], dilations: [2, 2] }, ['y'], 9)).toThrow(UnsupportedError);
    // ... unless they hold the value that means the older behaviour
    const [neutral] = parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2], storage_order: 0, ceil_mode: 0, dilations: [1, 1] }, ['y'], 7);
    expect(neutral!.attrs).toMatchObject({ storage_order: 0, ceil_mode: 0, dilations: [1, 1] });
  });

  it('MaxPool-8 adds storage_order and Indices, -10 ceil_mode and dilations', () => {
    const values = new Map([['x', t([1, 3, 8, 8])]]);
    const [mp] = parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [2, 2], storage_order: 1 }, ['y', 'i'], 8);
    expect(mp).toMatchObject({ outputs: ['y', 'i'], attrs: { storage_order: 1 } });
    expect(values.get('i')).toEqual(t([1, 3, 7, 7], 'int64'));
    expect(native(mp!, [values.get('x')!])).toEqual({
      op: 'MaxPool', attrs: { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], storage_order: 1 }, inputs: [0],
    });
    const [c10] = parse(conv.MaxPool, 'MaxPool', ['x'], values, { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1, dilations: [1, 2] }, ['y'], 10);
    // H: ceil((8-3)/2)+1 = 4 (the 4th window starts at 6 < 8); W: effective kernel 5, ceil(3/2)+1 = 3
    expect(values.get('y')!.shape).toEqual([1, 3, 4, 3]);
    expect(native(c10!, [values.get('x')!]).attrs).toEqual({ kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 2], storage_order: 0 });
  });

  it('AveragePool-7 has count_include_pad, -10 ceil_mode, dilations only from 19', () => {
    const values = new Map([['x', t([1, 2, 5])]]);
    const [ap] = parse(conv.AveragePool, 'AveragePool', ['x'], values, { kernel_shape: [2], pads: [1, 1], count_include_pad: 1 }, ['y'], 7);
    expect(ap!.attrs).toMatchObject({ count_include_pad: 1, ceil_mode: 0, dilations: [1] });
    expect(values.get('y')!.shape).toEqual([1, 2, 6]);
    expect(native(ap!, [values.get('x')!])).toEqual({
      op: 'AveragePool', attrs: { kernel_shape: [2], strides: [1], pads: [1, 1], dilations: [1], count_include_pad: 1 }, inputs: [0],
    });
    expect(() => parse(conv.AveragePool, 'AveragePool', ['x'], values, { kernel_shape: [2], ceil_mode: 1 }, ['y'], 9)).toThrow(UnsupportedError);
    parse(conv.AveragePool, 'AveragePool', ['x'], values, { kernel_shape: [2], strides: [2], ceil_mode: 1 }, ['y'], 10);
    expect(values.get('y')!.shape).toEqual([1, 2, 3]);
    expect(() => parse(conv.AveragePool, 'AveragePool', ['x'], values, { kernel_shape: [2], dilations: [2] }, ['y'], 18)).toThrow(UnsupportedError);
    const [d] = parse(conv.AveragePool, 'AveragePool', ['x'], values, { kernel_shape: [2], dilations: [2] }, ['y'], 19);
    expect(values.get('y')!.shape).toEqual([1, 2, 3]);
    expect(native(d!, [values.get('x')!]).attrs).toEqual({ kernel_shape: [2], strides: [1], pads: [0, 0], dilations: [2], count_include_pad: 0 });
  });

  it('gives pool kernels explicit pads for auto_pad and default dilations', () => {
    const n = node('AveragePool', ['x'], { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' });
    expect(native(n, [t([1, 1, 5, 4])])).toEqual({
      op: 'AveragePool', attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 0], dilations: [1, 1], count_include_pad: 0 }, inputs: [0],
    });
    expect(() => native(n, [t(['n', 1, 5, 4])])).toThrow(UnsupportedError);
  });

  it('Conv-1 and ConvTranspose-1 (opset 7) read the same attributes as -11', () => {
    const values = new Map([['x', t([1, 2, 6, 6])], ['w', t([4, 2, 3, 3])], ['wt', t([2, 4, 3, 3])]]);
    const [cv] = parse(conv.Conv, 'Conv', ['x', 'w'], values, { pads: [1, 1, 1, 1], strides: [2, 2] }, ['y'], 7);
    expect(cv!.attrs).toMatchObject({ kernel_shape: [3, 3], group: 1, dilations: [1, 1] });
    expect(values.get('y')!.shape).toEqual([1, 4, 3, 3]);
    parse(conv.ConvTranspose, 'ConvTranspose', ['x', 'wt'], values, { strides: [2, 2], output_padding: [1, 1] }, ['y'], 9);
    expect(values.get('y')!.shape).toEqual([1, 4, 14, 14]);
  });

  it('BatchNormalization-7 accepts spatial = 1 (the default); -9 has no spatial', () => {
    const vec = (v: number[]) => c(fromNumbers('float32', [v.length], v));
    const values = new Map<string, TensorInfo>([['x', t([1, 2, 3])], ['s', vec([1, 1])]]);
    const ins = ['x', 's', 's', 's', 's'];
    expect(parse(conv.BatchNormalization, 'BatchNormalization', ins, values, { spatial: 1 }, ['y'], 7).map((n) => n.op)).toEqual(['Mul', 'Add']);
    expect(parse(conv.BatchNormalization, 'BatchNormalization', ins, values, {}, ['y'], 8).map((n) => n.op)).toEqual(['Mul', 'Add']);
    expect(() => parse(conv.BatchNormalization, 'BatchNormalization', ins, values, {}, ['y', 'm', 'v', 'sm', 'sv'], 7)).toThrow(UnsupportedError);
    expect(parse(conv.BatchNormalization, 'BatchNormalization', ins, values, {}, ['y'], 9).map((n) => n.op)).toEqual(['Mul', 'Add']);
  });

  it('declares no value inputs: conv and pool kernels read only the shapes of their inputs', () => {
    for (const op of ['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool']) expect(OPS[op]!.valueInputs).toBeUndefined();
  });
});

describe('BatchNormalization lowering', () => {
  const vec = (v: number[]) => c(fromNumbers('float32', [v.length], v));

  it('folds constant statistics into Mul and Add with [C,1,1] constants', () => {
    const values = new Map<string, TensorInfo>([
      ['x', t(['n', 2, 'h', 'w'])], ['scale', vec([1, 2])], ['b', vec([0.5, -1])], ['mean', vec([3, 4])], ['var', vec([4, 0.25])],
    ]);
    const nodes = parse(conv.BatchNormalization, 'BatchNormalization', ['x', 'scale', 'b', 'mean', 'var'], values, { epsilon: 0 });
    expect(nodes.map((n) => n.op)).toEqual(['Mul', 'Add']);
    const s = values.get(nodes[0]!.inputs[1]!)!.value!;
    const b = values.get(nodes[1]!.inputs[1]!)!.value!;
    expect(s.dims).toEqual([2, 1, 1]);
    expect(toNumbers(s)).toEqual([0.5, 4]);
    expect(b.dims).toEqual([2, 1, 1]);
    expect(toNumbers(b)).toEqual([0.5 - 3 * 0.5, -1 - 4 * 4]);
    expect(nodes[0]!.inputs[0]).toBe('x');
    expect(nodes[1]!.inputs[0]).toBe(nodes[0]!.outputs[0]);
    expect(nodes[1]!.outputs).toEqual(['y']);
    // rank 2 input: plain [C] vectors; the default epsilon is 1e-5
    const v2 = new Map<string, TensorInfo>([['x', t(['n', 2])], ['scale', vec([1, 1])], ['b', vec([0, 0])], ['mean', vec([0, 0])], ['var', vec([1, 1])]]);
    const n2 = parse(conv.BatchNormalization, 'BatchNormalization', ['x', 'scale', 'b', 'mean', 'var'], v2);
    const s2 = v2.get(n2[0]!.inputs[1]!)!.value!;
    expect(s2.dims).toEqual([2]);
    expect(s2.data[0]).toBeCloseTo(1 / Math.sqrt(1 + 1e-5), 7);
  });

  it('emits the arithmetic as core nodes when the statistics are not constant', () => {
    const values = new Map<string, TensorInfo>([
      ['x', t(['n', 4, 'h', 'w'])], ['scale', t([4])], ['b', t([4])], ['mean', t([4])], ['var', t([4])],
    ]);
    const nodes = parse(conv.BatchNormalization, 'BatchNormalization', ['x', 'scale', 'b', 'mean', 'var'], values, { epsilon: 1e-3 });
    expect(nodes.map((n) => n.op)).toEqual(['Add', 'Sqrt', 'Div', 'Mul', 'Sub', 'Unsqueeze', 'Unsqueeze', 'Mul', 'Add']);
    const eps = values.get(nodes[0]!.inputs[1]!)!.value!;
    expect(eps.dims).toEqual([]);
    expect(eps.data[0]).toBeCloseTo(1e-3, 9);
    expect(nodes[0]!.inputs[0]).toBe('var');
    expect(nodes[2]!.inputs[0]).toBe('scale');
    expect(nodes[4]!.inputs[0]).toBe('b');
    // core Unsqueeze takes its axes as input 1 (a constant here)
    expect(nodes[5]!.attrs).toEqual({});
    expect(nodes[5]!.inputs[0]).toBe(nodes[2]!.outputs[0]);
    const axes = values.get(nodes[5]!.inputs[1]!)!;
    expect(toNumbers(axes.value!)).toEqual([1, 2]);
    expect(nodes[6]!.inputs).toEqual([nodes[4]!.outputs[0], nodes[5]!.inputs[1]]);
    // the Unsqueeze shape rule (ours) runs on the [C] vector once the Div's output is known
    expect(OPS.Unsqueeze!.infer(nodes[5]!, [t([4]), axes], CTX)[0]!.shape).toEqual([4, 1, 1]);
    expect(nodes[7]!.inputs).toEqual(['x', nodes[5]!.outputs[0]]);
    expect(nodes[8]!.inputs).toEqual([nodes[7]!.outputs[0], nodes[6]!.outputs[0]]);
    expect(nodes[8]!.outputs).toEqual(['y']);
  });

  it('refuses training mode and the running-statistics outputs', () => {
    const values = new Map<string, TensorInfo>([['x', t([1, 2, 3])], ['s', vec([1, 1])]]);
    const ins = ['x', 's', 's', 's', 's'];
    expect(() => parse(conv.BatchNormalization, 'BatchNormalization', ins, values, { training_mode: 1 })).toThrow(UnsupportedError);
    expect(() => parse(conv.BatchNormalization, 'BatchNormalization', ins, values, {}, ['y', 'rm', 'rv'])).toThrow(UnsupportedError);
    expect(parse(conv.BatchNormalization, 'BatchNormalization', ins, values, {}, ['y', '', '']).map((n) => n.op)).toEqual(['Mul', 'Add']);
    expect(() => parse(conv.BatchNormalization, 'BatchNormalization', ins, values, { spatial: 0 }, ['y'], 7)).toThrow(UnsupportedError);
  });
});

// The pipeline stages on their own: import (path, bytes, typed fields, external data),
// inference with symbolic dims, folding of PyTorch's shape chains, dead-node removal and the
// liveness-based memory plan.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { buildPlan, importModel, inferShapes, loadModel, simplify, Tensor } from '../../src/index.js';
import { MODELS_DIR } from '../helpers.js';
import { buildModel } from '../onnx-builder.js';

const { onnx } = onnxProto;
const crabnet = readFileSync(join(MODELS_DIR, 'crabnet.onnx'));

describe('inference and simplification', () => {
  it('keeps the batch symbolic at load and infers output shapes', () => {
    const { graph, values } = importModel(crabnet);
    expect(graph.inputs.map((i) => i.shape)).toEqual([['batch', 8], ['batch', 8]]);
    expect(values.get(graph.outputs[0]!.name)!.shape).toEqual(['batch', 1]);
  });

  it("folds PyTorch's Shape→Gather→Concat→Reshape chains once the batch is known", () => {
    const { graph } = importModel(crabnet);
    const loaded = simplify(graph, inferShapes(graph));
    expect(loaded.nodes.some((n) => n.op === 'Shape')).toBe(true); // batch unknown: the chains stay
    const shapes = new Map(loaded.inputs.map((i) => [i.name, [5, 8]]));
    const values = inferShapes(loaded, shapes);
    const specialised = simplify(loaded, values);
    for (const op of ['Shape', 'Gather', 'Concat']) {
      // the only Gathers left are the embedding look-ups, which read data, not shapes
      const left = specialised.nodes.filter((n) => n.op === op && !(op === 'Gather' && graph.constants.has(n.inputs[0]!)));
      expect(left, `${op} nodes left`).toEqual([]);
    }
    const reshapes = specialised.nodes.filter((n) => n.op === 'Reshape');
    expect(reshapes.length).toBeGreaterThan(0);
    for (const r of reshapes) expect(specialised.constants.has(r.inputs[1]!)).toBe(true);
    expect(values.get(graph.outputs[0]!.name)!.shape).toEqual([5, 1]);
  });

  it('removes nodes no output depends on', () => {
    const model = buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['n', 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['n', 4] }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['y'] },
        { op: 'Exp', inputs: ['x'], outputs: ['unused'] },
        { op: 'Neg', inputs: ['unused'], outputs: ['unused2'] },
      ],
    });
    const { graph } = importModel(model);
    expect(graph.nodes.map((n) => n.op)).toEqual(['Relu', 'Exp', 'Neg']);
    expect(simplify(graph, inferShapes(graph)).nodes.map((n) => n.op)).toEqual(['Relu']);
  });

  it('reuses arena memory between values whose lifetimes do not overlap', () => {
    const { graph } = importModel(readFileSync(join(MODELS_DIR, 'elemnet.onnx')));
    const loaded = simplify(graph, inferShapes(graph));
    const values = inferShapes(loaded, new Map([['composition', [64, 86]]]));
    const weights = new Map([...loaded.constants.keys()].map((k, i) => [k, i]));
    const { plan } = buildPlan(simplify(loaded, values), values, weights, 2 ** 30);
    const arena = plan.tensors.filter((t) => t.storage === 0);
    const total = arena.reduce((s, t) => s + t.dims.reduce((a, b) => a * b, 1) * 4, 0);
    expect(arena.length).toBe(16); // 8 Gemm + 8 Relu outputs; the last Gemm writes the output buffer
    // at most two 64×1024 float tensors are ever alive at once (a Gemm's output and its Relu's)
    expect(plan.arenaBytes).toBe(2 * 64 * 1024 * 4);
    expect(plan.arenaBytes).toBeLessThan(total / 3);
    // no two values alive at the same step share bytes
    const steps = plan.nodes.map((n) => new Set([...n.inputs, ...n.outputs]));
    for (const s of steps) {
      const live = [...s].map((id) => plan.tensors[id]!).filter((t) => t.storage === 0);
      for (const a of live) for (const b of live) {
        if (a === b) continue;
        const [a0, a1] = [a.offset!, a.offset! + a.dims.reduce((x, y) => x * y, 1) * 4];
        const [b0, b1] = [b.offset!, b.offset! + b.dims.reduce((x, y) => x * y, 1) * 4];
        expect(a1 <= b0 || b1 <= a0, `${a.name} and ${b.name} overlap`).toBe(true);
      }
    }
  });
});

describe('import', () => {
  const weights = Float32Array.from([1, -2, 3, -4, 5, -6]);
  function modelWith(init: onnxProto.onnx.ITensorProto): Uint8Array {
    const m = onnx.ModelProto.decode(buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['n', 3] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['n', 2] }],
      nodes: [{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], attrs: { transB: 1 } }],
    }));
    m.graph!.initializer = [init];
    return onnx.ModelProto.encode(m).finish();
  }
  const x = new Tensor('float32', Float32Array.from([1, 1, 1, 0, 1, 0]), [2, 3]);
  const expected = [2, -5, -2, 5]; // rows of w: [1,-2,3], [-4,5,-6]

  it('reads initializers from typed fields (float_data)', async () => {
    const model = await loadModel(modelWith({ name: 'w', dataType: 1, dims: [2, 3], floatData: [...weights] }), { fallback: 'error' });
    expect(Array.from((await model.predict({ x })).y!.data as Float32Array)).toEqual(expected);
    model.dispose();
  });

  it('reads initializers from external data files next to the model, from a path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'srt-ext-'));
    const blob = new Uint8Array(16 + weights.byteLength);
    blob.set(new Uint8Array(weights.buffer), 16);
    writeFileSync(join(dir, 'weights.bin'), blob);
    const bytes = modelWith({
      name: 'w', dataType: 1, dims: [2, 3], dataLocation: 1,
      externalData: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '16' }, { key: 'length', value: String(weights.byteLength) }],
    });
    writeFileSync(join(dir, 'model.onnx'), bytes);
    const model = await loadModel(join(dir, 'model.onnx'), { fallback: 'error' });
    expect(Array.from((await model.predict({ x })).y!.data as Float32Array)).toEqual(expected);
    model.dispose();
    // from bytes, the folder must be given
    await expect(loadModel(bytes)).rejects.toThrow(/stored in the external file 'weights.bin': load the model from a path/);
    const fromBytes = await loadModel(bytes, { baseDir: dir });
    expect(Array.from((await fromBytes.predict({ x })).y!.data as Float32Array)).toEqual(expected);
    fromBytes.dispose();
    // and it may not point outside that folder
    const escape = modelWith({ name: 'w', dataType: 1, dims: [2, 3], dataLocation: 1, externalData: [{ key: 'location', value: '../etc/passwd' }] });
    await expect(loadModel(escape, { baseDir: dir })).rejects.toThrow(/points outside the model's folder/);
  });

  it('loads the same model from a path, a Buffer and an ArrayBuffer', async () => {
    const file = join(MODELS_DIR, 'gmm.onnx');
    const buf = readFileSync(file);
    const models = await Promise.all([loadModel(file), loadModel(buf), loadModel(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))]);
    const feeds = { features: new Tensor('float32', new Float32Array(10).fill(0.3), [2, 5]) };
    const outs = await Promise.all(models.map((m) => m.predict(feeds)));
    for (const o of outs) expect(Array.from(o.log_im!.data as Float32Array)).toEqual(Array.from(outs[0]!.log_im!.data as Float32Array));
    models.forEach((m) => m.dispose());
  });
});

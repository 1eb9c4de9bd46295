// The official ONNX backend test cases as data (../shared/onnx-conformance in a checkout,
// conformance/ in the GPU bundle, SURROGATE_RT_CONFORMANCE anywhere): which cases are in our
// operator set (op set v1), and their inputs and expected outputs. Used by the conformance tests
// and the GPU check.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx, tensorFromProto } from '../onnx/proto.js';
import { Tensor, type TensorData, type TensorType } from '../tensor.js';

/** Op set v1: the ONNX operators our engine implements. */
export const V1_OPS = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Exp', 'Log', 'Erf', 'Neg', 'Abs', 'Reciprocal', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh',
  'Softplus', 'Gelu', 'Clip', 'Where', 'Equal', 'Less', 'Greater', 'And', 'Not', 'Cast', 'Gemm', 'MatMul', 'Conv', 'ConvTranspose',
  'BatchNormalization', 'LayerNormalization', 'Softmax', 'LogSoftmax', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'ReduceMean',
  'ReduceSum', 'ReduceMax', 'ReduceMin', 'Concat', 'Split', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Slice',
  'Gather', 'Expand', 'Tile', 'Pad', 'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Range', 'Identity', 'Dropout',
]);

export const CONFORMANCE_SUITES = ['node', 'pytorch-converted', 'pytorch-operator'];

export interface ConformanceCase {
  suite: string;
  name: string;
  dir: string;
  /** The operators in the case's graph. */
  ops: string[];
}

/** The conformance folder: SURROGATE_RT_CONFORMANCE, else `fallback`. */
export function conformanceDir(fallback: string): string {
  return process.env.SURROGATE_RT_CONFORMANCE || fallback;
}

/** The cases under `dir` whose operators are all in `ops` (default: op set v1), sorted by suite and name. */
export function conformanceCases(dir: string, ops: ReadonlySet<string> = V1_OPS): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const suite of CONFORMANCE_SUITES) {
    const root = join(dir, suite);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const file = join(root, name, 'model.onnx');
      if (!existsSync(file)) continue;
      const m = onnx.ModelProto.decode(readFileSync(file));
      const used = [...new Set((m.graph?.node ?? []).map((n) => (n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.` : '') + n.opType))];
      if (used.length > 0 && used.every((o) => ops.has(o))) out.push({ suite, name, dir: join(root, name), ops: used });
    }
  }
  return out;
}

export function readTensor(path: string): Tensor {
  const c = tensorFromProto(onnx.TensorProto.decode(readFileSync(path)), { baseDir: undefined });
  return new Tensor(c.type as TensorType, c.data as TensorData, c.dims);
}

export interface DataSet {
  name: string;
  /** Inputs by position (graph inputs that are not initializers); absent files are undefined. */
  inputs: (Tensor | undefined)[];
  /** Expected outputs by position. */
  outputs: (Tensor | undefined)[];
}

/** A case's test_data_set_N folders, with inputs for `inputCount` graph inputs and `outputCount` outputs. */
export function dataSets(c: ConformanceCase, inputCount: number, outputCount: number): DataSet[] {
  const read = (dir: string, kind: string, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const f = join(dir, `${kind}_${i}.pb`);
      return existsSync(f) ? readTensor(f) : undefined;
    });
  return readdirSync(c.dir)
    .filter((d) => d.startsWith('test_data_set_'))
    .sort()
    .map((name) => ({ name, inputs: read(join(c.dir, name), 'input', inputCount), outputs: read(join(c.dir, name), 'output', outputCount) }));
}

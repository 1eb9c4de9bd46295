// The graph every stage works on: import (src/onnx) produces it, infer/simplify/plan (src/graph)
// transform it. Values are named; a value is a graph input, an initializer (a constant), or the
// output of exactly one node.

export type DType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool' | 'float16' | 'string' | 'uint16' | 'int16' | 'uint32' | 'uint64' | 'bfloat16';

/** ONNX TensorProto.DataType code for each element type (the native side uses the same codes). */
export const DTYPE_CODE: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9,
  float16: 10, float64: 11, uint32: 12, uint64: 13, bfloat16: 16,
};
export const DTYPE_OF_CODE: Record<number, DType> = Object.fromEntries(
  Object.entries(DTYPE_CODE).map(([k, v]) => [v, k as DType]),
) as Record<number, DType>;

/** Element types our own engine stores and moves; the others can only go to the fallback. */
export const NATIVE_DTYPES: readonly DType[] = ['float32', 'float64', 'int8', 'uint8', 'int32', 'int64', 'bool'];

export const DTYPE_BYTES: Partial<Record<DType, number>> = {
  float32: 4, float64: 8, int8: 1, uint8: 1, int32: 4, int64: 8, bool: 1, float16: 2, uint16: 2, int16: 2, uint32: 4, uint64: 8, bfloat16: 2,
};

/** A dimension: a number, or a symbol such as 'batch' when unknown until run time. */
export type Dim = number | string;
export type Shape = Dim[];

export type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | Uint16Array | Int16Array | Uint32Array | BigUint64Array;

/** A constant tensor: data is a typed array of the element type (int64 → BigInt64Array, bool → Uint8Array). */
export interface ConstTensor {
  type: DType;
  dims: number[];
  data: TypedArray;
}

/** What inference knows about a value: element type, shape (undefined when even the rank is unknown), and its value when constant. */
export interface TensorInfo {
  type: DType;
  shape: Shape | undefined;
  value?: ConstTensor;
}

export type AttrValue = number | number[] | string | string[] | ConstTensor;
export type Attrs = Record<string, AttrValue>;

export interface Node {
  /** Core operator (after lowering in src/onnx); an ONNX op we cannot import keeps its ONNX name and `unsupported`. */
  op: string;
  name: string;
  /** Value names; '' marks an absent optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Attrs;
  /** Set by import when no parser exists or the parser refused the node: why. */
  unsupported?: string;
}

export interface ValueDecl {
  name: string;
  type: DType;
  shape: Shape | undefined;
}

export interface Graph {
  inputs: ValueDecl[];
  /** Declared outputs (type/shape as the file declares them; inference refines them). */
  outputs: ValueDecl[];
  nodes: Node[];
  constants: Map<string, ConstTensor>;
  /** Default-domain opset the model was exported with. */
  opset: number;
  /** Information about the source file, for `info` and error messages. */
  meta: { producer: string; irVersion: number; opsetImports: Record<string, number> };
}

/** Everything inference learnt: one TensorInfo per value name. */
export type ValueTable = Map<string, TensorInfo>;

export function dimsEqual(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function isConcrete(shape: Shape | undefined): shape is number[] {
  return shape !== undefined && shape.every((d) => typeof d === 'number');
}

export function numelOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

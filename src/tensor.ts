// The Tensor users get back (and may pass in): `type`, `dims` and `data`, as onnxruntime's.
import { InvalidArgumentError } from './errors.js';
import { numelOf, type DType } from './graph/ir.js';

export type TensorType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';
export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export const TENSOR_TYPES: readonly TensorType[] = ['float32', 'float64', 'int8', 'uint8', 'int32', 'int64', 'bool'];

const ARRAY_FOR: Record<TensorType, { new (n: number): TensorData; name: string }> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array, int64: BigInt64Array, bool: Uint8Array,
};

/** The typed array class that holds elements of `type`. */
export function arrayClassFor(type: TensorType): { new (n: number): TensorData; name: string } {
  return ARRAY_FOR[type];
}

/** The element type a typed array holds by default (Uint8Array → 'uint8'; say 'bool' explicitly). */
export function typeOfArray(data: unknown): TensorType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  return undefined;
}

export function isTensorType(t: unknown): t is TensorType {
  return typeof t === 'string' && (TENSOR_TYPES as readonly string[]).includes(t);
}

export class Tensor {
  readonly type: TensorType;
  readonly data: TensorData;
  readonly dims: readonly number[];

  /** new Tensor('float32', data, [2, 3]) or new Tensor(data, [2, 3]) (type from the array). */
  constructor(type: TensorType, data: TensorData, dims?: readonly number[]);
  constructor(data: TensorData, dims?: readonly number[]);
  constructor(a: TensorType | TensorData, b?: TensorData | readonly number[], c?: readonly number[]) {
    const [type, data, dims] = typeof a === 'string' ? [a, b as TensorData, c] : [typeOfArray(a), a, b as readonly number[] | undefined];
    if (!isTensorType(type)) throw new InvalidArgumentError(`one of ${TENSOR_TYPES.join(', ')}`, 'Tensor type', type);
    if (!(data instanceof ARRAY_FOR[type])) throw new InvalidArgumentError(`a ${ARRAY_FOR[type].name}`, `the data of a ${type} tensor`, data);
    const shape = dims ?? [data.length];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new InvalidArgumentError('an array of non-negative integers', 'Tensor dims', dims);
    }
    const n = numelOf(shape);
    if (n !== data.length) throw new InvalidArgumentError(`${n} elements for dims [${shape.join(', ')}]`, 'Tensor data', data);
    this.type = type;
    this.data = data;
    this.dims = Object.freeze([...shape]);
  }

  /**
   * A Tensor from parts the library has already checked (outputs of a run): skips validation
   * and copying, since this runs once per request on the hot path. Not for user input.
   */
  static trusted(type: TensorType, data: TensorData, dims: readonly number[]): Tensor {
    const t = Object.create(Tensor.prototype) as { type: TensorType; data: TensorData; dims: readonly number[] };
    t.type = type;
    t.data = data;
    t.dims = Object.freeze(dims);
    return t as Tensor;
  }

  get size(): number {
    return this.data.length;
  }
}

export function tensorTypeOf(t: DType): TensorType | undefined {
  return isTensorType(t) ? t : undefined;
}

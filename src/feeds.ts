// Turning what callers pass to predict() into checked feeds: names, element types, ranks and
// dimensions against the model's inputs, with symbolic dimensions bound consistently.
import { InputError, InvalidArgumentError } from './errors.js';
import { numelOf, type Dim } from './graph/ir.js';
import { isTensorType, typeOfArray, type TensorData, type TensorType } from './tensor.js';

export interface ModelIO {
  name: string;
  type: TensorType | string;
  shape: Dim[] | undefined;
}

export interface Feed {
  name: string;
  type: TensorType;
  data: TensorData;
  dims: number[];
}

/** A tensor-like: our Tensor, onnxruntime's Tensor, or { data, dims } / { data, shape }; or a bare typed array. */
export type FeedValue =
  | { type?: string; data: ArrayBufferView; dims?: readonly number[]; shape?: readonly number[] }
  | TensorData;

/** The input names of a model, computed once per inputs array (checkFeeds runs on every request). */
const namesOf = new WeakMap<readonly ModelIO[], Set<string>>();

export function checkFeeds(inputs: readonly ModelIO[], feeds: unknown): { feeds: Feed[] } {
  if (feeds === null || typeof feeds !== 'object' || Array.isArray(feeds) || ArrayBuffer.isView(feeds)) {
    throw new InvalidArgumentError('an object mapping input names to tensors', 'feeds', feeds);
  }
  const given = feeds as Record<string, unknown>;
  let names = namesOf.get(inputs);
  if (!names) namesOf.set(inputs, (names = new Set(inputs.map((i) => i.name))));
  for (const k in given) {
    if (!names.has(k)) throw new InputError(`Unknown input '${k}': the model's inputs are ${inputs.map((i) => `'${i.name}'`).join(', ')}`);
  }
  let bound: Map<string, { value: number; from: string }> | undefined; // symbolic dims seen so far
  const out: Feed[] = [];
  for (const input of inputs) {
    const value = given[input.name];
    if (value === undefined) throw new InputError(`Missing input '${input.name}' (${input.type}, shape [${(input.shape ?? []).join(', ')}])`);
    const feed = toFeed(input, value);
    const shape = input.shape;
    if (shape) {
      if (feed.dims.length !== shape.length) {
        throw new InputError(`Input '${input.name}' expects rank ${shape.length} (shape [${shape.join(', ')}]) but received dims [${feed.dims.join(', ')}]`);
      }
      for (let i = 0; i < shape.length; i++) {
        const d = shape[i]!;
        const got = feed.dims[i]!;
        if (typeof d === 'number') {
          if (d !== got) throw new InputError(`Input '${input.name}' expects dimension ${i} to be ${d} but received ${got} (dims [${feed.dims.join(', ')}])`);
          continue;
        }
        if (inputs.length === 1) continue; // a symbolic dim can only disagree with another input
        bound ??= new Map();
        const b = bound.get(d);
        if (b && b.value !== got) {
          throw new InputError(`Input '${input.name}' dimension ${i} ('${d}') is ${got}, but '${d}' is ${b.value} in input '${b.from}'`);
        }
        bound.set(d, { value: got, from: input.name });
      }
    }
    out.push(feed);
  }
  return { feeds: out };
}

function toFeed(input: ModelIO, v: unknown): Feed {
  const what = `input '${input.name}'`;
  let data: unknown;
  let dims: unknown;
  let type: unknown;
  if (ArrayBuffer.isView(v)) {
    data = v;
    dims = bareDims(input, v as TensorData);
  } else if (v !== null && typeof v === 'object' && 'data' in v) {
    const t = v as { type?: unknown; data: unknown; dims?: unknown; shape?: unknown };
    data = t.data;
    dims = t.dims ?? t.shape;
    type = t.type;
    if (dims === undefined) throw new InvalidArgumentError('dims (an array of non-negative integers)', what, v);
  } else {
    throw new InvalidArgumentError('a Tensor, an onnxruntime Tensor, { data, dims } or a typed array', what, v);
  }
  const arrayType = typeOfArray(data);
  if (!arrayType) throw new InvalidArgumentError('a typed array (Float32Array, BigInt64Array, Int32Array, ...)', `the data of ${what}`, data);
  if (type !== undefined && !isTensorType(type)) throw new InputError(`Input '${input.name}' has element type '${String(type)}', which is not supported`);
  // A Uint8Array is bool data when the tensor says so or the model expects bool.
  const elem: TensorType = (type as TensorType | undefined) ?? (arrayType === 'uint8' && input.type === 'bool' ? 'bool' : arrayType);
  if (type === 'bool' && arrayType !== 'uint8') throw new InputError(`Input '${input.name}': bool data must be a Uint8Array, received ${(data as object).constructor.name}`);
  if (type !== undefined && type !== 'bool' && type !== arrayType) {
    throw new InputError(`Input '${input.name}' says type ${String(type)} but its data is a ${(data as object).constructor.name}`);
  }
  if (elem !== input.type) {
    throw new InputError(`Input '${input.name}' expects ${input.type} data but received ${elem} (${(data as object).constructor.name})`);
  }
  const copy = checkedDims(dims);
  if (!copy) throw new InvalidArgumentError('an array of non-negative integers', `the dims of ${what}`, dims);
  const n = numelOf(copy);
  const arr = data as TensorData;
  if (n !== arr.length) throw new InputError(`Input '${input.name}' has ${arr.length} elements but dims [${copy.join(', ')}] need ${n}`);
  return { name: input.name, type: elem, data: arr, dims: copy };
}

/** A copy of `dims` when it is an array of non-negative safe integers (the caller may change theirs later). */
function checkedDims(dims: unknown): number[] | undefined {
  if (!Array.isArray(dims)) return undefined;
  const copy = new Array<number>(dims.length);
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (!Number.isSafeInteger(d) || d < 0) return undefined;
    copy[i] = d;
  }
  return copy;
}

/** Dims for a bare typed array: the declared shape with its one symbolic dimension inferred. */
function bareDims(input: ModelIO, data: TensorData): number[] {
  const shape = input.shape;
  const unknown = shape ? shape.filter((d) => typeof d !== 'number').length : -1;
  if (!shape || unknown > 1) {
    throw new InvalidArgumentError('{ data, dims } (the input has more than one unknown dimension)', `input '${input.name}'`, data);
  }
  const known = shape.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);
  if (unknown === 0) return shape as number[];
  if (known === 0 || data.length % known !== 0) {
    throw new InputError(`Input '${input.name}' has ${data.length} elements, not a multiple of ${known} (shape [${shape.join(', ')}])`);
  }
  return shape.map((d) => (typeof d === 'number' ? d : data.length / known));
}

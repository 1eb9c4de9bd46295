// Decoding ONNX protobuf with the maintained generated code of `onnx-proto` (protobufjs), and
// turning TensorProto / AttributeProto into our constants and attribute values.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve } from 'node:path';
import onnxProto from 'onnx-proto';
import { ModelError, UnsupportedError } from '../errors.js';
import type { AttrValue, ConstTensor, DType, Shape } from '../graph/ir.js';
import { DTYPE_BYTES, DTYPE_OF_CODE, numelOf } from '../graph/ir.js';
import { allocArray } from '../graph/values.js';

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;
type ITypeProto = onnxProto.onnx.ITypeProto;

type LongLike = number | { toNumber(): number; toString(): string };

export function num(v: LongLike | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

function big(v: LongLike): bigint {
  return typeof v === 'number' ? BigInt(v) : BigInt(v.toString());
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  if (bytes.byteLength === 0) throw new ModelError('The model is empty (0 bytes)');
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ModelError(`The model is not a valid ONNX file (protobuf decoding failed: ${(e as Error).message}); it may be truncated or corrupt`, 'ERR_INVALID_MODEL', { cause: e });
  }
  if (!model.graph) throw new ModelError('The ONNX file has no graph; it may be truncated or not an ONNX model');
  return model;
}

export function dtypeOf(code: number, what: string): DType {
  const t = DTYPE_OF_CODE[code];
  if (!t) throw new ModelError(`${what} has unknown element type code ${code}`);
  return t;
}

/** Where external tensor data is read from: the model file's folder (only when loaded from a path). */
export interface ExternalDataContext {
  baseDir: string | undefined;
}

/** A TensorProto as a constant (raw_data, typed fields or external data). */
export function tensorFromProto(t: ITensorProto, ext: ExternalDataContext): ConstTensor {
  const name = t.name ?? '(unnamed)';
  const type = dtypeOf(t.dataType ?? 0, `tensor '${name}'`);
  const dims = (t.dims ?? []).map(num);
  if (dims.some((d) => d < 0)) throw new ModelError(`tensor '${name}' has a negative dimension`);
  const n = numelOf(dims);
  const bytesPer = DTYPE_BYTES[type];
  if (type === 'string' || bytesPer === undefined) throw new UnsupportedError(`tensor '${name}' has element type ${type}, which is not supported`);

  let raw: Uint8Array | undefined;
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length > 0)) raw = readExternal(t, name, ext);
  else if (t.rawData && t.rawData.byteLength > 0) raw = t.rawData;

  const data = allocArray(type === 'float16' || type === 'bfloat16' ? 'uint16' : type, n);
  if (raw) {
    if (raw.byteLength !== n * bytesPer) {
      throw new ModelError(`tensor '${name}' has ${raw.byteLength} bytes of data, its shape [${dims}] needs ${n * bytesPer}`);
    }
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(raw);
    return { type, dims, data };
  }
  const fields: ArrayLike<LongLike> =
    type === 'float32' ? t.floatData ?? [] :
    type === 'float64' ? t.doubleData ?? [] :
    type === 'int64' ? t.int64Data ?? [] :
    type === 'uint32' || type === 'uint64' ? t.uint64Data ?? [] :
    t.int32Data ?? [];
  if (fields.length !== n) {
    throw new ModelError(`tensor '${name}' has ${fields.length} values, its shape [${dims}] needs ${n}`);
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) data[i] = big(fields[i]!);
  } else {
    for (let i = 0; i < n; i++) (data as Float32Array)[i] = num(fields[i]);
  }
  return { type, dims, data };
}

function readExternal(t: ITensorProto, name: string, ext: ExternalDataContext): Uint8Array {
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) throw new ModelError(`tensor '${name}' is stored externally but names no location`);
  if (!ext.baseDir) {
    throw new ModelError(`tensor '${name}' is stored in the external file '${location}': load the model from a path (or pass the \`baseDir\` option) so it can be found`);
  }
  const base = resolve(ext.baseDir);
  const file = resolve(base, normalize(location));
  const rel = relative(base, file);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new ModelError(`tensor '${name}': external data location '${location}' points outside the model's folder`);
  const offset = Number(entries.get('offset') ?? '0');
  let length = entries.has('length') ? Number(entries.get('length')) : undefined;
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ModelError(`tensor '${name}': external data file '${join(base, location)}' cannot be read`);
  }
  length ??= size - offset;
  if (!(offset >= 0 && length >= 0 && offset + length <= size)) {
    throw new ModelError(`tensor '${name}': external data range [${offset}, ${offset + length}) lies outside '${location}' (${size} bytes)`);
  }
  const buf = readFileSync(file);
  return new Uint8Array(buf.buffer, buf.byteOffset + offset, length);
}

export function attrFromProto(a: IAttributeProto, ext: ExternalDataContext): AttrValue | undefined {
  const dec = new TextDecoder();
  switch (a.type) {
    case 1: return a.f ?? 0; // FLOAT
    case 2: return num(a.i); // INT
    case 3: return dec.decode(a.s ?? new Uint8Array()); // STRING
    case 4: return a.t ? tensorFromProto(a.t, ext) : undefined; // TENSOR
    case 6: return [...(a.floats ?? [])]; // FLOATS
    case 7: return (a.ints ?? []).map(num); // INTS
    case 8: return (a.strings ?? []).map((s) => dec.decode(s)); // STRINGS
    default: return undefined; // graphs, sparse tensors, type protos: parsers that need them refuse the node
  }
}

/** Element type and (symbolic) shape of a graph input/output/value_info. */
export function typeFromProto(tp: ITypeProto | null | undefined, what: string): { type: DType | undefined; shape: Shape | undefined } {
  const tt = tp?.tensorType;
  if (!tt) return { type: undefined, shape: undefined };
  const type = tt.elemType ? dtypeOf(tt.elemType, what) : undefined;
  if (!tt.shape) return { type, shape: undefined };
  let unnamed = 0;
  const shape = (tt.shape.dim ?? []).map((d) => {
    const which = (d as { value?: string }).value; // the oneof: 'dimValue' | 'dimParam' | unset
    if (which === 'dimValue') {
      const v = num(d.dimValue);
      if (v >= 0) return v;
    }
    return d.dimParam && d.dimParam.length > 0 ? d.dimParam : `${what}:${unnamed++}`;
  });
  return { type, shape };
}

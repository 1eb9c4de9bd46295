// The Open Inference Protocol (KServe v2) on the wire: datatype names, model metadata, and the
// parsing of inference requests and writing of responses, as JSON tensors or with the binary
// tensor data extension (a JSON header of Inference-Header-Content-Length bytes followed by the
// raw little-endian tensor bytes, in the order the header lists them).
import type { Model, TensorInfo } from '../model.js';
import { numelOf } from '../graph/ir.js';
import { Tensor, type TensorData, type TensorType } from '../tensor.js';

/** A request the protocol refuses, with the HTTP status to answer with. */
export class ProtocolError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** KServe datatype names of the element types the models may declare (metadata). */
const DATATYPE_OF: Record<string, string> = {
  float32: 'FP32', float64: 'FP64', float16: 'FP16', bfloat16: 'BF16',
  int64: 'INT64', int32: 'INT32', int16: 'INT16', int8: 'INT8',
  uint64: 'UINT64', uint32: 'UINT32', uint16: 'UINT16', uint8: 'UINT8',
  bool: 'BOOL', string: 'BYTES',
};

/** The datatypes an inference request may carry, with the tensor type and bytes per element. */
const TENSOR_TYPE_OF: Record<string, { type: TensorType; bytes: number }> = {
  FP32: { type: 'float32', bytes: 4 },
  FP64: { type: 'float64', bytes: 8 },
  INT64: { type: 'int64', bytes: 8 },
  INT32: { type: 'int32', bytes: 4 },
  INT8: { type: 'int8', bytes: 1 },
  UINT8: { type: 'uint8', bytes: 1 },
  BOOL: { type: 'bool', bytes: 1 },
};

const INTEGER_RANGE: Partial<Record<TensorType, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int8: [-128, 127],
  uint8: [0, 255],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};

/** The KServe datatype name of an element type ('float32' → 'FP32'); unknown types pass through upper-cased. */
export function datatypeOf(type: string): string {
  return DATATYPE_OF[type] ?? type.toUpperCase();
}

/** A tensor's metadata: KServe datatype, and -1 for symbolic dimensions. */
export function tensorMetadata(info: TensorInfo): { name: string; datatype: string; shape: number[] } {
  return { name: info.name, datatype: datatypeOf(String(info.type)), shape: info.shape.map((d) => (typeof d === 'number' ? d : -1)) };
}

/** GET /v2/models/{name}: the model metadata response. */
export function modelMetadata(name: string, model: Model): object {
  return {
    name,
    versions: ['1'],
    platform: 'onnx',
    inputs: model.inputs.map(tensorMetadata),
    outputs: model.outputs.map(tensorMetadata),
  };
}

export interface RequestedOutput {
  name: string;
  /** Returned as raw bytes after the JSON header instead of as JSON data. */
  binary: boolean;
}

export interface InferRequest {
  id?: string;
  /** Input name → tensor, ready for model.predict (a null-prototype object). */
  feeds: Record<string, Tensor>;
  outputs: RequestedOutput[];
  timeoutMs?: number;
  priority?: 'high' | 'normal';
}

const bad = (message: string) => new ProtocolError(400, message);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

/**
 * Parses the body of POST /v2/models/{name}/infer for `model`. `headerLength` is the
 * Inference-Header-Content-Length header, when the request uses the binary extension. Checks
 * the protocol (JSON, names, datatypes, data against shape); ranks and dimensions against the
 * model are left to the model's own feed checks.
 */
export function parseInferRequest(body: unknown, headerLength: string | string[] | undefined, model: Model): InferRequest {
  if (!Buffer.isBuffer(body) || body.length === 0) throw bad('The request body is empty: expected an inference request (JSON)');
  let jsonLength = body.length;
  if (headerLength !== undefined) {
    const text = Array.isArray(headerLength) ? headerLength[0] : headerLength;
    if (text === undefined || !/^\d+$/.test(text.trim()) || Number(text) > body.length) {
      throw bad(`Inference-Header-Content-Length must be a number of bytes between 0 and the body's ${body.length}, received '${show(headerLength)}'`);
    }
    jsonLength = Number(text);
  }
  let request: unknown;
  try {
    request = JSON.parse(body.subarray(0, jsonLength).toString('utf8'));
  } catch (e) {
    throw bad(`Malformed JSON in the inference request: ${(e as Error).message}`);
  }
  if (!isObject(request)) throw bad('The inference request must be a JSON object with an "inputs" array');

  const { id, parameters } = request;
  if (id !== undefined && typeof id !== 'string') throw bad(`The request "id" must be a string, received ${show(id)}`);
  if (parameters !== undefined && !isObject(parameters)) throw bad('The request "parameters" must be an object');
  const params = parameters ?? {};
  const timeout = params.timeout;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
    throw bad(`The "timeout" parameter must be a positive number of milliseconds, received ${show(timeout)}`);
  }
  const priority = params.priority;
  if (priority !== undefined && priority !== 'high' && priority !== 'normal') {
    throw bad(`The "priority" parameter must be "high" or "normal", received ${show(priority)}`);
  }
  const binaryOutput = params.binary_data_output;
  if (binaryOutput !== undefined && typeof binaryOutput !== 'boolean') {
    throw bad(`The "binary_data_output" parameter must be a boolean, received ${show(binaryOutput)}`);
  }

  const binary = { body, offset: jsonLength };
  const feeds = parseInputs(request.inputs, model, binary);
  if (binary.offset !== body.length) {
    throw bad(`The request has ${body.length - binary.offset} bytes of binary data that no input claims (binary_data_size)`);
  }
  return {
    id,
    feeds,
    outputs: parseOutputs(request.outputs, model, binaryOutput === true),
    timeoutMs: timeout as number | undefined,
    priority: priority as InferRequest['priority'],
  };
}

function parseInputs(inputs: unknown, model: Model, binary: { body: Buffer; offset: number }): Record<string, Tensor> {
  if (!Array.isArray(inputs) || inputs.length === 0) throw bad('The inference request must have a non-empty "inputs" array');
  const byName = new Map(model.inputs.map((i) => [i.name, i]));
  const feeds: Record<string, Tensor> = Object.create(null);
  for (const [k, input] of inputs.entries()) {
    if (!isObject(input)) throw bad(`inputs[${k}] must be an object with name, shape, datatype and data`);
    const { name, shape, datatype, data } = input;
    if (typeof name !== 'string') throw bad(`inputs[${k}].name must be a string, received ${show(name)}`);
    const info = byName.get(name);
    if (!info) throw bad(`Unknown input '${name}': the model's inputs are ${model.inputs.map((i) => `'${i.name}'`).join(', ')}`);
    if (name in feeds) throw bad(`Input '${name}' is given more than once`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw bad(`Input '${name}': shape must be an array of non-negative integers, received ${show(shape)}`);
    }
    const dims = shape as number[];
    const expected = datatypeOf(String(info.type));
    if (typeof datatype !== 'string' || !(datatype in TENSOR_TYPE_OF)) {
      throw bad(`Input '${name}': datatype ${show(datatype)} is not supported (expected ${expected}; supported: ${Object.keys(TENSOR_TYPE_OF).join(', ')})`);
    }
    if (datatype !== expected) throw bad(`Input '${name}' expects datatype ${expected} but received ${datatype}`);
    const { type, bytes } = TENSOR_TYPE_OF[datatype]!;
    const numel = numelOf(dims);
    if (!Number.isSafeInteger(numel * bytes)) throw bad(`Input '${name}': shape [${dims.join(', ')}] is too large`);

    const params = input.parameters;
    if (params !== undefined && !isObject(params)) throw bad(`Input '${name}': parameters must be an object`);
    const size = params?.binary_data_size;
    let values: TensorData;
    if (size !== undefined) {
      if (data !== undefined) throw bad(`Input '${name}' has both data and parameters.binary_data_size`);
      if (!Number.isSafeInteger(size) || (size as number) < 0) throw bad(`Input '${name}': binary_data_size must be a non-negative integer, received ${show(size)}`);
      if (size !== numel * bytes) {
        throw bad(`Input '${name}': binary_data_size is ${String(size)} bytes but shape [${dims.join(', ')}] of ${datatype} needs ${numel * bytes}`);
      }
      if (binary.offset + numel * bytes > binary.body.length) {
        throw bad(`Input '${name}': the body ends before its ${numel * bytes} bytes of binary data`);
      }
      values = fromBytes(type, numel, binary.body.subarray(binary.offset, binary.offset + numel * bytes));
      binary.offset += numel * bytes;
    } else {
      if (data === undefined) throw bad(`Input '${name}' has no data (give "data" or parameters.binary_data_size)`);
      values = fromJson(name, type, datatype, dims, numel, data);
    }
    feeds[name] = new Tensor(type, values, dims);
  }
  return feeds;
}

function parseOutputs(outputs: unknown, model: Model, binaryDefault: boolean): RequestedOutput[] {
  if (outputs === undefined) return model.outputs.map((o) => ({ name: o.name, binary: binaryDefault }));
  if (!Array.isArray(outputs)) throw bad('The request "outputs" must be an array of { name }');
  const names = new Set(model.outputs.map((o) => o.name));
  const seen = new Set<string>();
  return outputs.map((o, k) => {
    if (!isObject(o) || typeof o.name !== 'string') throw bad(`outputs[${k}] must be an object with a string name`);
    if (!names.has(o.name)) throw bad(`Unknown output '${o.name}': the model's outputs are ${model.outputs.map((x) => `'${x.name}'`).join(', ')}`);
    if (seen.has(o.name)) throw bad(`Output '${o.name}' is requested more than once`);
    seen.add(o.name);
    const params = o.parameters;
    if (params !== undefined && !isObject(params)) throw bad(`Output '${o.name}': parameters must be an object`);
    const flag = params?.binary_data;
    if (flag !== undefined && typeof flag !== 'boolean') throw bad(`Output '${o.name}': binary_data must be a boolean, received ${show(flag)}`);
    return { name: o.name, binary: flag ?? binaryDefault };
  });
}

/** A typed array holding a copy of `bytes` (little-endian; the copy also aligns it). */
function fromBytes(type: TensorType, numel: number, bytes: Buffer): TensorData {
  const values = new (arrayFor(type))(numel);
  new Uint8Array(values.buffer).set(bytes);
  return values;
}

function arrayFor(type: TensorType): { new (n: number): TensorData } {
  switch (type) {
    case 'float32': return Float32Array;
    case 'float64': return Float64Array;
    case 'int64': return BigInt64Array;
    case 'int32': return Int32Array;
    case 'int8': return Int8Array;
    default: return Uint8Array; // uint8, bool
  }
}

/**
 * The values of JSON `data`, flat (row-major) or nested as the shape says, checked element by
 * element: numbers for floats (null reads as NaN, as JSON writes it), integers in range for
 * integer types, true/false (or 0/1) for BOOL.
 */
function fromJson(name: string, type: TensorType, datatype: string, dims: number[], numel: number, data: unknown): TensorData {
  if (!Array.isArray(data)) throw bad(`Input '${name}': data must be an array, received ${show(data)}`);
  let flat: unknown[];
  if (data.length > 0 && Array.isArray(data[0])) {
    flat = [];
    flatten(name, data, dims, 0, flat);
  } else {
    flat = data;
  }
  if (flat.length !== numel) throw bad(`Input '${name}' has ${flat.length} data elements but shape [${dims.join(', ')}] needs ${numel}`);
  const values = new (arrayFor(type))(numel);
  const elementError = (i: number, what: string) => bad(`Input '${name}': data element ${i} is ${show(flat[i])}, not ${what} (${datatype})`);
  if (type === 'float32' || type === 'float64') {
    const out = values as Float32Array | Float64Array;
    for (let i = 0; i < numel; i++) {
      const v = flat[i];
      if (typeof v === 'number') out[i] = v;
      else if (v === null) out[i] = NaN;
      else throw elementError(i, 'a number');
    }
  } else if (type === 'bool') {
    const out = values as Uint8Array;
    for (let i = 0; i < numel; i++) {
      const v = flat[i];
      if (v === true || v === 1) out[i] = 1;
      else if (v === false || v === 0) out[i] = 0;
      else throw elementError(i, 'true or false');
    }
  } else {
    const [lo, hi] = INTEGER_RANGE[type]!;
    for (let i = 0; i < numel; i++) {
      const v = flat[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw elementError(i, `an integer between ${lo} and ${hi}`);
      if (type === 'int64') (values as BigInt64Array)[i] = BigInt(v);
      else (values as Int32Array)[i] = v;
    }
  }
  return values;
}

/** Appends the leaves of nested `data` to `out`, checking that the nesting follows `dims`. */
function flatten(name: string, data: unknown, dims: number[], depth: number, out: unknown[]): void {
  if (depth === dims.length) {
    if (Array.isArray(data)) throw bad(`Input '${name}': nested data is deeper than shape [${dims.join(', ')}]`);
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== dims[depth]) {
    throw bad(`Input '${name}': nested data does not match shape [${dims.join(', ')}] at depth ${depth}`);
  }
  for (const item of data) flatten(name, item, dims, depth + 1, out);
}

/** The JSON values of a tensor: numbers (int64 as numbers; NaN and ±Infinity become null in JSON) or booleans. */
function toJson(t: Tensor): unknown[] {
  if (t.type === 'bool') return Array.from(t.data as Uint8Array, (v) => v !== 0);
  if (t.type === 'int64') return Array.from(t.data as BigInt64Array, (v) => Number(v));
  return Array.from(t.data as Float32Array);
}

/** The response to an inference request: a JSON string, and the binary outputs' bytes that follow it. */
export function inferResponse(
  modelName: string,
  request: InferRequest,
  result: Record<string, Tensor>,
): { json: string; binary: Buffer[] } {
  const binary: Buffer[] = [];
  const outputs = request.outputs.map(({ name, binary: asBinary }) => {
    const t = result[name]!;
    const meta = { name, datatype: datatypeOf(t.type), shape: [...t.dims] };
    if (!asBinary) return { ...meta, data: toJson(t) };
    binary.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    return { ...meta, parameters: { binary_data_size: t.data.byteLength } };
  });
  const response = { model_name: modelName, model_version: '1', ...(request.id !== undefined ? { id: request.id } : {}), outputs };
  return { json: JSON.stringify(response), binary };
}

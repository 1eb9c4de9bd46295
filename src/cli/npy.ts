// NumPy .npy files for the CLI: read (format versions 1, 2 and 3; little-endian <f4 <f8 <i4 <i8,
// |u1 |b1 |i1; C order) into our Tensor, and write a Tensor back (version 1, or 2 for a header
// that does not fit 1). Fortran order, big-endian, structured and other dtypes are refused with
// an error that says what the file has and what is supported.
import { readFile, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { numelOf } from '../graph/ir.js';
import { Tensor, type TensorData, type TensorType } from '../tensor.js';

/** A malformed or unsupported .npy file. */
export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** NumPy dtype (kind + item size) for each tensor type we read and write. */
const DESCR: Record<TensorType, { kind: string; size: number }> = {
  float32: { kind: 'f', size: 4 },
  float64: { kind: 'f', size: 8 },
  int32: { kind: 'i', size: 4 },
  int64: { kind: 'i', size: 8 },
  int8: { kind: 'i', size: 1 },
  uint8: { kind: 'u', size: 1 },
  bool: { kind: 'b', size: 1 },
};

const SUPPORTED = "'<f4', '<f8', '<i4', '<i8', '|u1', '|b1', '|i1'";

function typeOfDescr(descr: string): TensorType {
  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new NpyError(`The .npy dtype '${descr}' is not supported (supported: ${SUPPORTED})`);
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText);
  const type = (Object.keys(DESCR) as TensorType[]).find((t) => DESCR[t].kind === kind && DESCR[t].size === size);
  if (!type) throw new NpyError(`The .npy dtype '${descr}' is not supported (supported: ${SUPPORTED})`);
  // One-byte types have no byte order ('|'); numpy never writes '=' but it means this machine's order.
  if (size > 1 && order === '>') {
    throw new NpyError(`The .npy file is big-endian ('${descr}'); only little-endian data is supported (in NumPy: a.astype(a.dtype.newbyteorder('<')))`);
  }
  if (size > 1 && order !== '<' && order !== '=') throw new NpyError(`The .npy dtype '${descr}' has no byte order; expected '<${kind}${size}'`);
  return type;
}

/** The header dictionary, a Python literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }. */
interface Header { descr: string; fortranOrder: boolean; shape: number[] }

/** A small parser for the Python literals .npy headers use: dicts, tuples, strings, ints, True/False. */
function parseHeader(text: string): Header {
  let pos = 0;
  const fail = (what: string): never => {
    throw new NpyError(`The .npy header is malformed (${what} at character ${pos}): ${JSON.stringify(text.trim())}`);
  };
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const value = (): unknown => {
    skip();
    const c = text[pos];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) fail('an unterminated string');
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      pos++;
      const items: unknown[] = [];
      for (;;) {
        skip();
        if (text[pos] === close) { pos++; return items; }
        items.push(value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== close) fail(`'${close}' or ','`);
      }
    }
    if (c === '{') {
      pos++;
      const dict: Record<string, unknown> = {};
      for (;;) {
        skip();
        if (text[pos] === '}') { pos++; return dict; }
        const key = value();
        if (typeof key !== 'string') fail('a string key');
        skip();
        if (text[pos] !== ':') fail("':'");
        pos++;
        dict[key as string] = value();
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail("'}' or ','");
      }
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(pos));
    if (!m) fail('an unexpected character');
    pos += m![0].length;
    if (m![0] === 'True') return true;
    if (m![0] === 'False') return false;
    if (m![0] === 'None') return null;
    return Number(m![0].replace(/L$/, ''));
  };
  const dict = value();
  skip();
  if (pos !== text.length) fail('trailing characters');
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) fail('a dictionary');
  const d = dict as Record<string, unknown>;
  if (Array.isArray(d.descr)) throw new NpyError('The .npy file holds a structured array (a record dtype); only plain numeric arrays are supported');
  if (typeof d.descr !== 'string') throw new NpyError("The .npy header has no 'descr' string");
  if (typeof d.fortran_order !== 'boolean') throw new NpyError("The .npy header has no 'fortran_order' flag");
  if (!Array.isArray(d.shape) || !d.shape.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
    throw new NpyError("The .npy header's 'shape' is not a tuple of non-negative integers");
  }
  return { descr: d.descr, fortranOrder: d.fortran_order, shape: d.shape as number[] };
}

function checkHostOrder(): void {
  if (endianness() !== 'LE') throw new NpyError('.npy files can only be read and written on little-endian machines');
}

/** Parses the bytes of a .npy file into a Tensor (the data is copied). */
export function decodeNpy(bytes: Uint8Array): Tensor {
  checkHostOrder();
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new NpyError('Not a .npy file: it does not start with the magic string \\x93NUMPY');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError('The .npy file is truncated (in its header)');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(`The .npy format version ${major}.${minor} is not supported (versions 1, 2 and 3 are)`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new NpyError('The .npy file is truncated (in its header)');
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const header = parseHeader(headerText);
  const type = typeOfDescr(header.descr);
  const n = numelOf(header.shape);
  if (header.fortranOrder) {
    throw new NpyError('The .npy array is in Fortran (column-major) order; only C order is supported (in NumPy: np.save(path, np.ascontiguousarray(a)))');
  }
  const size = DESCR[type].size;
  const byteLength = n * size;
  const available = bytes.length - dataStart;
  if (available < byteLength) {
    throw new NpyError(`The .npy file is truncated: shape (${header.shape.join(', ')}) of ${header.descr} needs ${byteLength} bytes of data but the file has ${available}`);
  }
  if (available > byteLength) {
    throw new NpyError(`The .npy file has ${available - byteLength} bytes after the data of shape (${header.shape.join(', ')}) of ${header.descr}; it may be corrupt`);
  }
  // Copied into a fresh, aligned buffer: the file's bytes may sit at any offset.
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(dataStart, dataStart + byteLength));
  let data: TensorData;
  switch (type) {
    case 'float32': data = new Float32Array(copy.buffer); break;
    case 'float64': data = new Float64Array(copy.buffer); break;
    case 'int32': data = new Int32Array(copy.buffer); break;
    case 'int64': data = new BigInt64Array(copy.buffer); break;
    case 'int8': data = new Int8Array(copy.buffer); break;
    case 'uint8': data = copy; break;
    case 'bool': data = copy.map((v) => (v ? 1 : 0)); break;
  }
  return new Tensor(type, data, header.shape);
}

/** The bytes of a .npy file holding `tensor` (C order, little-endian). */
export function encodeNpy(tensor: { type: TensorType; dims: readonly number[]; data: TensorData }): Uint8Array {
  checkHostOrder();
  const d = DESCR[tensor.type];
  if (!d) throw new NpyError(`Cannot write a ${String(tensor.type)} tensor to .npy`);
  const descr = `${d.size === 1 ? '|' : '<'}${d.kind}${d.size}`;
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Version 1 has a 16-bit header length; the whole preamble is padded to a multiple of 64 bytes.
  const major = dict.length + 1 + 10 <= 65535 ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const headerLen = total - prefix;
  const header = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
  const data = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, total);
  return out;
}

/** Reads a .npy file; errors name the file. */
export async function readNpy(path: string): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new NpyError(`Cannot read '${path}': ${(e as Error).message}`);
  }
  try {
    return decodeNpy(bytes);
  } catch (e) {
    if (e instanceof NpyError) throw new NpyError(`${path}: ${e.message}`);
    throw e;
  }
}

export async function writeNpy(path: string, tensor: { type: TensorType; dims: readonly number[]; data: TensorData }): Promise<void> {
  await writeFile(path, encodeNpy(tensor));
}

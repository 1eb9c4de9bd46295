// `surrogate-rt predict <model.onnx> --input ...`: runs a model once on inputs from JSON or .npy
// files and prints the outputs as JSON (or writes them to a JSON file, or .npy files in a folder).
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { numelOf } from '../graph/ir.js';
import { loadModel, type TensorInfo } from '../model.js';
import { isTensorType, Tensor, type TensorData, type TensorType } from '../tensor.js';
import { UsageError, valueOf, type CommandSpec, type ParsedArgs } from './args.js';
import { formatShape, LOAD_OPTIONS, loadOptionsOf, readModelFile } from './common.js';
import { readNpy, writeNpy } from './npy.js';

export const predictSpec: CommandSpec = {
  name: 'predict',
  short: 'run a model on JSON or .npy inputs and print or write its outputs',
  summary: 'Runs the model once on the given inputs and prints its outputs as JSON (type, dims, data).',
  positionals: [{ name: 'model.onnx', description: 'the ONNX model file' }],
  options: [
    { name: 'input', kind: 'values', placeholder: 'FILE', description: 'FILE.json with every input, FILE.npy for a single-input model,\nor name=FILE.npy for one input (repeat --input for several)' },
    { name: 'output', kind: 'value', placeholder: 'FILE|DIR', description: 'write all outputs to FILE.json, or as <name>.npy files into DIR\n(FILE.npy: the one output of a single-output model)' },
    { name: 'full', kind: 'flag', description: 'print every value (in a terminal, long outputs are cut short)' },
    ...LOAD_OPTIONS,
  ],
  details: [
    'JSON inputs map input names to tensors, as {"dims": [...], "data": [...], "type"?: "float32"}',
    '(data flat or nested; dims may be left out when data is nested) or as a bare nested array.',
    'The element type defaults to the model\'s; int64 values may be strings, floats may be "NaN",',
    '"Infinity" or "-Infinity", bools true/false or 1/0. A .npy input of another numeric type is',
    'converted to the model\'s type (integers only from integral values).',
    '',
    'Examples:',
    '  surrogate-rt predict models/gmm.onnx --input features.json',
    '  surrogate-rt predict models/phasenet.onnx --input waveform.npy --output out/',
    '  surrogate-rt predict models/crabnet.onnx --input elements=el.npy --input fractions=fr.npy --output out.json',
  ].join('\n'),
};

/** Values printed per output in a terminal unless --full. */
export const TERMINAL_LIMIT = 20;

/** Integer ranges of the integer tensor types (as numbers; int64 is checked with bigints). */
const INT_RANGE: Partial<Record<TensorType, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int32: [-(2 ** 31), 2 ** 31 - 1],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The dims of a nested array, from its first items ([[1, 2], [3, 4]] → [2, 2]). */
function nestedDims(value: unknown): number[] {
  const dims: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    dims.push(v.length);
    v = v[0];
  }
  return dims;
}

/** The leaves of a nested array of the given dims, in C order; a ragged array is an error. */
function flatten(value: unknown, dims: number[], where: string): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown, depth: number, path: string) => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw new InputError(`${where}: the nested array is deeper than dims ${formatShape(dims)} at ${path || 'the top'}`);
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) {
      throw new InputError(`${where}: the nested array is ragged at ${path || 'the top'}: expected ${dims[depth]} item(s) but found ${Array.isArray(v) ? v.length : 'a single value'}`);
    }
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return out;
}

/** JSON values → a typed array of `type`, with an error naming the first bad item. */
function typedArrayOf(type: TensorType, values: unknown[], where: string): TensorData {
  const bad = (i: number, expected: string): never => {
    const v = values[i];
    throw new InputError(`${where}: item ${i} should be ${expected} but is ${typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v)}`);
  };
  const n = values.length;
  switch (type) {
    case 'float32':
    case 'float64': {
      const data = type === 'float32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'number') data[i] = v;
        else if (v === null || v === 'NaN') data[i] = NaN; // JSON.stringify writes NaN as null
        else if (v === 'Infinity' || v === '-Infinity') data[i] = Number(v);
        else bad(i, 'a number');
      }
      return data;
    }
    case 'int64': {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        let b: bigint | undefined;
        if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
        else if (typeof v === 'string' && /^-?\d+$/.test(v)) b = BigInt(v);
        if (b === undefined || b < INT64_MIN || b > INT64_MAX) bad(i, 'an int64 integer (a number, or a string for large values)');
        data[i] = b!;
      }
      return data;
    }
    case 'bool': {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === true || v === 1) data[i] = 1;
        else if (v === false || v === 0) data[i] = 0;
        else bad(i, 'true, false, 1 or 0');
      }
      return data;
    }
    default: {
      const [lo, hi] = INT_RANGE[type]!;
      const data = type === 'int32' ? new Int32Array(n) : type === 'int8' ? new Int8Array(n) : new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = typeof values[i] === 'string' && /^-?\d+$/.test(values[i] as string) ? Number(values[i]) : values[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) bad(i, `a ${type} integer (${lo} to ${hi})`);
        data[i] = v as number;
      }
      return data;
    }
  }
}

/** The model's element type of an input, when the CLI can build tensors of it. */
function inputType(info: TensorInfo): TensorType {
  if (!isTensorType(info.type)) throw new InputError(`Input '${info.name}' is ${info.type}, which the CLI cannot build tensors of`);
  return info.type;
}

/**
 * One input from JSON: { dims, data, type? } with flat or nested data, or a bare nested array (or a
 * number, for a scalar). Flat data without dims becomes a bare typed array, whose dims the library
 * infers from the model's shape (when only the batch dimension is unknown).
 */
export function tensorFromJson(info: TensorInfo, value: unknown, where: string): Tensor | TensorData {
  let type = inputType(info);
  let data: unknown;
  let dims: number[] | undefined;
  if (Array.isArray(value) || typeof value === 'number') {
    data = value;
  } else if (value !== null && typeof value === 'object' && 'data' in value) {
    const t = value as { data: unknown; dims?: unknown; shape?: unknown; type?: unknown };
    for (const key of Object.keys(t)) {
      if (!['data', 'dims', 'shape', 'type'].includes(key)) throw new InputError(`${where}: unknown field '${key}' (expected data, dims and type)`);
    }
    const d = t.dims ?? t.shape;
    if (d !== undefined) {
      if (!Array.isArray(d) || !d.every((x) => Number.isSafeInteger(x) && x >= 0)) throw new InputError(`${where}: dims should be an array of non-negative integers but is ${JSON.stringify(d)}`);
      dims = d as number[];
    }
    if (t.type !== undefined) {
      if (!isTensorType(t.type)) throw new InputError(`${where}: type should be one of float32, float64, int8, uint8, int32, int64, bool but is ${JSON.stringify(t.type)}`);
      type = t.type; // a type other than the model's is reported by predict() itself
    }
    data = t.data;
    if (!Array.isArray(data) && typeof data !== 'number') throw new InputError(`${where}: data should be an array (flat or nested) but is ${JSON.stringify(data)}`);
  } else {
    throw new InputError(`${where}: expected {"dims": [...], "data": [...]} or a nested array but found ${value === null ? 'null' : typeof value}`);
  }
  if (typeof data === 'number') return new Tensor(type, typedArrayOf(type, [data], where), dims ?? []);
  const nested = nestedDims(data);
  if (dims === undefined) {
    if (nested.length === 1 && (info.shape?.length ?? 1) !== 1) return typedArrayOf(type, data as unknown[], where);
    return new Tensor(type, typedArrayOf(type, flatten(data, nested, where), where), nested);
  }
  const n = numelOf(dims);
  const flat = nested.length <= 1 ? (data as unknown[]) : flatten(data, nested, where);
  if (flat.length !== n) throw new InputError(`${where}: dims ${formatShape(dims)} need ${n} value(s) but data has ${flat.length}`);
  if (flat.some((v) => Array.isArray(v))) throw new InputError(`${where}: the nested data is ragged`);
  return new Tensor(type, typedArrayOf(type, flat, where), dims);
}

/** A .npy tensor in the model's element type: numeric types convert (to integers only from integral values). */
export function convertTensor(t: Tensor, type: TensorType, where: string): Tensor {
  if (t.type === type) return t;
  const n = t.size;
  const get = (i: number): number | bigint => t.data[i]!;
  if (type === 'int64') {
    const data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const v = get(i);
      if (typeof v === 'number' && !Number.isInteger(v)) throw new InputError(`${where}: cannot convert ${t.type} to int64: item ${i} is ${v}, not an integer`);
      data[i] = BigInt(v);
    }
    return new Tensor(type, data, t.dims);
  }
  const values: number[] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = Number(get(i));
  if (type === 'float32' || type === 'float64') return new Tensor(type, type === 'float32' ? Float32Array.from(values) : Float64Array.from(values), t.dims);
  return new Tensor(type, typedArrayOf(type, values, `${where}, converting ${t.type} to ${type}`), t.dims);
}

/**
 * The feeds from the --input arguments: FILE.json (any inputs), FILE.npy (a single-input model) or
 * name=FILE.npy. `note` receives conversions worth telling the user about.
 */
export async function readFeeds(inputs: readonly TensorInfo[], specs: string[], note: (message: string) => void): Promise<Record<string, Tensor | TensorData>> {
  const feeds: Record<string, Tensor | TensorData> = {};
  const from: Record<string, string> = {};
  const names = inputs.map((i) => i.name);
  const add = (name: string, value: Tensor | TensorData, file: string) => {
    if (from[name] !== undefined) throw new UsageError(`Input '${name}' is given twice (in ${from[name]} and ${file})`, 'predict');
    feeds[name] = value;
    from[name] = file;
  };
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const named = eq > 0 && names.includes(spec.slice(0, eq)) ? spec.slice(0, eq) : undefined;
    const file = named === undefined ? spec : spec.slice(eq + 1);
    const lower = file.toLowerCase();
    if (lower.endsWith('.json')) {
      if (named !== undefined) throw new UsageError(`--input ${spec}: name=FILE is for .npy files; a JSON file names its inputs itself`, 'predict');
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw new InputError(`Cannot read the JSON input '${file}': ${(e as Error).message}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new InputError(`${file}: expected an object mapping input names (${names.join(', ')}) to tensors`);
      }
      for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
        const info = inputs.find((i) => i.name === name);
        if (!info) throw new InputError(`${file}: the model has no input '${name}'; its inputs are ${names.map((n) => `'${n}'`).join(', ')}`);
        add(name, tensorFromJson(info, value, `${file}: input '${name}'`), file);
      }
    } else if (lower.endsWith('.npy')) {
      let name = named;
      if (name === undefined) {
        if (inputs.length !== 1) {
          throw new UsageError(`--input ${spec}: the model has ${inputs.length} inputs (${names.join(', ')}); name each .npy file as --input name=FILE.npy`, 'predict');
        }
        name = names[0]!;
      }
      const info = inputs.find((i) => i.name === name)!;
      const type = inputType(info);
      const t = await readNpy(file);
      if (t.type !== type) note(`input '${name}': converting ${file} from ${t.type} to ${type} (the model's type)`);
      add(name, convertTensor(t, type, `${file} (input '${name}')`), file);
    } else {
      const hint = eq > 0 && named === undefined ? `; '${spec.slice(0, eq)}' is not an input of the model (${names.join(', ')})` : '';
      throw new UsageError(`--input ${spec}: expected a .json or .npy file${hint}`, 'predict');
    }
  }
  return feeds;
}

/** The shortest decimal that reads back as the same float32. */
function float32Text(v: number): string {
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(Number(v.toPrecision(9)));
}

/** One value as JSON text: non-finite floats as strings, int64 beyond 2^53 as strings, bools as true/false. */
function valueText(t: Tensor, i: number): string {
  const v = t.data[i]!;
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? v.toString() : `"${v}"`;
  if (t.type === 'bool') return v ? 'true' : 'false';
  if (!Number.isFinite(v)) return `"${v}"`; // "NaN", "Infinity", "-Infinity"
  return t.type === 'float32' ? float32Text(v) : String(v);
}

/**
 * Outputs as JSON text: { name: { type, dims, data } }, data flat and wrapped at about 100
 * characters. With a `limit`, longer data is cut to its first `limit` values and marked
 * "truncated": true. Any element type reads back with readFeeds' JSON rules.
 */
export function outputsToJson(outputs: Record<string, Tensor>, limit?: number): string {
  const entries = Object.entries(outputs).map(([name, t]) => {
    const shown = limit === undefined ? t.size : Math.min(limit, t.size);
    const lines: string[] = [];
    let line = '';
    for (let i = 0; i < shown; i++) {
      const text = valueText(t, i) + (i < shown - 1 ? ',' : '');
      if (line.length > 0 && line.length + text.length + 1 > 100) {
        lines.push(line);
        line = '';
      }
      line += line.length > 0 ? ` ${text}` : text;
    }
    if (line.length > 0) lines.push(line);
    const data = lines.length === 0 ? '[]' : `[\n${lines.map((l) => `      ${l}`).join('\n')}\n    ]`;
    const fields = [`"type": ${JSON.stringify(t.type)}`, `"dims": [${t.dims.join(', ')}]`, `"data": ${data}`];
    if (shown < t.size) fields.push(`"truncated": true`, `"size": ${t.size}`);
    return `  ${JSON.stringify(name)}: {\n${fields.map((f) => `    ${f}`).join(',\n')}\n  }`;
  });
  return `{\n${entries.join(',\n')}\n}\n`;
}

/** A file name for an output: characters other than letters, digits, '.', '_' and '-' become '_'. */
function fileNameOf(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'output';
  let candidate = `${base}.npy`;
  for (let k = 2; taken.has(candidate.toLowerCase()); k++) candidate = `${base}_${k}.npy`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

async function writeOutputs(outputs: Record<string, Tensor>, target: string): Promise<string[]> {
  const isDir = await stat(target).then((s) => s.isDirectory(), () => false);
  const lower = target.toLowerCase();
  if (!isDir && lower.endsWith('.json')) {
    await writeFile(target, outputsToJson(outputs));
    return [`wrote ${Object.keys(outputs).length} output(s) to ${target}`];
  }
  if (!isDir && lower.endsWith('.npy')) {
    const names = Object.keys(outputs);
    if (names.length !== 1) throw new UsageError(`--output ${target}: the model has ${names.length} outputs; give a folder to write one .npy file each`, 'predict');
    await writeNpy(target, outputs[names[0]!]!);
    return [`wrote ${names[0]} to ${target}`];
  }
  try {
    await mkdir(target, { recursive: true });
  } catch (e) {
    throw new Error(`Cannot create the output folder '${target}': ${(e as Error).message}`);
  }
  const taken = new Set<string>();
  const written: string[] = [];
  for (const [name, t] of Object.entries(outputs)) {
    const path = join(target, fileNameOf(name, taken));
    await writeNpy(path, t);
    written.push(`wrote ${name} (${t.type} ${formatShape(t.dims)}) to ${path}`);
  }
  return written;
}

export async function predictCommand(args: ParsedArgs): Promise<void> {
  const specs = args.values.get('input') ?? [];
  if (specs.length === 0) throw new UsageError('Missing --input (a .json file, a .npy file, or name=FILE.npy)', 'predict');
  for (const spec of specs) {
    if (!/\.(json|npy)$/i.test(spec)) throw new UsageError(`--input ${spec}: expected a .json or .npy file (or name=FILE.npy)`, 'predict');
  }
  const output = valueOf(args, 'output');
  const options = loadOptionsOf(args, 'predict');
  const path = args.positionals[0]!;
  const { bytes, baseDir } = await readModelFile(path);
  const model = await loadModel(bytes, { ...options, baseDir });
  try {
    const feeds = await readFeeds(model.inputs, specs, (m) => process.stderr.write(`note: ${m}\n`));
    const result = await model.predict(feeds);
    // In the model's declared output order.
    const outputs: Record<string, Tensor> = {};
    for (const o of model.outputs) if (result[o.name]) outputs[o.name] = result[o.name]!;
    for (const [name, t] of Object.entries(result)) outputs[name] ??= t;
    if (output !== undefined) {
      for (const line of await writeOutputs(outputs, output)) process.stderr.write(`${line}\n`);
      return;
    }
    const cut = process.stdout.isTTY === true && !args.flags.has('full');
    const text = outputsToJson(outputs, cut ? TERMINAL_LIMIT : undefined);
    process.stdout.write(text);
    if (cut && Object.values(outputs).some((t) => t.size > TERMINAL_LIMIT)) {
      process.stderr.write(`(long outputs cut to their first ${TERMINAL_LIMIT} values; --full prints all, --output writes all)\n`);
    }
  } finally {
    model.dispose();
  }
}

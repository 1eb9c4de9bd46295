// The inference server over real HTTP on loopback: a temporary model repository (the bundled gmm,
// elemnet and crabnet, a small model with int64/bool tensors and four outputs, and folders that
// must not load), the Open Inference Protocol's health, metadata and inference endpoints with JSON
// and binary tensors, every kind of bad request with its status and error JSON, model names that
// try to leave the repository, timeouts, a full queue, a client that goes away, a graceful close,
// Prometheus metrics, and 200 concurrent requests that are batched.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type InferenceServer } from '../../src/server/index.js';
import { loadModel, Tensor, type TensorData } from '../../src/index.js';
import { allClose, manifest, modelFeeds, MODELS_DIR, rng } from '../helpers.js';
import { buildModel } from '../onnx-builder.js';

const spec = (name: string) => manifest().find((m) => m.name === name)!;

// x float32 [N, 4], ids int64 [N, 2], flags bool [N, 3] → relu(x), x > 0, ids, not(flags).
const multiModel = buildModel({
  opset: 17,
  inputs: [
    { name: 'x', type: 'float32', shape: ['N', 4] },
    { name: 'ids', type: 'int64', shape: ['N', 2] },
    { name: 'flags', type: 'bool', shape: ['N', 3] },
  ],
  outputs: [
    { name: 'relu', type: 'float32', shape: ['N', 4] },
    { name: 'positive', type: 'bool', shape: ['N', 4] },
    { name: 'ids_out', type: 'int64', shape: ['N', 2] },
    { name: 'inverted', type: 'bool', shape: ['N', 3] },
  ],
  initializers: { zero: new Tensor('float32', new Float32Array([0]), []) },
  nodes: [
    { op: 'Relu', inputs: ['x'], outputs: ['relu'] },
    { op: 'Greater', inputs: ['x', 'zero'], outputs: ['positive'] },
    { op: 'Identity', inputs: ['ids'], outputs: ['ids_out'] },
    { op: 'Not', inputs: ['flags'], outputs: ['inverted'] },
  ],
});

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One HTTP request with the path sent exactly as given (no URL normalisation, unlike fetch). */
function send(base: string, method: string, path: string, body?: Buffer | string | object, headers: Record<string, string> = {}): Promise<Response> {
  const { hostname, port } = new URL(base);
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(body)) payload = body;
  else if (typeof body === 'string') payload = Buffer.from(body);
  else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body));
    headers = { 'content-type': 'application/json', ...headers };
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port: Number(port), method, path, headers: payload ? { 'content-length': String(payload.length), ...headers } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: data, json: () => JSON.parse(data.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** The request's JSON followed by the given binary chunks, with Inference-Header-Content-Length. */
function binaryBody(header: object, chunks: Buffer[]): { body: Buffer; headers: Record<string, string> } {
  const json = Buffer.from(JSON.stringify(header));
  return {
    body: Buffer.concat([json, ...chunks]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.length) },
  };
}

const bytesOf = (data: TensorData) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** Splits a binary response into its JSON header and the bytes of each binary output, by name. */
function splitBinary(r: Response): { header: any; binary: Record<string, Buffer> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const n = Number(r.headers['inference-header-content-length']);
  expect(Number.isInteger(n) && n > 0).toBe(true);
  const header = JSON.parse(r.body.subarray(0, n).toString('utf8'));
  const binary: Record<string, Buffer> = {};
  let offset = n;
  for (const o of header.outputs) {
    if (o.parameters?.binary_data_size === undefined) continue;
    binary[o.name] = r.body.subarray(offset, offset + o.parameters.binary_data_size);
    offset += o.parameters.binary_data_size;
  }
  expect(offset).toBe(r.body.length);
  return { header, binary };
}

/** The value of one sample of a metric in Prometheus text, e.g. metric('x', 'gmm'). */
function metric(text: string, name: string, model: string, extra = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`model="${model}"`) && l.includes(extra));
  if (!line) throw new Error(`no ${name} for ${model} ${extra} in the metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Waits (polling, bounded) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(condition()).toBe(true);
}

// One sample for the multi model (and tiny_queue, the same model).
const multiInputs = [
  { name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] },
  { name: 'ids', datatype: 'INT64', shape: [1, 2], data: [1, 2] },
  { name: 'flags', datatype: 'BOOL', shape: [1, 3], data: [true, true, false] },
];

const jsonInput = (name: string, t: Tensor, datatype = 'FP32') => ({
  name, datatype, shape: [...t.dims], data: t.data instanceof BigInt64Array ? Array.from(t.data, Number) : Array.from(t.data as Float32Array),
});

let root: string;
let server: InferenceServer;
let base: string;
const logs: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'srt-server-'));
  const repo = join(root, 'repo');
  const folder = (name: string, files: Record<string, string | Uint8Array>) => {
    mkdirSync(join(repo, name), { recursive: true });
    for (const [f, content] of Object.entries(files)) writeFileSync(join(repo, name, f), content);
  };
  mkdirSync(repo);
  folder('gmm', {});
  copyFileSync(join(MODELS_DIR, 'gmm.onnx'), join(repo, 'gmm', 'model.onnx'));
  // A single *.onnx not named model.onnx, with a config.json: batches wait up to 5 ms for more.
  folder('elemnet', { 'config.json': JSON.stringify({ batching: { maxBatch: 64, maxDelayMs: 5 }, device: 'cpu', threads: 2 }) });
  copyFileSync(join(MODELS_DIR, 'elemnet.onnx'), join(repo, 'elemnet', 'elemnet.onnx'));
  folder('crabnet', {});
  copyFileSync(join(MODELS_DIR, 'crabnet.onnx'), join(repo, 'crabnet', 'model.onnx'));
  folder('multi', { 'model.onnx': multiModel });
  // The oldest request waits up to 1 s for company, and only one may wait: a second is refused.
  folder('tiny_queue', { 'model.onnx': multiModel, 'config.json': JSON.stringify({ batching: { maxDelayMs: 1000, maxQueue: 1 } }) });
  // Folders that must not load; the server starts without them.
  folder('bad_config', { 'model.onnx': multiModel, 'config.json': JSON.stringify({ batching: { maxBatch: -1 } }) });
  folder('bad_json', { 'model.onnx': multiModel, 'config.json': '{ "batching": ' });
  folder('unknown_key', { 'model.onnx': multiModel, 'config.json': JSON.stringify({ baseDir: '/etc' }) });
  folder('no_model', { 'README.md': 'nothing here' });
  folder('bad name!', { 'model.onnx': multiModel });
  // Outside the repository: a model that a path-traversing name would reach.
  mkdirSync(join(root, 'outside'));
  copyFileSync(join(MODELS_DIR, 'gmm.onnx'), join(root, 'outside', 'model.onnx'));

  server = await startServer({ repository: repo, port: 0, loadOptions: { threads: 2 }, log: (level, message) => logs.push(`${level}: ${message}`) });
  base = server.url;
});

afterAll(async () => {
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('repository and health', () => {
  it('is live and ready, and describes itself', async () => {
    expect((await send(base, 'GET', '/v2/health/live')).json()).toEqual({ live: true });
    const ready = await send(base, 'GET', '/v2/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ ready: true });
    const meta = (await send(base, 'GET', '/v2')).json();
    expect(meta.name).toBe('surrogate-rt');
    expect(typeof meta.version).toBe('string');
    expect(meta.extensions).toContain('binary_tensor_data');
  });

  it('loads the good models and leaves out, and logs, the bad ones', async () => {
    expect([...server.models.keys()].sort()).toEqual(['crabnet', 'elemnet', 'gmm', 'multi', 'tiny_queue']);
    expect([...server.failures.keys()].sort()).toEqual(['bad_config', 'bad_json', 'no_model', 'unknown_key']);
    expect(server.failures.get('bad_config')).toMatch(/batching\.maxBatch/);
    expect(server.failures.get('bad_json')).toMatch(/config\.json is not valid JSON/);
    expect(server.failures.get('unknown_key')).toMatch(/unknown key 'baseDir'/);
    expect(server.failures.get('no_model')).toMatch(/no model\.onnx/);
    for (const name of server.failures.keys()) expect(logs.some((l) => l.startsWith('error:') && l.includes(`'${name}' was not loaded`))).toBe(true);
    expect(logs.some((l) => l.startsWith('warn:') && l.includes("'bad name!'"))).toBe(true);
    // The config.json was applied.
    const elemnet = server.models.get('elemnet')!;
    expect(elemnet.batching).toMatchObject({ enabled: true, maxBatch: 64, maxDelayMs: 5 });
    expect(elemnet.device).toBe('cpu');

    const index = (await send(base, 'POST', '/v2/repository/index')).json();
    expect(index.find((m: { name: string }) => m.name === 'gmm')).toEqual({ name: 'gmm', version: '1', state: 'READY' });
    expect(index.find((m: { name: string }) => m.name === 'bad_json')).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/JSON/) });

    const failed = await send(base, 'GET', '/v2/models/bad_config');
    expect(failed.status).toBe(404);
    expect(failed.json().error).toMatch(/failed to load/);
    expect((await send(base, 'GET', '/v2/models/bad_config/ready')).status).toBe(404);
  });

  it('refuses bad server options', async () => {
    await expect(startServer({ repository: join(root, 'missing') })).rejects.toThrow(/Expected a readable model repository folder/);
    await expect(startServer({ repository: join(root, 'repo'), port: 70000 })).rejects.toThrow(/Expected an integer between 0 and 65535 for port/);
    await expect(startServer({ repository: join(root, 'repo'), bodyLimit: 0 })).rejects.toThrow(/for bodyLimit/);
    await expect(startServer({ repository: join(root, 'repo'), loadOptions: { threads: -1 } })).rejects.toThrow(/for threads/);
    await expect(startServer({ repository: join(root, 'repo'), colour: 'blue' } as never)).rejects.toThrow(/server option/);
  });

  it('gives model metadata, readiness and configuration', async () => {
    const gmm = await send(base, 'GET', '/v2/models/gmm');
    expect(gmm.status).toBe(200);
    expect(gmm.json()).toEqual({
      name: 'gmm',
      versions: ['1'],
      platform: 'onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 5] }],
      outputs: [{ name: 'log_im', datatype: 'FP32', shape: [-1, 8] }],
    });
    expect((await send(base, 'GET', '/v2/models/gmm/versions/1')).json()).toEqual(gmm.json());
    expect((await send(base, 'GET', '/v2/models/gmm/versions/2')).status).toBe(404);
    const multi = (await send(base, 'GET', '/v2/models/multi')).json();
    expect(multi.inputs.map((i: { datatype: string }) => i.datatype)).toEqual(['FP32', 'INT64', 'BOOL']);
    expect(multi.outputs.map((o: { datatype: string }) => o.datatype)).toEqual(['FP32', 'BOOL', 'INT64', 'BOOL']);
    const ready = await send(base, 'GET', '/v2/models/gmm/ready');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ name: 'gmm', ready: true });
    const config = (await send(base, 'GET', '/v2/models/elemnet/config')).json();
    expect(config).toMatchObject({ name: 'elemnet', device: 'cpu', max_batch_size: 64, dynamic_batching: { max_queue_delay_ms: 5 } });
  });
});

describe('inference', () => {
  it('JSON tensors: the same results as model.predict, flat or nested data, id echoed', async () => {
    const feeds = modelFeeds(spec('gmm'), 3, 7);
    const expected = await server.models.get('gmm')!.predict(feeds);
    const r = await send(base, 'POST', '/v2/models/gmm/infer', { id: 'req-1', inputs: [jsonInput('features', feeds.features!)] });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    const body = r.json();
    expect(body.model_name).toBe('gmm');
    expect(body.model_version).toBe('1');
    expect(body.id).toBe('req-1');
    expect(body.outputs).toHaveLength(1);
    expect(body.outputs[0]).toMatchObject({ name: 'log_im', datatype: 'FP32', shape: [3, 8] });
    // JSON carries float32 values exactly.
    expect(Float32Array.from(body.outputs[0].data)).toEqual(expected.log_im!.data);

    const x = Array.from(feeds.features!.data as Float32Array);
    const nested = [0, 1, 2].map((i) => x.slice(i * 5, i * 5 + 5));
    const r2 = await send(base, 'POST', '/v2/models/gmm/versions/1/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [3, 5], data: nested }] });
    expect(r2.status).toBe(200);
    expect(r2.json().id).toBeUndefined();
    expect(Float32Array.from(r2.json().outputs[0].data)).toEqual(expected.log_im!.data);
  });

  it('crabnet: INT64 and FP32 inputs', async () => {
    const feeds = modelFeeds(spec('crabnet'), 4, 11);
    const expected = await server.models.get('crabnet')!.predict(feeds);
    const r = await send(base, 'POST', '/v2/models/crabnet/infer', {
      inputs: [jsonInput('elements', feeds.elements!, 'INT64'), jsonInput('fractions', feeds.fractions!)],
    });
    expect(r.status).toBe(200);
    const out = r.json().outputs[0];
    expect(out.shape).toEqual([4, 1]);
    expect(Float32Array.from(out.data)).toEqual(expected.property!.data);
  });

  it('binary tensor data: binary inputs and outputs round trip', async () => {
    const feeds = modelFeeds(spec('elemnet'), 5, 3);
    const expected = await server.models.get('elemnet')!.predict(feeds);
    const x = feeds.composition!;
    const { body, headers } = binaryBody({
      inputs: [{ name: 'composition', datatype: 'FP32', shape: [5, 86], parameters: { binary_data_size: x.data.byteLength } }],
      outputs: [{ name: 'formation_energy', parameters: { binary_data: true } }],
    }, [bytesOf(x.data)]);
    const r = await send(base, 'POST', '/v2/models/elemnet/infer', body, headers);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/octet-stream/);
    const { header, binary } = splitBinary(r);
    expect(header.outputs[0]).toEqual({ name: 'formation_energy', datatype: 'FP32', shape: [5, 1], parameters: { binary_data_size: 20 } });
    const got = new Float32Array(new Uint8Array(binary.formation_energy!).buffer);
    // Batched with other requests or not, the rows agree with a direct call.
    expect(allClose(got, expected.formation_energy!.data, 1e-5, 1e-6)).toBeUndefined();

    // Binary input, JSON output (no binary_data flag): a plain JSON response.
    const r2 = await send(base, 'POST', '/v2/models/elemnet/infer', ...Object.values(binaryBody({
      inputs: [{ name: 'composition', datatype: 'FP32', shape: [5, 86], parameters: { binary_data_size: x.data.byteLength } }],
    }, [bytesOf(x.data)])) as [Buffer, Record<string, string>]);
    expect(r2.status).toBe(200);
    expect(r2.headers['inference-header-content-length']).toBeUndefined();
    expect(allClose(Float32Array.from(r2.json().outputs[0].data), expected.formation_energy!.data, 1e-5, 1e-6)).toBeUndefined();
  });

  it('int64 and bool tensors, binary and JSON, and the outputs filter', async () => {
    const x = new Float32Array([1.5, -2, 0, 3, -0.25, 4, -1, 0.5]);
    const ids = new BigInt64Array([7n, -3n, 123456789012n, 0n]);
    const flags = new Uint8Array([1, 0, 1, 0, 0, 1]);
    const { body, headers } = binaryBody({
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [2, 4], data: Array.from(x) },
        { name: 'ids', datatype: 'INT64', shape: [2, 2], parameters: { binary_data_size: 32 } },
        { name: 'flags', datatype: 'BOOL', shape: [2, 3], parameters: { binary_data_size: 6 } },
      ],
      outputs: [{ name: 'ids_out', parameters: { binary_data: true } }, { name: 'positive' }, { name: 'inverted', parameters: { binary_data: true } }],
    }, [bytesOf(ids), bytesOf(flags)]);
    const r = await send(base, 'POST', '/v2/models/multi/infer', body, headers);
    expect(r.status, r.body.toString()).toBe(200);
    const { header, binary } = splitBinary(r);
    expect(header.outputs.map((o: { name: string }) => o.name)).toEqual(['ids_out', 'positive', 'inverted']);
    expect(header.outputs[1]).toEqual({ name: 'positive', datatype: 'BOOL', shape: [2, 4], data: [true, false, false, true, false, true, false, true] });
    expect(new BigInt64Array(new Uint8Array(binary.ids_out!).buffer)).toEqual(ids);
    expect(header.outputs[2]).toMatchObject({ datatype: 'BOOL', shape: [2, 3] });
    expect([...binary.inverted!]).toEqual([0, 1, 0, 1, 1, 0]);

    // JSON only, one output requested, booleans as JSON booleans; binary_data_output as a request parameter.
    const json = await send(base, 'POST', '/v2/models/multi/infer', {
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [2, 4], data: Array.from(x) },
        { name: 'ids', datatype: 'INT64', shape: [2, 2], data: Array.from(ids, Number) },
        { name: 'flags', datatype: 'BOOL', shape: [2, 3], data: [true, false, true, false, false, true] },
      ],
      outputs: [{ name: 'relu' }],
    });
    expect(json.status).toBe(200);
    expect(json.json().outputs).toEqual([{ name: 'relu', datatype: 'FP32', shape: [2, 4], data: [1.5, 0, 0, 3, 0, 4, 0, 0.5] }]);

    const all = await send(base, 'POST', '/v2/models/multi/infer', ...Object.values(binaryBody({
      parameters: { binary_data_output: true },
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [2, 4], parameters: { binary_data_size: 32 } },
        { name: 'ids', datatype: 'INT64', shape: [2, 2], data: [[7, -3], [123456789012, 0]] },
        { name: 'flags', datatype: 'BOOL', shape: [2, 3], data: [1, 0, 1, 0, 0, 1] },
      ],
    }, [bytesOf(x)])) as [Buffer, Record<string, string>]);
    expect(all.status).toBe(200);
    const split = splitBinary(all);
    expect(Object.keys(split.binary)).toEqual(['relu', 'positive', 'ids_out', 'inverted']);
    expect(new Float32Array(new Uint8Array(split.binary.relu!).buffer)).toEqual(new Float32Array([1.5, 0, 0, 3, 0, 4, 0, 0.5]));
  });
});

describe('bad requests', () => {
  const gmmInput = { name: 'features', datatype: 'FP32', shape: [1, 5], data: [0.1, 0.2, 0.3, 0.4, 0.5] };
  const cases: [string, string | object, number, RegExp][] = [
    ['malformed JSON', '{"inputs": [', 400, /Malformed JSON/],
    ['an empty body', '', 400, /body is empty/],
    ['a JSON array', '[]', 400, /JSON object/],
    ['no inputs', { inputs: [] }, 400, /non-empty "inputs"/],
    ['a wrong shape', { inputs: [{ ...gmmInput, shape: [1, 4], data: [1, 2, 3, 4] }] }, 400, /dimension 1 to be 5/],
    ['a wrong rank', { inputs: [{ ...gmmInput, shape: [5] }] }, 400, /rank 2/],
    ['data that does not fill the shape', { inputs: [{ ...gmmInput, shape: [2, 5] }] }, 400, /5 data elements but shape \[2, 5\] needs 10/],
    ['nested data that does not match the shape', { inputs: [{ ...gmmInput, data: [[0.1, 0.2], [0.3, 0.4, 0.5]] }] }, 400, /nested data does not match/],
    ['a wrong datatype', { inputs: [{ ...gmmInput, datatype: 'INT64', data: [1, 2, 3, 4, 5] }] }, 400, /expects datatype FP32 but received INT64/],
    ['an unsupported datatype', { inputs: [{ ...gmmInput, datatype: 'FP16' }] }, 400, /datatype "FP16" is not supported/],
    ['a string element', { inputs: [{ ...gmmInput, data: [0.1, 'x', 0.3, 0.4, 0.5] }] }, 400, /element 1 is "x", not a number/],
    ['a negative dimension', { inputs: [{ ...gmmInput, shape: [-1, 5] }] }, 400, /non-negative integers/],
    ['an unknown input', { inputs: [gmmInput, { ...gmmInput, name: 'extra' }] }, 400, /Unknown input 'extra'/],
    ['an input given twice', { inputs: [gmmInput, gmmInput] }, 400, /more than once/],
    ['an unknown output', { inputs: [gmmInput], outputs: [{ name: 'nope' }] }, 400, /Unknown output 'nope'/],
    ['a non-string id', { id: 5, inputs: [gmmInput] }, 400, /"id" must be a string/],
    ['a bad timeout', { inputs: [gmmInput], parameters: { timeout: -5 } }, 400, /"timeout" parameter/],
    ['a bad priority', { inputs: [gmmInput], parameters: { priority: 'urgent' } }, 400, /"priority" parameter/],
  ];
  it.each(cases.map(([what, body, status, message]) => ({ what, body, status, message })))('$what → $status with error JSON', async ({ body, status, message }) => {
    const r = await send(base, 'POST', '/v2/models/gmm/infer', body, typeof body === 'string' ? { 'content-type': 'application/json' } : {});
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(Object.keys(r.json())).toEqual(['error']);
    expect(r.json().error).toMatch(message);
  });

  it('missing inputs, integers out of range, bad binary framing → 400', async () => {
    const missing = await send(base, 'POST', '/v2/models/crabnet/infer', { inputs: [{ name: 'fractions', datatype: 'FP32', shape: [1, 8], data: new Array(8).fill(0.1) }] });
    expect(missing.status).toBe(400);
    expect(missing.json().error).toMatch(/Missing input 'elements'/);
    const range = await send(base, 'POST', '/v2/models/crabnet/infer', {
      inputs: [{ name: 'elements', datatype: 'INT64', shape: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, 0.5] }, { name: 'fractions', datatype: 'FP32', shape: [1, 8], data: new Array(8).fill(0.1) }],
    });
    expect(range.status).toBe(400);
    expect(range.json().error).toMatch(/element 7 is 0.5, not an integer/);

    const input = { name: 'features', datatype: 'FP32', shape: [1, 5], parameters: { binary_data_size: 20 } };
    const short = binaryBody({ inputs: [input] }, [Buffer.alloc(12)]);
    const r1 = await send(base, 'POST', '/v2/models/gmm/infer', short.body, short.headers);
    expect(r1.status).toBe(400);
    expect(r1.json().error).toMatch(/ends before its 20 bytes/);
    const extra = binaryBody({ inputs: [input] }, [Buffer.alloc(24)]);
    const r2 = await send(base, 'POST', '/v2/models/gmm/infer', extra.body, extra.headers);
    expect(r2.status).toBe(400);
    expect(r2.json().error).toMatch(/4 bytes of binary data that no input claims/);
    const wrongSize = binaryBody({ inputs: [{ ...input, parameters: { binary_data_size: 16 } }] }, [Buffer.alloc(16)]);
    const r3 = await send(base, 'POST', '/v2/models/gmm/infer', wrongSize.body, wrongSize.headers);
    expect(r3.status).toBe(400);
    expect(r3.json().error).toMatch(/binary_data_size is 16 bytes but shape \[1, 5\] of FP32 needs 20/);
    const r4 = await send(base, 'POST', '/v2/models/gmm/infer', short.body, { ...short.headers, 'inference-header-content-length': '99999' });
    expect(r4.status).toBe(400);
    expect(r4.json().error).toMatch(/Inference-Header-Content-Length/);
  });

  it('unknown models and routes → 404 with error JSON', async () => {
    for (const [method, path] of [['GET', '/v2/models/nope'], ['GET', '/v2/models/nope/ready'], ['POST', '/v2/models/nope/infer'], ['GET', '/v2/nothing'], ['DELETE', '/v2/models/gmm']]) {
      const r = await send(base, method!, path!, method === 'POST' ? { inputs: [] } : undefined);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(typeof r.json().error).toBe('string');
    }
  });

  it('model names that try to leave the repository never reach a file: 400 or 404 with error JSON', async () => {
    const names = [
      '..', '.', '%2e%2e', '%2E%2E', '.%2e', '..%2F..%2Foutside', '..%2foutside', '%2e%2e%2foutside', '%2e%2e%2Foutside',
      '..%5Coutside', '%252e%252e%252foutside', 'gmm%2F..%2F..%2Foutside', '%2Fetc%2Fpasswd', 'gmm%00', '..%00', '..;', '%c0%ae%c0%ae', '%E0%A4%A',
    ];
    const paths = [
      ...names.flatMap((n) => [`/v2/models/${n}`, `/v2/models/${n}/ready`, `/v2/models/${n}/config`]),
      '/v2/models/../outside', '/v2/models/../../../etc/passwd', '/v2/models/gmm/../../outside', '/v2/models//etc/passwd', '/v2/models/./gmm',
    ];
    for (const path of paths) {
      const r = await send(base, 'GET', path);
      expect([400, 404], `GET ${path} → ${r.status} ${r.body.toString()}`).toContain(r.status);
      expect(typeof r.json().error, path).toBe('string');
    }
    for (const n of names) {
      const r = await send(base, 'POST', `/v2/models/${n}/infer`, { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 5], data: [1, 2, 3, 4, 5] }] });
      expect([400, 404], `POST ${n}: ${r.status} ${r.body.toString()}`).toContain(r.status);
      expect(typeof r.json().error).toBe('string');
    }
    const dotdot = await send(base, 'GET', '/v2/models/%2e%2e');
    expect(dotdot.status).toBe(400);
    expect(dotdot.json().error).toMatch(/Invalid model name/);
    const slash = await send(base, 'GET', '/v2/models/..%2Foutside');
    expect(slash.status).toBe(400);
  });

  it('timeout → 504, a full queue → 503', async () => {
    // elemnet waits up to 5 ms for more requests: a 1 ms timeout fires first.
    const x = Array.from(modelFeeds(spec('elemnet'), 1, 5).composition!.data as Float32Array);
    const late = await send(base, 'POST', '/v2/models/elemnet/infer', { inputs: [{ name: 'composition', datatype: 'FP32', shape: [1, 86], data: x }], parameters: { timeout: 1 } });
    expect(late.status).toBe(504);
    expect(late.json().error).toMatch(/timed out after 1 ms/);
    // tiny_queue holds one request for up to 1 s; the second finds the queue full.
    const first = send(base, 'POST', '/v2/models/tiny_queue/infer', { inputs: multiInputs });
    await until(() => server.models.get('tiny_queue')!.stats().queued === 1);
    const second = await send(base, 'POST', '/v2/models/tiny_queue/infer', { inputs: multiInputs });
    expect(second.status).toBe(503);
    expect(second.json().error).toMatch(/overloaded/);
    expect((await first).status).toBe(200);
  });

  it('a client that goes away cancels its queued request', async () => {
    const model = server.models.get('tiny_queue')!;
    const { requestFailure: failures, executionCount: runs } = model.stats();
    const { hostname, port } = new URL(base);
    const body = JSON.stringify({ inputs: multiInputs });
    const req = httpRequest({ host: hostname, port: Number(port), method: 'POST', path: '/v2/models/tiny_queue/infer', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } });
    req.on('error', () => {});
    req.end(body);
    await until(() => model.stats().queued === 1);
    req.destroy();
    await until(() => model.stats().queued === 0);
    expect(model.stats().requestFailure).toBe(failures + 1);
    expect(model.stats().executionCount).toBe(runs); // it never ran
  });

  it('an oversized body → 413 with error JSON, counted as a failure; close lets a queued request finish', async () => {
    const small = await startServer({ repository: join(root, 'repo'), port: 0, bodyLimit: 1024, loadOptions: { threads: 1 }, log: () => {} });
    let queued: Promise<Response> | undefined;
    try {
      const ok = await send(small.url, 'POST', '/v2/models/gmm/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 5], data: [1, 2, 3, 4, 5] }] });
      expect(ok.status).toBe(200);
      const big = new Float32Array(5 * 100);
      const r = await send(small.url, 'POST', '/v2/models/gmm/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [100, 5], data: Array.from(big) }] });
      expect(r.status).toBe(413);
      expect(r.json()).toEqual({ error: "The request body is larger than the server's limit of 1024 bytes" });
      const text = (await send(small.url, 'GET', '/metrics')).body.toString();
      expect(metric(text, 'nv_inference_request_success', 'gmm')).toBe(1);
      expect(metric(text, 'nv_inference_request_failure', 'gmm')).toBe(1);
      // tiny_queue holds this request (up to 1 s) while the server closes: it still gets its answer.
      queued = send(small.url, 'POST', '/v2/models/tiny_queue/infer', { inputs: multiInputs });
      await until(() => small.models.get('tiny_queue')!.stats().queued === 1);
    } finally {
      await small.close();
    }
    expect(small.models.get('gmm')!.disposed).toBe(true);
    expect(small.models.get('tiny_queue')!.disposed).toBe(true);
    const answer = await queued!;
    expect(answer.status).toBe(200);
    expect(answer.json().outputs[0].data).toEqual([1, 2, 3, 4]);
  });
});

describe('metrics', () => {
  it('Triton-named counters per model that move with requests', async () => {
    const before = (await send(base, 'GET', '/metrics')).body.toString();
    const feeds = modelFeeds(spec('gmm'), 4, 21);
    for (let i = 0; i < 2; i++) {
      expect((await send(base, 'POST', '/v2/models/gmm/infer', { inputs: [jsonInput('features', feeds.features!)] })).status).toBe(200);
    }
    expect((await send(base, 'POST', '/v2/models/gmm/infer', { inputs: [{ name: 'features', datatype: 'INT32', shape: [1, 5], data: [1, 2, 3, 4, 5] }] })).status).toBe(400);
    expect((await send(base, 'POST', '/v2/models/gmm/infer', '{oops', { 'content-type': 'application/json' })).status).toBe(400);
    const r = await send(base, 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/plain/);
    const after = r.body.toString();
    for (const name of [
      'nv_inference_request_success', 'nv_inference_request_failure', 'nv_inference_count', 'nv_inference_exec_count', 'nv_inference_request_duration_us',
      'nv_inference_queue_duration_us', 'nv_inference_compute_infer_duration_us', 'nv_inference_pending_request_count', 'surrogate_rt_batch_size',
    ]) {
      expect(after).toContain(`# TYPE ${name} `);
    }
    const delta = (name: string, extra = '') => metric(after, name, 'gmm', extra) - metric(before, name, 'gmm', extra);
    expect(delta('nv_inference_request_success')).toBe(2);
    expect(delta('nv_inference_request_failure')).toBe(2);
    expect(delta('nv_inference_count')).toBe(8);
    expect(delta('nv_inference_exec_count')).toBe(2);
    expect(delta('surrogate_rt_batch_size_count')).toBe(2);
    expect(delta('surrogate_rt_batch_size_sum')).toBe(8);
    expect(delta('surrogate_rt_batch_size_bucket', 'le="4"')).toBe(2);
    expect(delta('surrogate_rt_batch_size_bucket', 'le="2"')).toBe(0);
    expect(delta('nv_inference_compute_infer_duration_us')).toBeGreaterThan(0);
    expect(delta('nv_inference_request_duration_us')).toBeGreaterThan(0);
    expect(metric(after, 'nv_inference_pending_request_count', 'gmm')).toBe(0);
    expect(after).toContain('nv_inference_request_success{model="gmm",version="1"}');
  });
});

describe('concurrency', () => {
  it('200 concurrent requests each get their own result, in batches larger than 1', async () => {
    const model = server.models.get('elemnet')!;
    const before = model.stats();
    const m = spec('elemnet');
    const feeds = Array.from({ length: 200 }, (_, i) => modelFeeds(m, 1 + (i % 3), 500 + i));
    const responses = await Promise.all(feeds.map((f, i) => {
      const x = f.composition!;
      if (i % 2 === 0) return send(base, 'POST', '/v2/models/elemnet/infer', { id: `r${i}`, inputs: [jsonInput('composition', x)] });
      const { body, headers } = binaryBody({
        id: `r${i}`,
        inputs: [{ name: 'composition', datatype: 'FP32', shape: [...x.dims], parameters: { binary_data_size: x.data.byteLength } }],
        outputs: [{ name: 'formation_energy', parameters: { binary_data: true } }],
      }, [bytesOf(x.data)]);
      return send(base, 'POST', '/v2/models/elemnet/infer', body, headers);
    }));
    const alone = await loadModel(join(MODELS_DIR, 'elemnet.onnx'), { device: 'cpu', threads: 2, batching: false });
    try {
      for (const [i, r] of responses.entries()) {
        expect(r.status, `request ${i}`).toBe(200);
        let id: string;
        let got: Float32Array;
        let shape: number[];
        if (i % 2 === 0) {
          const body = r.json();
          ({ id, shape } = { id: body.id, shape: body.outputs[0].shape });
          got = Float32Array.from(body.outputs[0].data);
        } else {
          const { header, binary } = splitBinary(r);
          ({ id, shape } = { id: header.id, shape: header.outputs[0].shape });
          got = new Float32Array(new Uint8Array(binary.formation_energy!).buffer);
        }
        expect(id).toBe(`r${i}`);
        expect(shape).toEqual([1 + (i % 3), 1]);
        const expected = await alone.predict(feeds[i]!);
        expect(allClose(got, expected.formation_energy!.data, 1e-5, 1e-6), `request ${i}`).toBeUndefined();
      }
    } finally {
      alone.dispose();
    }
    const after = model.stats();
    const runs = after.executionCount - before.executionCount;
    expect(after.requestSuccess - before.requestSuccess).toBe(200);
    expect(after.inferenceCount - before.inferenceCount).toBe(feeds.reduce((s, f) => s + f.composition!.dims[0]!, 0));
    console.log(`200 concurrent HTTP requests: ${runs} runs, sizes ${JSON.stringify(after.batchSizes)}`);
    const text = (await send(base, 'GET', '/metrics')).body.toString();
    const count = metric(text, 'surrogate_rt_batch_size_count', 'elemnet');
    const single = metric(text, 'surrogate_rt_batch_size_bucket', 'elemnet', 'le="1"');
    expect(count).toBe(after.executionCount);
    expect(count - metric(text, 'surrogate_rt_batch_size_bucket', 'elemnet', 'le="2"')).toBeGreaterThan(0); // some runs had more than 2 samples
    expect(single).toBeLessThan(count);
    expect(runs).toBeLessThan(200);
  });
});

// The `surrogate-rt` command line, run as a child process (node dist/cli/main.js) on the bundled
// models: info, predict (JSON and .npy inputs, --output to JSON and to .npy files) against
// model.predict() in-process, bench's table, --help, and usage errors (exit code 2).
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, Tensor } from '../../src/index.js';
import { decodeNpy, encodeNpy, readNpy } from '../../src/cli/npy.js';
import { buildModel } from '../onnx-builder.js';
import { manifest, modelFeeds, MODELS_DIR, ROOT } from '../helpers.js';

const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
let dir: string;

interface Result { code: number; stdout: string; stderr: string }

function cli(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: ROOT, maxBuffer: 64 * 2 ** 20, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The newest modification time of the TypeScript sources, to rebuild dist/ when it is stale. */
function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

beforeAll(async () => {
  // The CLI runs from dist/: compile first when it is missing or older than the sources.
  if (!existsSync(MAIN) || statSync(MAIN).mtimeMs < newestSource(join(ROOT, 'src'))) {
    await new Promise<void>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT }, () => resolve());
    });
  }
  expect(existsSync(MAIN)).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'surrogate-rt-cli-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const model = (name: string) => join(MODELS_DIR, `${name}.onnx`);
const bundled = (name: string) => manifest().find((m) => m.name === name)!;

/** Our outputs in-process, to compare the CLI's with. */
async function reference(name: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const m = await loadModel(model(name), { device: 'cpu' });
  try {
    return await m.predict(feeds);
  } finally {
    m.dispose();
  }
}

describe('info', () => {
  it('prints inputs, outputs, opset, operators, backend, device and batching', async () => {
    const r = await cli('info', model('phasenet'), '--device', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('phasenet.onnx');
    expect(r.stdout).toMatch(/waveform\s+float32\s+\[batch, 3, 3001\]/);
    expect(r.stdout).toMatch(/probabilities\s+float32\s+\[batch, 3, 3001\]/);
    expect(r.stdout).toContain('opset 17');
    expect(r.stdout).toMatch(/Conv\s+15/);
    expect(r.stdout).toContain('backend:  native');
    expect(r.stdout).toContain('device:   cpu');
    expect(r.stdout).toContain("why not a GPU: device 'cpu' was requested");
    expect(r.stdout).toMatch(/batching: (on|off)/);
  });

  it('--json has the same facts, machine-readable', async () => {
    const r = await cli('info', model('crabnet'), '--device', 'cpu', '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    const m = await loadModel(model('crabnet'), { device: 'cpu' });
    try {
      expect(info.inputs).toEqual(m.inputs.map((i) => ({ name: i.name, type: i.type, shape: i.shape })));
      expect(info.outputs).toEqual(m.outputs.map((o) => ({ name: o.name, type: o.type, shape: o.shape })));
      expect(info.opset).toBe(17);
      expect(info.backend).toBe('native');
      expect(info.device).toBe('cpu');
      expect(info.fallbackReason).toBeNull();
      expect(info.missingOperators).toEqual([]);
      expect(info.batching).toEqual(m.batching);
      expect(info.engineNodes).toBe(m.graph.nodes.length);
      const engineOps: Record<string, number> = {};
      for (const node of m.graph.nodes) engineOps[node.op] = (engineOps[node.op] ?? 0) + 1;
      expect(info.engineOperators).toEqual(engineOps);
    } finally {
      m.dispose();
    }
    // The manifest lists the operator types of the file.
    expect(Object.keys(info.operators).sort()).toEqual([...(bundled('crabnet') as unknown as { ops: string[] }).ops].sort());
    expect(Object.values(info.operators).reduce((a: number, b) => a + (b as number), 0)).toBe(info.nodes);
  });

  it('says why a model runs on onnxruntime-node and which operators are missing', async () => {
    const file = join(dir, 'celu.onnx');
    writeFileSync(file, buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['n', 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['n', 4] }],
      nodes: [{ op: 'Celu', inputs: ['x'], outputs: ['y'] }],
    }));
    const r = await cli('info', file, '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe('onnxruntime');
    expect(info.missingOperators).toEqual(['Celu']);
    expect(info.fallbackReason).toContain('Celu');
    const text = await cli('info', file);
    expect(text.stdout).toContain('backend:  onnxruntime');
    expect(text.stdout).toContain('missing operators: Celu');
  });

  it('fails with exit code 1 and the error code for a file that is not a model', async () => {
    const file = join(dir, 'junk.onnx');
    writeFileSync(file, 'not a model at all');
    const r = await cli('info', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^surrogate-rt: error ERR_INVALID_MODEL: /);
    const missing = await cli('info', join(dir, 'nope.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read the model file");
  });
});

describe('predict', () => {
  it('takes a JSON input with dims and flat data, and prints what model.predict returns', async () => {
    const feeds = modelFeeds(bundled('gmm'), 3, 7);
    const x = feeds.features!;
    const file = join(dir, 'gmm.json');
    writeFileSync(file, JSON.stringify({ features: { dims: x.dims, data: Array.from(x.data as Float32Array) } }));
    const r = await cli('predict', model('gmm'), '--input', file, '--device', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const ref = await reference('gmm', feeds);
    expect(Object.keys(out)).toEqual(['log_im']);
    expect(out.log_im.type).toBe('float32');
    expect(out.log_im.dims).toEqual([3, 8]);
    // Printed as the shortest decimals that read back as the same float32 values.
    expect(Float32Array.from(out.log_im.data)).toEqual(ref.log_im!.data);
  });

  it('takes nested arrays, int64 as numbers or strings, and a multi-input JSON file', async () => {
    const feeds = modelFeeds(bundled('crabnet'), 2, 3);
    const nest = (t: Tensor) => [0, 1].map((b) => Array.from(t.data as ArrayLike<number | bigint>).slice(b * 8, b * 8 + 8));
    const elements = nest(feeds.elements!).map((row) => row.map((v, i) => (i % 2 ? String(v) : Number(v))));
    const fractions = nest(feeds.fractions!).map((row) => row.map(Number));
    const file = join(dir, 'crabnet.json');
    writeFileSync(file, JSON.stringify({ elements, fractions: { data: fractions } }));
    const r = await cli('predict', model('crabnet'), '--input', file, '--device', 'cpu');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    const ref = await reference('crabnet', feeds);
    expect(out.property.dims).toEqual([2, 1]);
    expect(Float32Array.from(out.property.data)).toEqual(ref.property!.data);
  });

  it('takes a .npy input (float64 converted to the model\'s float32) and writes .npy outputs to a folder', async () => {
    const feeds = modelFeeds(bundled('phasenet'), 2, 11);
    const x = feeds.waveform!;
    const npy = join(dir, 'waveform.npy');
    writeFileSync(npy, encodeNpy(new Tensor('float64', Float64Array.from(x.data as Float32Array), x.dims)));
    const outDir = join(dir, 'phasenet-out');
    const r = await cli('predict', model('phasenet'), '--input', npy, '--output', outDir, '--device', 'cpu');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('converting');
    expect(r.stderr).toContain(join(outDir, 'probabilities.npy'));
    const written = await readNpy(join(outDir, 'probabilities.npy'));
    const ref = await reference('phasenet', feeds);
    expect(written.type).toBe('float32');
    expect(written.dims).toEqual([2, 3, 3001]);
    expect(written.data).toEqual(ref.probabilities!.data);
  });

  it('takes name=FILE.npy inputs and writes --output FILE.json', async () => {
    const feeds = modelFeeds(bundled('crabnet'), 4, 5);
    writeFileSync(join(dir, 'el.npy'), encodeNpy(feeds.elements!));
    writeFileSync(join(dir, 'fr.npy'), encodeNpy(feeds.fractions!));
    const outFile = join(dir, 'crabnet-out.json');
    const r = await cli('predict', model('crabnet'), '--input', `elements=${join(dir, 'el.npy')}`, '--input', `fractions=${join(dir, 'fr.npy')}`, '--output', outFile, '--device', 'cpu');
    expect(r.stderr).toContain(outFile);
    expect(r.code).toBe(0);
    const out = JSON.parse(await readFile(outFile, 'utf8'));
    const ref = await reference('crabnet', feeds);
    expect(out.property.dims).toEqual([4, 1]);
    expect(Float32Array.from(out.property.data)).toEqual(ref.property!.data);
  });

  it('prints every value when stdout is not a terminal, and non-finite values as strings', async () => {
    const file = join(dir, 'nan.json');
    const data = Array.from({ length: 5 * 30 }, (_, i) => (i === 0 ? 'NaN' : (i % 7) / 7 - 0.5));
    writeFileSync(file, JSON.stringify({ features: { dims: [30, 5], data } }));
    const r = await cli('predict', model('gmm'), '--input', file);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.log_im.data).toHaveLength(240);
    expect(out.log_im.truncated).toBeUndefined();
    expect(out.log_im.data.slice(0, 8)).toEqual(Array(8).fill('NaN')); // NaN passes through the first sample
  });

  it('reports bad inputs with exit code 1 and names the input', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ features: { dims: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] } }));
    const r = await cli('predict', model('gmm'), '--input', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error ERR_INVALID_INPUT: .*features/);
    writeFileSync(file, JSON.stringify({ features: [[1, 2, 3, 4, 5], [1, 2, 'x', 4, 5]] }));
    const item = await cli('predict', model('gmm'), '--input', file);
    expect(item.code).toBe(1);
    expect(item.stderr).toContain("item 7 should be a number but is 'x'");
    writeFileSync(file, JSON.stringify({ features: [[1, 2, 3, 4, 5], [1, 2, 3]] }));
    const ragged = await cli('predict', model('gmm'), '--input', file);
    expect(ragged.stderr).toContain('ragged at [1]');
    writeFileSync(file, JSON.stringify({ feature: [[1, 2, 3, 4, 5]] }));
    const unknown = await cli('predict', model('gmm'), '--input', file);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no input 'feature'");
  });

  it('converts integral float .npy data to an int64 input, and refuses fractions', async () => {
    const feeds = modelFeeds(bundled('crabnet'), 2, 9);
    const elements = feeds.elements!;
    writeFileSync(join(dir, 'el-f8.npy'), encodeNpy(new Tensor('float64', Float64Array.from(elements.data as BigInt64Array, Number), elements.dims)));
    writeFileSync(join(dir, 'fr2.npy'), encodeNpy(feeds.fractions!));
    const r = await cli('predict', model('crabnet'), '--input', `elements=${join(dir, 'el-f8.npy')}`, '--input', `fractions=${join(dir, 'fr2.npy')}`, '--device', 'cpu');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('from float64 to int64');
    const ref = await reference('crabnet', feeds);
    expect(Float32Array.from(JSON.parse(r.stdout).property.data)).toEqual(ref.property!.data);
    writeFileSync(join(dir, 'el-frac.npy'), encodeNpy(new Tensor('float64', Float64Array.from({ length: 16 }, (_, i) => i + 0.5), [2, 8])));
    const bad = await cli('predict', model('crabnet'), '--input', `elements=${join(dir, 'el-frac.npy')}`, '--input', `fractions=${join(dir, 'fr2.npy')}`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('item 0 is 0.5, not an integer');
  });

  it('needs names for .npy files of a multi-input model (a usage error)', async () => {
    writeFileSync(join(dir, 'el2.npy'), encodeNpy(modelFeeds(bundled('crabnet'), 1, 1).elements!));
    const r = await cli('predict', model('crabnet'), '--input', join(dir, 'el2.npy'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('name each .npy file as --input name=FILE.npy');
  });
});

describe('usage', () => {
  it('--version and --help', async () => {
    const v = await cli('--version');
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(`surrogate-rt ${JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version}`);
    const h = await cli('--help');
    expect(h.code).toBe(0);
    for (const c of ['info', 'predict', 'bench', 'serve']) expect(h.stdout).toContain(`  ${c} `);
  });

  it.concurrent.each([
    ['info', ['--json', '--device']],
    ['predict', ['--input', '--output', '--full']],
    ['bench', ['--batches', '--concurrency', '--seconds', '--no-ort']],
    ['serve', ['--host', '--port', '--body-limit']],
  ])('%s --help lists its options', async (command, options) => {
    const r = await cli(command, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: surrogate-rt ${command} <`);
    for (const o of options) expect(r.stdout).toContain(o);
    const viaHelp = await cli('help', command);
    expect(viaHelp.stdout).toBe(r.stdout);
  });

  it.concurrent.each([
    [['frobnicate'], "Unknown command 'frobnicate'"],
    [['infoo', 'x.onnx'], "(did you mean 'info'?)"],
    [[], 'Missing command'],
    [['info'], 'Missing argument model.onnx'],
    [['info', 'a.onnx', 'b.onnx'], "Unexpected argument 'b.onnx'"],
    [['info', 'a.onnx', '--jsn'], "Unknown option '--jsn' (did you mean '--json'?)"],
    [['info', 'a.onnx', '--device', 'gpu'], "for --device but received 'gpu'"],
    [['info', 'a.onnx', '--device'], "Option '--device' needs a value"],
    [['info', 'a.onnx', '--json=yes'], "Option '--json' takes no value"],
    [['predict', 'a.onnx'], 'Missing --input'],
    [['predict', 'a.onnx', '--input', 'x.csv'], 'expected a .json or .npy file'],
    [['bench', 'a.onnx', '--batches', '1,x'], "list of positive integers for --batches but received '1,x'"],
    [['bench', 'a.onnx', '--seconds', '0'], "positive number for --seconds but received '0'"],
    [['serve', 'repo', '--port', '70000'], "between 0 and 65535 for --port but received '70000'"],
    [['serve', 'repo', '--body-limit', 'lots'], "for --body-limit but received 'lots'"],
  ])('%j is a usage error (exit code 2)', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('Usage: surrogate-rt');
  });
});

describe('bench', () => {
  it('prints one row per batch size and per concurrency, with onnxruntime-node alongside', async () => {
    const r = await cli('bench', model('gmm'), '--batches', '1,4', '--concurrency', '1,8', '--seconds', '0.05', '--device', 'cpu', '--threads', '1');
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const header = lines.findIndex((l) => l.startsWith('load'));
    expect(lines[header]!.split(/\s{2,}/)).toEqual(['load', 'samples/s', 'p50', 'p90', 'p99', 'per run', 'ort samples/s', 'ort p50', 'ort p99', 'ratio']);
    const rows = lines.slice(header + 1).map((l) => l.split(/\s{2,}/));
    expect(rows.map((row) => row[0])).toEqual(['1 client × batch 1', '1 client × batch 4', '1 client × 1 sample', '8 clients × 1 sample']);
    for (const row of rows) {
      expect(row).toHaveLength(10);
      expect(row[9]).toMatch(/^\d+\.\d\d×$/);
    }
  });

  it('--json --no-ort gives the measurements without onnxruntime-node', async () => {
    const r = await cli('bench', model('elemnet'), '--batches', '2', '--concurrency', '3', '--seconds', '0.05', '--no-ort', '--json', '--device', 'cpu');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.backend).toBe('native');
    expect(result.rows).toHaveLength(2);
    expect(result.rows.map((row: { mode: string; clients: number; batch: number }) => [row.mode, row.clients, row.batch])).toEqual([['batch', 1, 2], ['concurrency', 3, 1]]);
    for (const row of result.rows) {
      expect(row.ort).toBeUndefined();
      expect(row.ours.requests).toBeGreaterThan(0);
      expect(row.ours.samplesPerSecond).toBeGreaterThan(0);
      expect(row.ours.p50Ms).toBeLessThanOrEqual(row.ours.p99Ms);
    }
    expect(result.rows[0].ours.samplesPerRun).toBe(2);
  });
});

describe('serve', () => {
  it('serves a repository until SIGTERM, then exits with 0', async () => {
    const repository = join(dir, 'repository');
    mkdirSync(join(repository, 'gmm'), { recursive: true });
    copyFileSync(model('gmm'), join(repository, 'gmm', 'model.onnx'));
    const child = spawn(process.execPath, [MAIN, 'serve', repository, '--port', '0', '--device', 'cpu', '--body-limit', '1MiB'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const m = /at (http:\/\/\S+)/.exec(stdout);
          if (m && stdout.includes('Press Ctrl+C')) resolve(m[1]!);
        });
        void exited.then((code) => reject(new Error(`serve exited with ${code} before listening: ${stdout}`)));
      });
      expect(stdout).toContain(`gmm: POST ${url}/v2/models/gmm/infer`);
      const metadata = await (await fetch(`${url}/v2/models/gmm`)).json() as { inputs: { name: string }[] };
      expect(metadata.inputs.map((i) => i.name)).toEqual(['features']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

describe('npy', () => {
  const cases: Tensor[] = [
    new Tensor('float32', Float32Array.from([1.5, -2, NaN, Infinity, 0, 3e-8]), [2, 3]),
    new Tensor('float64', Float64Array.from([Math.PI, -1e300]), [2]),
    new Tensor('int32', Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 5]), [1, 2, 2]),
    new Tensor('int64', BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 42n]), [3]),
    new Tensor('uint8', Uint8Array.from([0, 255, 7]), [3, 1]),
    new Tensor('int8', Int8Array.from([-128, 127]), [2]),
    new Tensor('bool', Uint8Array.from([1, 0, 0, 1]), [2, 2]),
    new Tensor('float32', Float32Array.from([7]), []),
    new Tensor('float32', new Float32Array(0), [0, 4]),
  ];

  it.each(cases.map((t) => [`${t.type} [${t.dims.join(', ')}]`, t] as const))('round-trips %s', (_name, t) => {
    const bytes = encodeNpy(t);
    expect(bytes.length % 64).toBe(t.data.byteLength % 64); // the header is padded to 64 bytes
    const back = decodeNpy(bytes);
    expect(back.type).toBe(t.type);
    expect(back.dims).toEqual(t.dims);
    expect(back.data).toEqual(t.data);
  });

  it('reads what NumPy writes (np.save of a (2, 3) <f4 array, and a (3,) <i8 array)', () => {
    // The bytes of np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)) and of np.array([1, -2, 3])
    // (NumPy 2: a 128-byte preamble, header length 118).
    const header = (dict: string) => {
      const text = dict.padEnd(118 - 1, ' ') + '\n';
      return Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0, ...Array.from(text, (c) => c.charCodeAt(0))]);
    };
    const f4 = header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    const a = decodeNpy(concat(f4, new Uint8Array(Float32Array.from([0, 1, 2, 3, 4, 5]).buffer)));
    expect(a.type).toBe('float32');
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(a.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    const i8 = header("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }");
    const b = decodeNpy(concat(i8, new Uint8Array(BigInt64Array.from([1n, -2n, 3n]).buffer)));
    expect(b.type).toBe('int64');
    expect(b.dims).toEqual([3]);
    expect(Array.from(b.data as BigInt64Array)).toEqual([1n, -2n, 3n]);
  });

  it.each([2, 3])('reads format version %i headers (4-byte length), as np.lib.format.write_array writes them', (version) => {
    // np.lib.format.write_array(f, np.array([True, False]), version=(2, 0)): 130 bytes, header length 116.
    const dict = "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }";
    const text = dict.padEnd(116 - 1, ' ') + '\n';
    const bytes = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0, 116, 0, 0, 0, ...Array.from(text, (c) => c.charCodeAt(0)), 1, 0]);
    expect(bytes.length).toBe(130);
    const t = decodeNpy(bytes);
    expect(t.type).toBe('bool');
    expect(t.dims).toEqual([2]);
    expect(Array.from(t.data)).toEqual([1, 0]);
  });

  const withHeader = (dict: string, data = new Uint8Array(0)) => {
    const text = dict.padEnd(64 - 10 - 1, ' ') + '\n';
    return concat(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0, ...Array.from(text, (c) => c.charCodeAt(0))]), data);
  };

  it.each([
    ['not a .npy file', new TextEncoder().encode('hello, this is not numpy'), 'does not start with the magic string'],
    ['Fortran order', withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new Uint8Array(16)), 'Fortran (column-major) order'],
    ['big-endian', withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), 'big-endian'],
    ['float16', withHeader("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(2)), "dtype '<f2' is not supported"],
    ['a structured dtype', withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), 'structured array'],
    ['truncated data', withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(16)), 'truncated'],
    ['a malformed header', withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1, }", new Uint8Array(4)), 'header is malformed'],
    ['version 9', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0]), 'version 9.0 is not supported'],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => decodeNpy(bytes)).toThrow(message);
  });

  it('names the file when reading one fails, and the CLI reports it with exit code 1', async () => {
    const file = join(dir, 'fortran.npy');
    writeFileSync(file, withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 5), }", new Uint8Array(40)));
    await expect(readNpy(file)).rejects.toThrow(`${file}: The .npy array is in Fortran`);
    const r = await cli('predict', model('gmm'), '--input', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Fortran (column-major) order');
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// The official ONNX backend test cases (../shared/onnx-conformance, or SURROGATE_RT_CONFORMANCE)
// whose operators are all in op set v1, run on our engine and compared with the expected outputs
// at the ONNX tolerances (rtol 1e-3, atol 1e-7). Prints per-operator counts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, Tensor, UnsupportedError, type TensorData, type TensorType } from '../../src/index.js';
import { onnx, tensorFromProto } from '../../src/onnx/proto.js';
import { allClose, ROOT } from '../helpers.js';
import { V1_OPS } from './v1-ops.js';

const DIR = process.env.SURROGATE_RT_CONFORMANCE ?? join(ROOT, '..', 'shared', 'onnx-conformance');
const KNOWN: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'test', 'conformance', 'known-failures.json'), 'utf8'));

interface Case { suite: string; name: string; dir: string; ops: string[] }

function cases(): Case[] {
  const out: Case[] = [];
  for (const suite of ['node', 'pytorch-converted', 'pytorch-operator']) {
    const root = join(DIR, suite);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const file = join(root, name, 'model.onnx');
      if (!existsSync(file)) continue;
      const m = onnx.ModelProto.decode(readFileSync(file));
      const ops = [...new Set((m.graph?.node ?? []).map((n) => (n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.` : '') + n.opType))];
      if (ops.length > 0 && ops.every((o) => V1_OPS.has(o))) out.push({ suite, name, dir: join(root, name), ops });
    }
  }
  return out;
}

function readTensor(path: string): Tensor {
  const c = tensorFromProto(onnx.TensorProto.decode(readFileSync(path)), { baseDir: undefined });
  return new Tensor(c.type as TensorType, c.data as TensorData, c.dims);
}

const stats = new Map<string, { passed: number; failed: number; unsupported: number }>();
const unsupportedReasons: string[] = [];
function count(ops: string[], key: 'passed' | 'failed' | 'unsupported') {
  for (const op of ops) {
    const s = stats.get(op) ?? { passed: 0, failed: 0, unsupported: 0 };
    s[key]++;
    stats.set(op, s);
  }
}

const all = existsSync(DIR) ? cases() : [];
if (!existsSync(DIR)) console.warn(`conformance: ${DIR} not found (set SURROGATE_RT_CONFORMANCE): skipping the conformance suite`);

describe.skipIf(all.length === 0)('ONNX conformance, op set v1', () => {
  afterAll(() => {
    const rows = [...stats.entries()].sort(([a], [b]) => a.localeCompare(b));
    const total = rows.reduce((t, [, s]) => ({ p: t.p + s.passed, f: t.f + s.failed, u: t.u + s.unsupported }), { p: 0, f: 0, u: 0 });
    console.log(`\nONNX conformance (${all.length} cases in op set v1; counts per operator appearing in a case)\n` +
      rows.map(([op, s]) => `  ${op.padEnd(20)} passed ${String(s.passed).padStart(3)}  failed ${String(s.failed).padStart(3)}  unsupported ${s.unsupported}`).join('\n') +
      `\n  per-operator totals: passed ${total.p}, failed ${total.f}, unsupported ${total.u}` +
      (unsupportedReasons.length ? `\n  declared unsupported (not run on our engine):\n    ${unsupportedReasons.join('\n    ')}` : ''));
  });

  for (const c of all) {
    const known = KNOWN[`${c.suite}/${c.name}`];
    it(`${c.suite}/${c.name}`, async () => {
      let failure: string | undefined;
      try {
        failure = await runCase(c);
      } catch (e) {
        if (e instanceof UnsupportedError) {
          count(c.ops, 'unsupported');
          unsupportedReasons.push(`${c.suite}/${c.name}: ${e.message.replace(/^.*fallback is 'error': /, '')}`);
          return;
        }
        failure = `${(e as Error).name}: ${(e as Error).message}`;
      }
      count(c.ops, failure ? 'failed' : 'passed');
      if (known) {
        expect(failure, `listed in known-failures.json (${known}) but passes now: remove it from the list`).toBeDefined();
      } else {
        expect(failure).toBeUndefined();
      }
    });
  }
});

async function runCase(c: Case): Promise<string | undefined> {
  const model = await loadModel(readFileSync(join(c.dir, 'model.onnx')), { device: 'cpu', fallback: 'error', threads: 1 });
  try {
    const sets = readdirSync(c.dir).filter((d) => d.startsWith('test_data_set_')).sort();
    for (const set of sets) {
      const dir = join(c.dir, set);
      const feeds: Record<string, Tensor> = {};
      model.inputs.forEach((inp, i) => {
        const f = join(dir, `input_${i}.pb`);
        if (existsSync(f)) feeds[inp.name] = readTensor(f);
      });
      const out = await model.predict(feeds);
      for (let i = 0; i < model.outputs.length; i++) {
        const f = join(dir, `output_${i}.pb`);
        if (!existsSync(f)) continue;
        const expected = readTensor(f);
        const got = out[model.outputs[i]!.name]!;
        if (got.dims.join(',') !== expected.dims.join(',')) return `${set} output ${i}: dims [${got.dims}] vs expected [${expected.dims}]`;
        if (got.type !== expected.type) return `${set} output ${i}: type ${got.type} vs expected ${expected.type}`;
        const bad = allClose(got.data, expected.data);
        if (bad) return `${set} output ${i}: ${bad}`;
      }
    }
    return undefined;
  } finally {
    model.dispose();
  }
}

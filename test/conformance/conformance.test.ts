// The official ONNX backend test cases (../shared/onnx-conformance, or SURROGATE_RT_CONFORMANCE)
// whose operators are all in op set v1, run on our engine and compared with the expected outputs
// at the ONNX tolerances (rtol 1e-3, atol 1e-7). Prints per-operator counts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conformanceCases, conformanceDir, dataSets, type ConformanceCase } from '../../src/bench/conformance.js';
import { loadModel, UnsupportedError, type Tensor } from '../../src/index.js';
import { allClose, ROOT } from '../helpers.js';

const DIR = conformanceDir(join(ROOT, '..', 'shared', 'onnx-conformance'));
const KNOWN: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'test', 'conformance', 'known-failures.json'), 'utf8'));

const stats = new Map<string, { passed: number; failed: number; unsupported: number }>();
const unsupportedReasons: string[] = [];
function count(ops: string[], key: 'passed' | 'failed' | 'unsupported') {
  for (const op of ops) {
    const s = stats.get(op) ?? { passed: 0, failed: 0, unsupported: 0 };
    s[key]++;
    stats.set(op, s);
  }
}

const all = existsSync(DIR) ? conformanceCases(DIR) : [];
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

async function runCase(c: ConformanceCase): Promise<string | undefined> {
  const model = await loadModel(readFileSync(join(c.dir, 'model.onnx')), { device: 'cpu', fallback: 'error', threads: 1 });
  try {
    for (const set of dataSets(c, model.inputs.length, model.outputs.length)) {
      const feeds: Record<string, Tensor> = {};
      model.inputs.forEach((inp, i) => {
        if (set.inputs[i]) feeds[inp.name] = set.inputs[i]!;
      });
      const out = await model.predict(feeds);
      for (let i = 0; i < model.outputs.length; i++) {
        const expected = set.outputs[i];
        if (!expected) continue;
        const got = out[model.outputs[i]!.name]!;
        if (got.dims.join(',') !== expected.dims.join(',')) return `${set.name} output ${i}: dims [${got.dims}] vs expected [${expected.dims}]`;
        if (got.type !== expected.type) return `${set.name} output ${i}: type ${got.type} vs expected ${expected.type}`;
        const bad = allClose(got.data, expected.data);
        if (bad) return `${set.name} output ${i}: ${bad}`;
      }
    }
    return undefined;
  } finally {
    model.dispose();
  }
}

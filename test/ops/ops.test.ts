// The op tests, as ggml's test-backend-ops: every case of cases.ts on every backend of our engine,
// against onnxruntime-node. Our side runs the pipeline stages directly (importModel →
// simplify(graph, inferShapes(graph)) → NativeRunner → run) and writes its outputs into buffers
// with guard bytes on both sides and poisoned contents. Inputs are fresh random values per run:
// the seed is printed, SEED=… reproduces a run (and `-t '<case name>'` one case).
// A case whose nodes our engine declares unsupported is skipped with the reason, never failed.
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { ortRun, ortSession } from '../helpers.js';
import { V1_OPS } from '../conformance/v1-ops.js';
import { CASE_OPS, CASES, DEFAULT_TOL, type OpCase } from './cases.js';
import type { Feed } from '../../src/feeds.js';
import type { NativeRunner } from '../../src/runner.js';
import { backends, baseSeed, buildCase, caseSeed, compareOutput, exactOutput, GuardedOutputs, nativeFeeds, prepareNative, relError, THREADS, type BuiltCase } from './harness.js';

const SEED = baseSeed();
console.log(`op tests: SEED=${SEED}, ${THREADS} thread(s) (${CASES.length} cases; SEED=${SEED} npx vitest run test/ops reproduces this run)`);

type Status = 'pass' | 'skip' | 'fail';
const results = new Map<string, { backend: string; c: OpCase; status: Status; detail?: string }>();
const notes: string[] = [];
const record = (backend: string, c: OpCase, status: Status, detail?: string) => results.set(`${backend}\u0000${c.name}`, { backend, c, status, detail });

// The reference results of a case (its feeds, and its second-shape feeds when it has symbolic
// dims) are computed once and shared by every backend.
interface Reference { built: BuiltCase; outputs?: Record<string, Tensor>; altOutputs?: Record<string, Tensor>; error?: string }
const references = new Map<string, Promise<Reference>>();
function reference(c: OpCase): Promise<Reference> {
  let r = references.get(c.name);
  if (!r) {
    r = (async () => {
      const built = buildCase(c, caseSeed(SEED, c.name));
      try {
        const session = await ortSession(built.bytes);
        try {
          const outputs = await ortRun(session, built.feeds);
          const altOutputs = built.altFeeds ? await ortRun(session, built.altFeeds) : undefined;
          return { built, outputs, altOutputs };
        } finally {
          await session.release();
        }
      } catch (e) {
        return { built, error: (e as Error).message.split('\n')[0] };
      }
    })();
    references.set(c.name, r);
  }
  return r;
}

/** Runs the runner on `feeds` into guarded buffers; returns the outputs and what went wrong with the guards. */
async function guardedRun(runner: NativeRunner, feeds: Feed[]): Promise<{ outputs: Record<string, Tensor>; problems: string[] }> {
  const guards = new GuardedOutputs();
  const outputs = await runner.run(feeds, guards.allocate);
  return { outputs, problems: guards.check() };
}

/** Compares every reference output (falling back on the float64 result where the case has one). */
function compareAll(c: OpCase, backend: string, ours: Record<string, Tensor>, expected: Record<string, Tensor>, feeds: Record<string, Tensor>, label: string): string[] {
  const problems: string[] = [];
  const tol = c.tol ?? DEFAULT_TOL;
  for (const name of Object.keys(expected)) {
    const got = ours[name];
    if (!got) {
      problems.push(`${label}output '${name}' is missing`);
      continue;
    }
    const why = compareOutput(name, got, expected[name]!, tol);
    if (!why) continue;
    // onnxruntime-node approximates some functions (MLAS) and sums in float32: where a float64
    // result exists, ours passes if it is within tol of it, and the reference's own error is reported.
    if (c.exactInt && got.type === 'int64') {
      const truth = BigInt64Array.from(c.exactInt(feeds));
      const vsTruth = compareOutput(name, got, { type: 'int64', dims: got.dims, data: truth });
      if (!vsTruth) {
        notes.push(`[${backend}] ${c.name}: ${label}differs from onnxruntime-node but matches the exact int64 result`);
        continue;
      }
      problems.push(`${label}${why}\n  and vs the exact int64 result: ${vsTruth.split('\n')[0]}`);
      continue;
    }
    const exact = exactOutput(c, { feeds } as BuiltCase);
    if (exact && got.type === 'float32' && got.data.length === exact.length) {
      const ourErr = relError(got.data, exact);
      const refErr = relError(expected[name]!.data, exact);
      const line = `vs the float64 result: ours ${ourErr.toExponential(2)}, onnxruntime-node ${refErr.toExponential(2)}`;
      if (ourErr <= tol) {
        notes.push(`[${backend}] ${c.name}: ${label}differs from onnxruntime-node but matches float64 (${line})`);
        continue;
      }
      problems.push(`${label}${why}\n  ${line}`);
    } else {
      problems.push(`${label}${why}`);
    }
  }
  return problems;
}

function sameBytes(a: Record<string, Tensor>, b: Record<string, Tensor>): string[] {
  const problems: string[] = [];
  for (const [name, t] of Object.entries(a)) {
    const u = b[name];
    const x = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const y = u ? new Uint8Array(u.data.buffer, u.data.byteOffset, u.data.byteLength) : undefined;
    if (!y || x.length !== y.length || x.some((v, i) => v !== y[i])) problems.push(`second run (same shapes, cached plan): output '${name}' differs from the first run`);
  }
  return problems;
}

const byOp = new Map<string, OpCase[]>();
for (const c of CASES) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

describe('the harness itself', () => {
  it('notices writes before and after an output, and unwritten (poisoned) outputs', () => {
    const g = new GuardedOutputs();
    const f = g.allocate({ name: 'f', type: 'float32', dims: [2, 3] }) as Float32Array;
    const i = g.allocate({ name: 'i', type: 'int64', dims: [4] }) as BigInt64Array;
    const b = g.allocate({ name: 'b', type: 'bool', dims: [3] }) as Uint8Array;
    expect(g.check()).toEqual([]);
    expect(f.every(Number.isNaN)).toBe(true);
    expect(compareOutput('f', new Tensor('float32', f, [2, 3]), new Tensor('float32', new Float32Array(6), [2, 3]))).toMatch(/NaN/);
    expect(compareOutput('i', new Tensor('int64', i, [4]), new Tensor('int64', new BigInt64Array(4), [4]))).toMatch(/4\/4 elements differ/);
    expect(compareOutput('b', new Tensor('bool', b, [3]), new Tensor('bool', new Uint8Array(3), [3]))).toMatch(/3\/3 elements differ/);
    new Uint8Array(f.buffer)[f.byteOffset + f.byteLength] = 0; // one byte past the end
    new Uint8Array(i.buffer)[i.byteOffset - 1] = 0; // one byte before the start
    expect(g.check()).toHaveLength(2);
  });

  it('compares floats by relative L2 error with NaN and Inf in place, and types and dims exactly', () => {
    const t = (v: number[], dims = [v.length]) => new Tensor('float32', Float32Array.from(v), dims);
    expect(compareOutput('y', t([1, NaN, Infinity]), t([1, NaN, Infinity]))).toBeUndefined();
    expect(compareOutput('y', t([1, 2, 3]), t([1, NaN, 3]))).toMatch(/NaN/);
    expect(compareOutput('y', t([1, 2, -Infinity]), t([1, 2, Infinity]))).toMatch(/Infinity/);
    expect(compareOutput('y', t([1, 2 + 1e-6]), t([1, 2]))).toBeUndefined();
    expect(compareOutput('y', t([1, 2.001]), t([1, 2]))).toMatch(/relative L2/);
    expect(compareOutput('y', t([1, 2], [2, 1]), t([1, 2], [1, 2]))).toMatch(/dims/);
    expect(compareOutput('y', new Tensor('int32', Int32Array.from([1, 2]), [2]), new Tensor('int64', BigInt64Array.from([1n, 2n]), [2]))).toMatch(/element type/);
  });
});

it('the cases cover every operator of op set v1', () => {
  const missing = [...V1_OPS].filter((op) => !byOp.has(op));
  expect(missing, `op set v1 operators without op cases: ${missing.join(', ')}`).toEqual([]);
});

for (const backend of backends()) {
  describe.skipIf(backend.skip !== undefined)(`backend ${backend.name}${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    for (const op of CASE_OPS) {
      describe(op, () => {
        for (const c of byOp.get(op)!) {
          it(c.name, async (ctx) => {
            const seed = caseSeed(SEED, c.name);
            const where = `case '${c.name}' on ${backend.name} (SEED=${SEED}, case seed ${seed})`;
            const ref = await reference(c);
            if (ref.error !== undefined) {
              record(backend.name, c, 'skip', `onnxruntime-node cannot run it: ${ref.error}`);
              return ctx.skip(`onnxruntime-node (the reference) cannot run it: ${ref.error}`);
            }
            let prepared;
            try {
              prepared = prepareNative(backend.addon!, ref.built);
            } catch (e) {
              record(backend.name, c, 'fail', `${(e as Error).name}: ${(e as Error).message}`);
              throw e;
            }
            if (!prepared.ok) {
              record(backend.name, c, 'skip', prepared.skip);
              return ctx.skip(`declared unsupported: ${prepared.skip}`);
            }
            const { runner, feeds } = prepared;
            const problems: string[] = [];
            try {
              // 1. the case's feeds; 2. the same again (the cached plan: identical bytes expected);
              // 3. other values of the symbolic dims (a second plan in the same runner).
              const first = await guardedRun(runner, feeds);
              problems.push(...first.problems, ...compareAll(c, backend.name, first.outputs, ref.outputs!, ref.built.feeds, ''));
              const again = await guardedRun(runner, feeds);
              problems.push(...again.problems.map((p) => `second run: ${p}`), ...sameBytes(first.outputs, again.outputs));
              if (ref.built.altFeeds && ref.altOutputs) {
                const dims = Object.entries(ref.built.altFeeds).map(([k, t]) => `${k} [${t.dims.join(', ')}]`).join(', ');
                const alt = nativeFeeds(runner, ref.built.altFeeds);
                if ('skip' in alt) {
                  notes.push(`[${backend.name}] ${c.name}: not run at ${dims}: ${alt.skip}`);
                } else {
                  const third = await guardedRun(runner, alt.feeds);
                  const label = `at other symbolic dims (${dims}): `;
                  problems.push(...third.problems.map((p) => label + p), ...compareAll(c, backend.name, third.outputs, ref.altOutputs, ref.built.altFeeds, label));
                }
              }
            } catch (e) {
              record(backend.name, c, 'fail', `threw ${(e as Error).name}: ${(e as Error).message}`);
              throw e;
            } finally {
              runner.dispose();
            }
            record(backend.name, c, problems.length ? 'fail' : 'pass', problems.join('\n'));
            expect(problems, `${where}:\n${problems.join('\n')}`).toEqual([]);
          });
        }
      });
    }
  });
}

afterAll(() => {
  const rows = new Map<string, { pass: number; skip: number; fail: number }>();
  for (const r of results.values()) {
    const key = `${r.backend} ${r.c.op}`;
    const row = rows.get(key) ?? { pass: 0, skip: 0, fail: 0 };
    row[r.status]++;
    rows.set(key, row);
  }
  if (rows.size === 0) return;
  const total = { pass: 0, skip: 0, fail: 0 };
  for (const r of rows.values()) {
    total.pass += r.pass;
    total.skip += r.skip;
    total.fail += r.fail;
  }
  const lines = [...rows.entries()].map(([k, r]) => `  ${k.padEnd(28)} pass ${String(r.pass).padStart(3)}  skip ${String(r.skip).padStart(3)}  fail ${String(r.fail).padStart(3)}`);
  const skips = [...results.values()].filter((r) => r.status === 'skip').map((r) => `  [${r.backend}] ${r.c.name}: ${r.detail}`);
  const fails = [...results.values()].filter((r) => r.status === 'fail').map((r) => `  [${r.backend}] ${r.c.name}: ${r.detail?.split('\n')[0]}`);
  console.log(
    `\nop tests (SEED=${SEED}): pass ${total.pass}, skip ${total.skip}, fail ${total.fail}\n${lines.join('\n')}` +
    (skips.length ? `\nskipped:\n${skips.join('\n')}` : '') +
    (notes.length ? `\nnotes:\n  ${notes.join('\n  ')}` : '') +
    (fails.length ? `\nfailed:\n${fails.join('\n')}` : ''),
  );
});

// The op tests, as ggml's test-backend-ops: every case of cases.ts on every backend of our engine,
// against onnxruntime-node. Our side runs the pipeline stages directly (importModel →
// simplify(graph, inferShapes(graph)) → NativeRunner → run) and writes its outputs into buffers
// with guard bytes on both sides and poisoned contents. Inputs are fresh random values per run:
// the seed is printed, SEED=… reproduces a run (and `-t '<case name>'` one case).
// A case whose nodes our engine declares unsupported is skipped with the reason, never failed.
import { afterAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/tensor.js';
import { ortRun, ortSession } from '../helpers.js';
import { V1_OPS } from '../conformance/v1-ops.js';
import { CASE_OPS, CASES, DEFAULT_TOL, type OpCase } from './cases.js';
import { backends, baseSeed, buildCase, caseSeed, compareOutput, exactOutput, GuardedOutputs, prepareNative, relError, type BuiltCase } from './harness.js';

const SEED = baseSeed();
console.log(`op tests: SEED=${SEED} (${CASES.length} cases; SEED=${SEED} npx vitest run test/ops reproduces this run)`);

type Status = 'pass' | 'skip' | 'fail';
const results = new Map<string, { backend: string; c: OpCase; status: Status; detail?: string }>();
const notes: string[] = [];
const record = (backend: string, c: OpCase, status: Status, detail?: string) => results.set(`${backend}\u0000${c.name}`, { backend, c, status, detail });

// The reference result of a case is computed once and shared by every backend.
interface Reference { built: BuiltCase; outputs?: Record<string, Tensor>; error?: string }
const references = new Map<string, Promise<Reference>>();
function reference(c: OpCase): Promise<Reference> {
  let r = references.get(c.name);
  if (!r) {
    r = (async () => {
      const built = buildCase(c, caseSeed(SEED, c.name));
      try {
        const session = await ortSession(built.bytes);
        try {
          return { built, outputs: await ortRun(session, built.feeds) };
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

const byOp = new Map<string, OpCase[]>();
for (const c of CASES) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

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
              ctx.skip(`onnxruntime-node (the reference) cannot run it: ${ref.error}`);
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
              ctx.skip(`declared unsupported: ${prepared.skip}`);
            }
            const { runner, feeds } = prepared;
            try {
              const guards = new GuardedOutputs();
              let ours: Record<string, Tensor>;
              try {
                ours = await runner.run(feeds, guards.allocate);
              } catch (e) {
                record(backend.name, c, 'fail', `run threw ${(e as Error).name}: ${(e as Error).message}`);
                throw e;
              }
              const problems = [...guards.check()];
              const expected = ref.outputs!;
              for (const name of Object.keys(expected)) {
                const got = ours[name];
                if (!got) {
                  problems.push(`output '${name}' is missing`);
                  continue;
                }
                const tol = c.tol ?? DEFAULT_TOL;
                const why = compareOutput(name, got, expected[name]!, tol);
                if (!why) continue;
                // onnxruntime-node approximates some functions (MLAS): when a float64 result exists,
                // ours passes if it is within tol of it, and the reference's own error is reported.
                const exact = exactOutput(c, ref.built);
                if (exact && got.type === 'float32' && got.data.length === exact.length) {
                  const ourErr = relError(got.data, exact);
                  const refErr = relError(expected[name]!.data, exact);
                  const line = `vs the float64 result: ours ${ourErr.toExponential(2)}, onnxruntime-node ${refErr.toExponential(2)}`;
                  if (ourErr <= tol) {
                    notes.push(`[${backend.name}] ${c.name}: differs from onnxruntime-node but matches float64 (${line})`);
                    continue;
                  }
                  problems.push(`${why}\n  ${line}`);
                } else {
                  problems.push(why);
                }
              }
              record(backend.name, c, problems.length ? 'fail' : 'pass', problems.join('\n'));
              expect(problems, `${where}:\n${problems.join('\n')}`).toEqual([]);
            } finally {
              runner.dispose();
            }
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
    (notes.length ? `\nreference deviations (ours matches the float64 result):\n  ${notes.join('\n  ')}` : '') +
    (fails.length ? `\nfailed:\n${fails.join('\n')}` : ''),
  );
});

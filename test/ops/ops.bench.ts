// The op cases as benchmarks: our engine (every backend it has) against onnxruntime-node, case by
// case, with the cases' benchDims where they give them (`npm run bench:ops`, i.e.
// `npx vitest bench --run test/ops`). Both sides run single-threaded unless BENCH_THREADS=n.
// Inputs are seeded (SEED=…); cases our engine declares unsupported are left out, with a note.
import { bench, describe } from 'vitest';
import type { InferenceSession } from 'onnxruntime-node';
import type { NativeRunner } from '../../src/runner.js';
import type { Feed } from '../../src/feeds.js';
import { ortRun, ortSession } from '../helpers.js';
import { CASES, type OpCase } from './cases.js';
import { backends, baseSeed, buildCase, caseSeed, prepareNative, type Backend, type BuiltCase } from './harness.js';

const SEED = baseSeed();
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
console.log(`op benchmarks: SEED=${SEED}, threads ${THREADS}`);

const OPTIONS = { time: 200, warmupTime: 20, warmupIterations: 2, iterations: 3 };

/** One case's inputs at bench dims, its onnxruntime session and our runners; only one case is held at a time. */
interface Live { name: string; built: BuiltCase; session?: Promise<InferenceSession>; runners: Map<string, { runner: NativeRunner; feeds: Feed[] }> }
let live: Live | undefined;

function liveCase(c: OpCase): Live {
  if (live?.name === c.name) return live;
  release();
  live = { name: c.name, built: buildCase(c, caseSeed(SEED, c.name), true), runners: new Map() };
  return live;
}

function release(): void {
  if (!live) return;
  for (const { runner } of live.runners.values()) runner.dispose();
  void live.session?.then((s) => s.release());
  live = undefined;
}

function ours(c: OpCase, backend: Backend): { runner: NativeRunner; feeds: Feed[] } {
  const l = liveCase(c);
  let r = l.runners.get(backend.name);
  if (!r) {
    const p = prepareNative(backend.addon!, l.built, THREADS);
    if (!p.ok) throw new Error(`unsupported at bench dims: ${p.skip}`);
    r = { runner: p.runner, feeds: p.feeds };
    l.runners.set(backend.name, r);
  }
  return r;
}

function reference(c: OpCase): Promise<InferenceSession> {
  const l = liveCase(c);
  l.session ??= ortSession(l.built.bytes, THREADS);
  return l.session;
}

const available = backends().filter((b) => !b.skip);
for (const b of backends()) if (b.skip) console.log(`op benchmarks: backend ${b.name} skipped: ${b.skip}`);

for (const c of CASES) {
  // Which backends can run the case at its bench dims (checked when the file is collected).
  const built = buildCase(c, caseSeed(SEED, c.name), true);
  const runnable = available.filter((b) => {
    try {
      const p = prepareNative(b.addon!, built, THREADS);
      if (p.ok) p.runner.dispose();
      else console.log(`op benchmarks: '${c.name}' on ${b.name} left out (${p.skip})`);
      return p.ok;
    } catch (e) {
      console.log(`op benchmarks: '${c.name}' on ${b.name} left out (${(e as Error).message})`);
      return false;
    }
  });
  if (runnable.length === 0) continue;
  describe(c.name, () => {
    for (const b of runnable) {
      bench(`surrogate-rt ${b.name}`, async () => {
        const { runner, feeds } = ours(c, b);
        await runner.run(feeds);
      }, { ...OPTIONS, setup: () => void ours(c, b) });
    }
    bench('onnxruntime-node', async () => {
      await ortRun(await reference(c), liveCase(c).built.feeds);
    }, { ...OPTIONS, setup: async () => void (await reference(c)) });
  });
}

// The GPU check's model part (src/bench/gpu-check.ts) on the CUDA emulator build: every bundled
// model at small batch sizes gives the same results on the CUDA backend as on the CPU engine
// (relative L2 ≤ 1e-5, poisoned memory, CUDA-graph replay identical), and the TF32 error is printed.
import { describe, expect, it } from 'vitest';
import { gpuCheck } from '../../src/bench/gpu-check.js';
import { EMULATOR_ADDON_FILE, loadAddonFile } from '../../src/native.js';
import { manifest } from '../helpers.js';

const emu = loadAddonFile(EMULATOR_ADDON_FILE);
const seed = Number(process.env.SEED ?? Date.now() % 1e9);

describe.skipIf(!emu.addon)('bundled models on the CUDA backend (emulator build)', () => {
  it.each(manifest().map((m) => [m.name, m] as const))('%s at batch 1 and 3', async (_name, m) => {
    const lines: string[] = [];
    const r = await gpuCheck({ addon: emu.addon!, deviceIndex: 0, models: [m], batches: [1, 3], seed, threads: 1, log: (l) => lines.push(l) });
    console.log(`SEED=${seed}\n${lines.join('\n')}`);
    expect(r.failures, r.failures.join('\n')).toEqual([]);
    expect(r.passed).toBe(2);
  }, 600_000);
});

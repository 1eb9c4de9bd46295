// The GPU check's conformance part (src/bench/gpu-check.ts) on the CUDA emulator build: every
// ONNX conformance case of op set v1 that our CPU engine runs must run on the CUDA backend too,
// match its expected outputs, equal the CPU engine's result (relative L2 ≤ 1e-5, NaN/Inf in the
// same places) with device memory and outputs poisoned, and replay from a CUDA graph bit for bit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceDir } from '../../src/bench/conformance.js';
import { gpuCheck } from '../../src/bench/gpu-check.js';
import { EMULATOR_ADDON_FILE, loadAddonFile } from '../../src/native.js';
import { ROOT } from '../helpers.js';

const DIR = conformanceDir(join(ROOT, '..', 'shared', 'onnx-conformance'));
const emu = loadAddonFile(EMULATOR_ADDON_FILE);

describe.skipIf(!emu.addon || !existsSync(DIR))('ONNX conformance on the CUDA backend (emulator build)', () => {
  it('every op set v1 case our engine runs gives the same results on cuda as on cpu', async () => {
    const lines: string[] = [];
    const r = await gpuCheck({ addon: emu.addon!, deviceIndex: 0, conformance: DIR, models: [], batches: [], seed: 1, threads: 1, log: (l) => lines.push(l) });
    console.log(lines.filter((l) => !l.startsWith('FAIL')).join('\n'));
    expect(r.passed).toBeGreaterThan(400);
    expect(r.failures, r.failures.join('\n')).toEqual([]);
  }, 600_000);
});

// Shared by the tests: the bundled models, seeded random inputs, onnxruntime-node as the
// reference, and error measures.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorData } from '../src/index.js';

export { manifest, modelFeeds, MODELS_DIR, randomTensor, rng, type ManifestIO, type ManifestModel } from '../src/cli/bundled.js';
export { ortRun, ortSession, relL2 } from '../src/bench/reference.js';
import { asNumbers } from '../src/bench/reference.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** numpy.testing.assert_allclose semantics: |a − e| ≤ atol + rtol·|e|, NaNs must match. Returns the first mismatch or undefined. */
export function allClose(actual: TensorData, expected: TensorData, rtol = 1e-3, atol = 1e-7): string | undefined {
  const a = asNumbers(actual), e = asNumbers(expected);
  if (a.length !== e.length) return `length ${a.length} vs ${e.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = e[i]!;
    if (Number.isNaN(y) || Number.isNaN(x)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return `index ${i}: ${x} vs ${y}`;
      continue;
    }
    if (x === y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return `index ${i}: ${x} vs expected ${y}`;
  }
  return undefined;
}

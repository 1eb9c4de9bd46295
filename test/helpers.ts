// Shared by the tests: the bundled models, seeded random inputs, onnxruntime-node as the
// reference, and error measures.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { manifest, modelFeeds, MODELS_DIR, randomTensor, rng, type ManifestIO, type ManifestModel } from '../src/cli/bundled.js';
export { ortRun, ortSession } from '../src/bench/reference.js';
export { allClose, relL2 } from '../src/bench/metrics.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

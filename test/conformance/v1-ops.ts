// Op set v1 (the list lives in src/bench/conformance.ts, which the GPU check shares).
export { V1_OPS } from '../../src/bench/conformance.js';

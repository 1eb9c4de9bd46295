// The op cases, in the spirit of ggml's test-backend-ops: every operator of op set v1 (and the
// bool ops Or/Xor the engine also has) with the variants that break kernels — broadcasting,
// scalars, integer and bool paths, attribute forms of every supported opset, padding/stride/
// dilation corners, symbolic batch dims. test/ops/ops.test.ts runs them on every backend against
// onnxruntime-node; test/ops/ops.bench.ts times them.
//
// A case is a small ONNX graph (one node unless `nodes` says otherwise) whose inputs are either
// random (drawn fresh per run from the seed) or constant initializers (shape-like inputs: Reshape
// shapes, Slice starts, axes, ...). Random inputs marked `init` become initializers with random
// values (weights). `declared` gives an input a symbolic shape ('batch') so that import-time
// inference works with symbols and the plan is specialised at run time.
import type { NodeSpec, Attr } from '../onnx-builder.js';
import { Tensor, type TensorType } from '../../src/tensor.js';

export type Dims = number[];

export interface RandomInput {
  kind: 'random';
  name: string;
  type: TensorType;
  dims: Dims;
  /** Value range (floats: uniform in [lo, hi); integers: uniform integers in [lo, hi]). Default [-1, 1]; ints [-10, 10]. */
  range?: [number, number];
  /** Floats drawn as whole numbers (so Equal/Less/Greater see ties). */
  integers?: boolean;
  /** Fraction of elements replaced by NaN (NaN propagation). */
  nan?: number;
  /** Make it an initializer (a weight) with random values instead of a graph input. */
  init?: boolean;
  /** Declared shape, when it differs from `dims` (symbolic dims such as 'batch'). */
  declared?: (number | string)[];
  /** Larger dims for the benchmarks. */
  benchDims?: Dims;
}

export interface ConstInput {
  kind: 'const';
  name: string;
  type: TensorType;
  dims: Dims;
  values: (number | bigint)[];
}

export type InputSpec = RandomInput | ConstInput;

export interface OutputSpec {
  name: string;
  type: TensorType;
}

export interface OpCase {
  /** Unique: '<op> <variant>'. */
  name: string;
  /** The op set v1 operator the case is about (cases are grouped by it). */
  op: string;
  opset: number;
  inputs: InputSpec[];
  /** Input names of the single node when they differ from `inputs` (e.g. '' for an absent optional input). */
  nodeInputs?: string[];
  attrs?: Record<string, Attr>;
  outputs?: OutputSpec[];
  /** A whole graph instead of the single node. */
  nodes?: NodeSpec[];
  /** The symbolic dims are tied to constants: no second run at other values of them. */
  fixedDims?: boolean;
  /** Relative L2 tolerance for float outputs (default 1e-6); integer and bool outputs must match exactly. */
  tol?: number;
  /** Why the case is expected to be refused (documented, still reported as a skip when it is). */
  note?: string;
  /**
   * For single-input element-wise cases: the function in float64. onnxruntime-node computes some
   * functions with fast approximations (MLAS); when ours differs from onnxruntime by more than
   * `tol`, ours still passes when it is within `tol` of this float64 result (and it is said so).
   */
  exact?: (x: number) => number;
  /** The same for a whole output computed in float64 from the feeds (reductions). */
  exact64?: (feeds: Record<string, Tensor>) => ArrayLike<number>;
  /** The exact int64 result (BigInt arithmetic) of the first output, where onnxruntime-node may not be exact. */
  exactInt?: (feeds: Record<string, Tensor>) => bigint[];
}

export const DEFAULT_TOL = 1e-6;
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

// ---- input helpers ---------------------------------------------------------------------------

type RandOpts = Omit<RandomInput, 'kind' | 'name' | 'type' | 'dims'>;

/** A random float32 graph input. */
const F = (name: string, dims: Dims, opts: RandOpts = {}): RandomInput => ({ kind: 'random', name, type: 'float32', dims, ...opts });
/** A random input of any type. */
const R = (name: string, type: TensorType, dims: Dims, opts: RandOpts = {}): RandomInput => ({ kind: 'random', name, type, dims, ...opts });
/** A random float32 initializer (a weight). */
const Wt = (name: string, dims: Dims, opts: RandOpts = {}): RandomInput => ({ kind: 'random', name, type: 'float32', dims, init: true, ...opts });
/** A constant initializer. */
const C = (name: string, type: TensorType, dims: Dims, values: (number | bigint)[]): ConstInput => ({ kind: 'const', name, type, dims, values });
/** A 1-D int64 constant (shapes, axes, starts, ...). */
const I64 = (name: string, values: (number | bigint)[]): ConstInput => C(name, 'int64', [values.length], values);
/** A float32 scalar constant. */
const FS = (name: string, v: number): ConstInput => C(name, 'float32', [], [v]);
/** dims with dim 0 declared as the symbolic 'batch'. */
const batch = (i: RandomInput): RandomInput => ({ ...i, declared: ['batch', ...i.dims.slice(1)] });

const out = (type: TensorType = 'float32', name = 'y'): OutputSpec[] => [{ name, type }];
const float = (v: number): Attr => ({ float: v });

// ---- float64 versions of the element-wise functions -----------------------------------------

/** erf in float64: Maclaurin series for |x| < 5 (|error| < 1e-11 there), ±1 beyond. */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 5) return Math.sign(x);
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const softplus64 = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const EXACT: Record<string, (x: number) => number> = {
  Sqrt: Math.sqrt, Exp: Math.exp, Log: Math.log, Erf: erf64, Neg: (x) => -x, Abs: Math.abs, Reciprocal: (x) => 1 / x,
  Relu: (x) => (Number.isNaN(x) ? x : Math.max(x, 0)), Sigmoid: (x) => 1 / (1 + Math.exp(-x)), Tanh: Math.tanh, Softplus: softplus64,
};
const gelu64 = (x: number) => 0.5 * x * (1 + erf64(x / Math.SQRT2));
const geluTanh64 = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

const cases: OpCase[] = [];
function add(c: Omit<OpCase, 'name'> & { variant: string }): void {
  const { variant, ...rest } = c;
  cases.push({ ...rest, name: `${c.op} ${variant}` });
}

// ---- element-wise binary arithmetic ----------------------------------------------------------

for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
  // Div: keep denominators away from zero.
  const den: RandOpts = op === 'Div' ? { range: [0.5, 2] } : {};
  const iden: RandOpts = op === 'Div' ? { range: [1, 9] } : { range: [-20, 20] };
  add({ op, variant: 'same shape', opset: 14, inputs: [F('a', [3, 4, 5], { benchDims: [64, 128, 128] }), F('b', [3, 4, 5], { ...den, benchDims: [64, 128, 128] })] });
  add({ op, variant: 'broadcast rank-changing [2,3,4,5]⊙[4,5]', opset: 14, inputs: [F('a', [2, 3, 4, 5], { benchDims: [16, 64, 64, 64] }), F('b', [4, 5], { ...den, benchDims: [64, 64] })] });
  add({ op, variant: 'broadcast lower-rank A [5]⊙[2,3,5]', opset: 14, inputs: [F('a', [5]), F('b', [2, 3, 5], den)] });
  add({ op, variant: 'broadcast size-1 dims on both sides [3,1,5]⊙[1,4,1]', opset: 14, inputs: [F('a', [3, 1, 5], { benchDims: [64, 1, 256] }), F('b', [1, 4, 1], { ...den, benchDims: [1, 256, 1] })] });
  add({ op, variant: 'broadcast inner size-1 [2,3,1,4]⊙[2,1,5,4]', opset: 14, inputs: [F('a', [2, 3, 1, 4]), F('b', [2, 1, 5, 4], den)] });
  add({ op, variant: 'scalar input B', opset: 14, inputs: [F('a', [3, 4]), F('b', [], den)] });
  add({ op, variant: 'scalar input A', opset: 14, inputs: [F('a', [], { range: [0.5, 2] }), F('b', [3, 4], den)] });
  add({ op, variant: 'scalar ⊙ scalar', opset: 14, inputs: [F('a', []), F('b', [], den)] });
  add({ op, variant: 'scalar constant B', opset: 14, inputs: [F('a', [4, 6]), FS('b', 1.75)] });
  add({ op, variant: 'weight initializer B (bias-like)', opset: 14, inputs: [batch(F('a', [3, 8])), Wt('b', [8], den)] });
  add({ op, variant: "symbolic 'batch' dim, broadcast [batch,4,6]⊙[4,1]", opset: 14, inputs: [batch(F('a', [5, 4, 6])), F('b', [4, 1], den)] });
  add({ op, variant: 'int64 broadcast [4,5]⊙[5]', opset: 14, inputs: [R('a', 'int64', [4, 5], { range: [-50, 50] }), R('b', 'int64', [5], iden)], outputs: out('int64') });
  add({ op, variant: 'int64 scalar constant', opset: 14, inputs: [R('a', 'int64', [3, 4], { range: [-50, 50] }), C('b', 'int64', [], [3])], outputs: out('int64') });
  add({ op, variant: 'int32 broadcast [3,4]⊙[3,1]', opset: 14, inputs: [R('a', 'int32', [3, 4], { range: [-50, 50] }), R('b', 'int32', [3, 1], iden)], outputs: out('int32') });
  add({ op, variant: 'empty tensor [0,3]⊙[3]', opset: 14, inputs: [F('a', [0, 3]), F('b', [3], den)] });
  add({ op, variant: 'opset 11', opset: 11, inputs: [F('a', [2, 3]), F('b', [2, 3], den)] });
}
add({ op: 'Add', variant: 'NaN inputs propagate', opset: 14, inputs: [F('a', [4, 8], { nan: 0.25 }), F('b', [8])] });
add({ op: 'Mul', variant: 'NaN inputs propagate', opset: 14, inputs: [F('a', [4, 8]), F('b', [4, 8], { nan: 0.25 })] });
add({ op: 'Add', variant: 'same input twice', opset: 14, inputs: [F('a', [3, 5])], nodeInputs: ['a', 'a'] });
add({
  op: 'Div', variant: 'int64 negative numerators (ORT truncates toward zero, as C does)', opset: 14,
  inputs: [R('a', 'int64', [6, 7], { range: [-60, 60] }), R('b', 'int64', [7], { range: [1, 9] })], outputs: out('int64'),
});

// Pow: float^float with a positive base, float^constant (x**2, x**3 as PyTorch exports them), int paths.
add({ op: 'Pow', variant: 'float base>0 ^ float', opset: 15, inputs: [F('a', [3, 4], { range: [0.1, 3], benchDims: [256, 1024] }), F('b', [3, 4], { range: [-2, 2], benchDims: [256, 1024] })] });
add({ op: 'Pow', variant: 'negative base ^ constant 2.0', opset: 15, inputs: [F('a', [4, 5], { range: [-3, 3], benchDims: [256, 1024] }), FS('b', 2)] });
add({ op: 'Pow', variant: 'negative base ^ constant 3.0', opset: 15, inputs: [F('a', [4, 5], { range: [-3, 3] }), FS('b', 3)] });
add({ op: 'Pow', variant: 'base ^ constant 0.5', opset: 15, inputs: [F('a', [4, 5], { range: [0, 4] }), FS('b', 0.5)] });
add({ op: 'Pow', variant: 'negative base ^ int64 scalar 3', opset: 15, inputs: [F('a', [4, 5], { range: [-3, 3] }), C('b', 'int64', [], [3])] });
add({ op: 'Pow', variant: 'float ^ int32 exponents broadcast', opset: 15, inputs: [F('a', [2, 3, 4], { range: [-2, 2] }), R('b', 'int32', [4], { range: [0, 4] })] });
add({ op: 'Pow', variant: 'broadcast [2,1,4]^[3,1]', opset: 15, inputs: [F('a', [2, 1, 4], { range: [0.2, 2] }), F('b', [3, 1], { range: [-1.5, 1.5] })] });
add({ op: 'Pow', variant: 'int32 ^ int32', opset: 15, inputs: [R('a', 'int32', [3, 4], { range: [-5, 5] }), R('b', 'int32', [3, 4], { range: [0, 4] })], outputs: out('int32') });
add({ op: 'Pow', variant: 'int64 ^ int64', opset: 15, inputs: [R('a', 'int64', [3, 4], { range: [-5, 5] }), R('b', 'int64', [4], { range: [0, 5] })], outputs: out('int64') });
add({ op: 'Pow', variant: 'opset 12', opset: 12, inputs: [F('a', [6], { range: [0.1, 3] }), F('b', [6], { range: [-2, 2] })] });
add({ op: 'Pow', variant: "symbolic batch", opset: 15, inputs: [batch(F('a', [3, 7], { range: [0.1, 3] })), F('b', [7], { range: [-2, 2] })] });

// ---- element-wise unary ----------------------------------------------------------------------

const unaryRange: Record<string, [number, number]> = {
  Sqrt: [0, 4], Exp: [-10, 10], Log: [0.01, 10], Erf: [-3, 3], Neg: [-5, 5], Abs: [-5, 5], Reciprocal: [0.2, 3],
  Relu: [-2, 2], Sigmoid: [-10, 10], Tanh: [-5, 5], Softplus: [-10, 10],
};
for (const op of Object.keys(unaryRange)) {
  const range = unaryRange[op]!;
  const exact = EXACT[op];
  add({ op, variant: 'rank 3', opset: 13, inputs: [F('x', [2, 3, 7], { range, benchDims: [64, 256, 256] })], exact });
  add({ op, variant: 'scalar', opset: 13, inputs: [F('x', [], { range })], exact });
  add({ op, variant: "symbolic batch [batch,5]", opset: 13, inputs: [batch(F('x', [4, 5], { range }))], exact });
  add({ op, variant: 'odd length 1-D (tails of vector loops)', opset: 13, inputs: [F('x', [37], { range })], exact });
  add({ op, variant: 'opset 11', opset: 11, inputs: [F('x', [3, 3], { range })], exact });
}
add({ op: 'Reciprocal', variant: 'negative inputs', opset: 13, inputs: [F('x', [5, 6], { range: [-3, -0.2] })], exact: EXACT.Reciprocal });
add({ op: 'Softplus', variant: 'large magnitudes (ln(1+e^x) must not overflow to inf)', opset: 13, inputs: [F('x', [4, 16], { range: [-100, 100] })], exact: softplus64 });
add({ op: 'Sigmoid', variant: 'large magnitudes', opset: 13, inputs: [F('x', [4, 16], { range: [-100, 100] })], exact: EXACT.Sigmoid });
add({ op: 'Tanh', variant: 'large magnitudes', opset: 13, inputs: [F('x', [4, 16], { range: [-50, 50] })], exact: Math.tanh });
add({ op: 'Exp', variant: 'overflow to +inf and underflow to 0', opset: 13, inputs: [F('x', [4, 16], { range: [-120, 120] })], exact: Math.exp });
// Small outputs: the relative L2 error of a tensor is dominated by its large elements, so these
// check the relative accuracy where the outputs are all small.
add({ op: 'Sigmoid', variant: 'small outputs x ∈ [-15,-5]', opset: 13, inputs: [F('x', [4, 16], { range: [-15, -5] })], exact: EXACT.Sigmoid });
add({ op: 'Exp', variant: 'small outputs x ∈ [-80,-20]', opset: 13, inputs: [F('x', [4, 16], { range: [-80, -20] })], exact: Math.exp });
add({ op: 'Tanh', variant: 'near zero x ∈ [-1e-3,1e-3]', opset: 13, inputs: [F('x', [4, 16], { range: [-1e-3, 1e-3] })], exact: Math.tanh });
add({ op: 'Erf', variant: 'near zero x ∈ [-1e-3,1e-3]', opset: 13, inputs: [F('x', [4, 16], { range: [-1e-3, 1e-3] })], exact: erf64 });
add({ op: 'Erf', variant: 'tails |x| ∈ [2,4.5]', opset: 13, inputs: [F('x', [4, 16], { range: [2, 4.5] })], exact: erf64 });
add({ op: 'Softplus', variant: 'small outputs x ∈ [-20,-5]', opset: 13, inputs: [F('x', [4, 16], { range: [-20, -5] })], exact: softplus64 });
add({ op: 'Log', variant: 'near 1 (small outputs)', opset: 13, inputs: [F('x', [4, 16], { range: [0.999, 1.001] })], exact: Math.log });
add({ op: 'Sqrt', variant: 'tiny inputs', opset: 13, inputs: [F('x', [4, 16], { range: [1e-30, 1e-20] })], exact: Math.sqrt });
add({ op: 'Log', variant: 'zero and negative inputs (-inf, NaN)', opset: 13, inputs: [F('x', [3, 4], { range: [0.5, 1] }), C('c', 'float32', [4], [0, -1, 1, 2])], nodes: [{ op: 'Mul', inputs: ['x', 'c'], outputs: ['s'] }, { op: 'Log', inputs: ['s'], outputs: ['y'] }] });
add({ op: 'Sqrt', variant: 'negative inputs give NaN', opset: 13, inputs: [F('x', [5, 5], { range: [-1, 1] })], exact: Math.sqrt });
add({ op: 'Exp', variant: 'NaN inputs propagate', opset: 13, inputs: [F('x', [4, 8], { nan: 0.25 })], exact: Math.exp });
add({ op: 'Tanh', variant: 'NaN inputs propagate', opset: 13, inputs: [F('x', [4, 8], { nan: 0.25 })], exact: Math.tanh });
for (const op of ['Neg', 'Abs', 'Relu']) {
  add({ op, variant: 'int32', opset: 14, inputs: [R('x', 'int32', [3, 5], { range: [-100, 100] })], outputs: out('int32') });
  // onnxruntime-node 1.30 has no int64 Relu kernel (only float, double, int8, int32).
  if (op !== 'Relu') add({ op, variant: 'int64', opset: 14, inputs: [R('x', 'int64', [3, 5], { range: [-100, 100] })], outputs: out('int64') });
}

add({ op: 'LeakyRelu', variant: 'default alpha 0.01', opset: 16, inputs: [F('x', [3, 4, 5], { range: [-5, 5], benchDims: [64, 256, 256] })] });
add({ op: 'LeakyRelu', variant: 'alpha 0.2', opset: 16, inputs: [F('x', [3, 4, 5], { range: [-5, 5] })], attrs: { alpha: 0.2 } });
add({ op: 'LeakyRelu', variant: 'alpha 1.5 (> 1)', opset: 16, inputs: [F('x', [3, 4, 5], { range: [-5, 5] })], attrs: { alpha: 1.5 } });
add({ op: 'LeakyRelu', variant: 'symbolic batch, opset 6 semantics at opset 11', opset: 11, inputs: [batch(F('x', [2, 9], { range: [-5, 5] }))], attrs: { alpha: 0.3 } });
add({ op: 'LeakyRelu', variant: 'scalar', opset: 16, inputs: [F('x', [], { range: [-5, -1] })], attrs: { alpha: 0.1 } });

// Gelu was added in opset 20 (onnxruntime-node 1.30 implements it).
add({ op: 'Gelu', variant: 'approximate none (erf)', opset: 20, inputs: [F('x', [3, 4, 5], { range: [-5, 5], benchDims: [64, 256, 256] })], exact: gelu64 });
add({ op: 'Gelu', variant: 'approximate tanh', opset: 20, inputs: [F('x', [3, 4, 5], { range: [-5, 5], benchDims: [64, 256, 256] })], attrs: { approximate: 'tanh' }, exact: geluTanh64 });
add({ op: 'Gelu', variant: 'explicit "none", symbolic batch', opset: 20, inputs: [batch(F('x', [2, 33], { range: [-8, 8] }))], attrs: { approximate: 'none' }, exact: gelu64 });
add({ op: 'Gelu', variant: 'tanh, large magnitudes', opset: 20, inputs: [F('x', [4, 16], { range: [-30, 30] })], attrs: { approximate: 'tanh' }, exact: geluTanh64 });
// In the negative tail the spec's formula 0.5·x·(1 + erf(x/√2)) cancels in float32 (erf → -1):
// both ours and onnxruntime-node are a few 1e-6 from the float64 result there, hence 1e-5.
add({ op: 'Gelu', variant: 'none, negative tail (small outputs) x ∈ [-6,-2]', opset: 20, inputs: [F('x', [4, 16], { range: [-6, -2] })], exact: gelu64, tol: 1e-5 });
add({ op: 'Gelu', variant: 'tanh, negative tail (small outputs) x ∈ [-6,-2]', opset: 20, inputs: [F('x', [4, 16], { range: [-6, -2] })], attrs: { approximate: 'tanh' }, exact: geluTanh64, tol: 1e-5 });
// A scalar is judged by its own relative error: x ≥ -2 keeps it out of the cancelling tail (at x = -3
// the float32 formula alone is ~2e-5 off in relative terms), and 1e-5 allows for the rest of it.
add({ op: 'Gelu', variant: 'opset 21 scalar', opset: 21, inputs: [F('x', [], { range: [-2, 3] })], exact: gelu64, tol: 1e-5 });

// Clip: min/max inputs from opset 11 (absent → unbounded), constants; int paths from opset 12.
add({ op: 'Clip', variant: 'min and max', opset: 13, inputs: [F('x', [3, 4, 5], { range: [-3, 3], benchDims: [64, 256, 256] }), FS('min', -1), FS('max', 0.5)] });
add({ op: 'Clip', variant: 'min only', opset: 13, inputs: [F('x', [3, 4, 5], { range: [-3, 3] }), FS('min', -0.25)] });
add({ op: 'Clip', variant: 'max only (min input absent)', opset: 13, inputs: [F('x', [3, 4, 5], { range: [-3, 3] }), FS('max', 0.75)], nodeInputs: ['x', '', 'max'] });
add({ op: 'Clip', variant: 'neither (identity)', opset: 13, inputs: [F('x', [3, 4, 5], { range: [-3, 3] })] });
add({ op: 'Clip', variant: 'min > max (all become max)', opset: 13, inputs: [F('x', [4, 5], { range: [-3, 3] }), FS('min', 1), FS('max', -1)] });
add({ op: 'Clip', variant: 'ReLU6 at opset 11', opset: 11, inputs: [batch(F('x', [2, 8], { range: [-10, 10] })), FS('min', 0), FS('max', 6)] });
add({ op: 'Clip', variant: 'int32 min and max', opset: 13, inputs: [R('x', 'int32', [4, 6], { range: [-20, 20] }), C('min', 'int32', [], [-5]), C('max', 'int32', [], [7])], outputs: out('int32') });
add({ op: 'Clip', variant: 'int64 max only', opset: 13, inputs: [R('x', 'int64', [4, 6], { range: [-20, 20] }), C('max', 'int64', [], [3])], nodeInputs: ['x', '', 'max'], outputs: out('int64') });
add({ op: 'Clip', variant: 'NaN inputs propagate', opset: 13, inputs: [F('x', [4, 8], { nan: 0.25, range: [-3, 3] }), FS('min', -1), FS('max', 1)] });
add({ op: 'Clip', variant: 'min/max as graph inputs (run-time bounds)', opset: 13, inputs: [F('x', [3, 4], { range: [-3, 3] }), F('min', [], { range: [-1, -0.5] }), F('max', [], { range: [0.5, 1] })], note: 'the parser documents that min/max must be constants; expected to be declared unsupported' });

// ---- comparisons, logic, Where ---------------------------------------------------------------

for (const op of ['Equal', 'Less', 'Greater']) {
  add({ op, variant: 'float32 with ties (whole numbers)', opset: 13, inputs: [F('a', [3, 4, 5], { range: [-3, 3], integers: true, benchDims: [64, 256, 256] }), F('b', [3, 4, 5], { range: [-3, 3], integers: true, benchDims: [64, 256, 256] })], outputs: out('bool') });
  add({ op, variant: 'float32 broadcast [2,3,1]~[4]', opset: 13, inputs: [F('a', [2, 3, 1], { range: [-2, 2], integers: true }), F('b', [4], { range: [-2, 2], integers: true })], outputs: out('bool') });
  add({ op, variant: 'float32 vs scalar constant', opset: 13, inputs: [F('a', [5, 6], { range: [-2, 2] }), FS('b', 0.25)], outputs: out('bool') });
  add({ op, variant: 'int64 broadcast [4,1]~[1,5]', opset: 13, inputs: [R('a', 'int64', [4, 1], { range: [-3, 3] }), R('b', 'int64', [1, 5], { range: [-3, 3] })], outputs: out('bool') });
  add({ op, variant: 'int32', opset: 13, inputs: [R('a', 'int32', [3, 4], { range: [-3, 3] }), R('b', 'int32', [3, 4], { range: [-3, 3] })], outputs: out('bool') });
  add({ op, variant: 'symbolic batch', opset: 13, inputs: [batch(R('a', 'int64', [3, 4], { range: [-3, 3] })), R('b', 'int64', [4], { range: [-3, 3] })], outputs: out('bool') });
  add({ op, variant: 'opset 11', opset: 11, inputs: [F('a', [6], { range: [-2, 2], integers: true }), F('b', [6], { range: [-2, 2], integers: true })], outputs: out('bool') });
}
add({ op: 'Equal', variant: 'bool', opset: 13, inputs: [R('a', 'bool', [3, 4]), R('b', 'bool', [4])], outputs: out('bool') });
add({ op: 'Equal', variant: 'NaN is not equal to NaN', opset: 13, inputs: [F('a', [4, 8], { nan: 0.5, integers: true }), F('b', [4, 8], { nan: 0.5, integers: true })], outputs: out('bool') });
add({ op: 'Less', variant: 'NaN compares false', opset: 13, inputs: [F('a', [4, 8], { nan: 0.3 }), F('b', [4, 8], { nan: 0.3 })], outputs: out('bool') });

for (const op of ['And', 'Or', 'Xor']) {
  add({ op, variant: 'same shape', opset: 13, inputs: [R('a', 'bool', [3, 4, 5], { benchDims: [64, 256, 256] }), R('b', 'bool', [3, 4, 5], { benchDims: [64, 256, 256] })], outputs: out('bool') });
  add({ op, variant: 'broadcast [2,1,4]~[3,1]', opset: 13, inputs: [R('a', 'bool', [2, 1, 4]), R('b', 'bool', [3, 1])], outputs: out('bool') });
  add({ op, variant: 'scalar constant true', opset: 13, inputs: [R('a', 'bool', [5, 6]), C('b', 'bool', [], [1])], outputs: out('bool') });
}
for (const op of ['And', 'Or', 'Xor']) {
  add({ op, variant: 'symbolic batch opset 11', opset: 11, inputs: [batch(R('a', 'bool', [3, 4])), R('b', 'bool', [4])], outputs: out('bool') });
}
add({ op: 'Not', variant: 'rank 3', opset: 13, inputs: [R('x', 'bool', [3, 4, 5], { benchDims: [64, 256, 256] })], outputs: out('bool') });
add({ op: 'Not', variant: 'scalar', opset: 13, inputs: [R('x', 'bool', [])], outputs: out('bool') });
add({ op: 'Not', variant: 'of a comparison (mask logic)', opset: 13, inputs: [F('a', [4, 5]), FS('z', 0)], nodes: [{ op: 'Less', inputs: ['a', 'z'], outputs: ['m'] }, { op: 'Not', inputs: ['m'], outputs: ['y'] }], outputs: out('bool') });

add({ op: 'Where', variant: 'same shape float', opset: 16, inputs: [R('c', 'bool', [3, 4, 5], { benchDims: [64, 256, 256] }), F('x', [3, 4, 5], { benchDims: [64, 256, 256] }), F('y', [3, 4, 5], { benchDims: [64, 256, 256] })], outputs: out('float32', 'z') });
add({ op: 'Where', variant: '3-way broadcast [4,1]/[1,5]/[] ', opset: 16, inputs: [R('c', 'bool', [4, 1]), F('x', [1, 5]), F('y', [])], outputs: out('float32', 'z') });
add({ op: 'Where', variant: 'cond broadcast over rank-changing [5] / [2,3,5] / [3,1]', opset: 16, inputs: [R('c', 'bool', [5]), F('x', [2, 3, 5]), F('y', [3, 1])], outputs: out('float32', 'z') });
add({ op: 'Where', variant: 'masked fill with -inf constant (attention mask)', opset: 16, inputs: [R('c', 'bool', [2, 1, 6]), C('x', 'float32', [], [-Infinity]), F('y', [2, 6, 6])], outputs: out('float32', 'z') });
add({ op: 'Where', variant: 'large masked fill (split over threads) [16,1,1,64]/[]/[16,4,64,64]', opset: 16, inputs: [R('c', 'bool', [16, 1, 1, 64]), C('x', 'float32', [], [-1e9]), F('y', [16, 4, 64, 64])], outputs: out('float32', 'z') });
add({ op: 'Where', variant: 'int64', opset: 16, inputs: [R('c', 'bool', [3, 4]), R('x', 'int64', [3, 4], { range: [-100, 100] }), R('y', 'int64', [4], { range: [-100, 100] })], outputs: out('int64', 'z') });
add({ op: 'Where', variant: 'int32', opset: 16, inputs: [R('c', 'bool', [3, 4]), R('x', 'int32', [3, 1], { range: [-100, 100] }), R('y', 'int32', [3, 4], { range: [-100, 100] })], outputs: out('int32', 'z') });
// (no bool X/Y case: onnxruntime-node 1.30 has no Where kernel for bool values)
add({ op: 'Where', variant: 'symbolic batch, cond from Greater', opset: 16, inputs: [batch(F('x', [3, 6])), F('y', [6])], nodes: [{ op: 'Greater', inputs: ['x', 'y'], outputs: ['c'] }, { op: 'Where', inputs: ['c', 'x', 'y'], outputs: ['z'] }], outputs: out('float32', 'z') });
add({ op: 'Where', variant: 'opset 9 semantics at opset 11', opset: 11, inputs: [R('c', 'bool', [6]), F('x', [6]), F('y', [6])], outputs: out('float32', 'z') });

// ---- Cast ------------------------------------------------------------------------------------

const CODE: Record<TensorType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 };
const castCases: [TensorType, TensorType, [number, number], boolean?][] = [
  ['float32', 'int32', [-100, 100]], ['float32', 'int64', [-100, 100]], ['int64', 'float32', [-1000, 1000]], ['int32', 'float32', [-1000, 1000]],
  ['float32', 'bool', [-1, 1], true], ['bool', 'float32', [0, 1]], ['bool', 'int64', [0, 1]], ['int64', 'int32', [-1000, 1000]],
  ['int32', 'int64', [-1000, 1000]], ['float32', 'float64', [-10, 10]], ['float64', 'float32', [-10, 10]], ['float32', 'uint8', [0, 255]],
  ['float32', 'int8', [-100, 100]], ['int32', 'bool', [-2, 2]], ['int64', 'bool', [-2, 2]], ['uint8', 'float32', [0, 255]], ['float32', 'float32', [-1, 1]],
];
for (const [from, to, range, ints] of castCases) {
  add({
    op: 'Cast', variant: `${from} → ${to}${from === to ? ' (no-op)' : ''}`, opset: 13,
    inputs: [R('x', from, [3, 4, 5], { range, integers: ints, benchDims: [64, 256, 256] })], attrs: { to: CODE[to] }, outputs: out(to),
  });
}
add({ op: 'Cast', variant: 'float32 → int64 symbolic batch (truncation toward zero)', opset: 19, inputs: [batch(F('x', [3, 7], { range: [-9.9, 9.9] }))], attrs: { to: 7 }, outputs: out('int64') });
add({ op: 'Cast', variant: 'scalar int64 → float32 opset 11', opset: 11, inputs: [R('x', 'int64', [], { range: [-9, 9] })], attrs: { to: 1 } });

// ---- Gemm and MatMul -------------------------------------------------------------------------

add({ op: 'Gemm', variant: 'A·B, no C', opset: 13, inputs: [F('a', [3, 4]), F('b', [4, 5])] });
add({ op: 'Gemm', variant: 'transA', opset: 13, inputs: [F('a', [4, 3]), F('b', [4, 5])], attrs: { transA: 1 } });
add({ op: 'Gemm', variant: 'transB', opset: 13, inputs: [F('a', [3, 4]), F('b', [5, 4])], attrs: { transB: 1 } });
add({ op: 'Gemm', variant: 'transA and transB', opset: 13, inputs: [F('a', [4, 3]), F('b', [5, 4])], attrs: { transA: 1, transB: 1 } });
add({ op: 'Gemm', variant: 'alpha 0.5 beta 2, C [N] (row broadcast)', opset: 13, inputs: [F('a', [3, 4]), F('b', [4, 5]), F('c', [5])], attrs: { alpha: 0.5, beta: float(2) } });
add({ op: 'Gemm', variant: 'C [M,1] (column broadcast)', opset: 13, inputs: [F('a', [3, 4]), F('b', [4, 5]), F('c', [3, 1])] });
add({ op: 'Gemm', variant: 'C [1,N]', opset: 13, inputs: [F('a', [3, 4]), F('b', [4, 5]), F('c', [1, 5])], attrs: { beta: 0.25 } });
add({ op: 'Gemm', variant: 'C scalar', opset: 13, inputs: [F('a', [3, 4]), F('b', [4, 5]), F('c', [])], attrs: { alpha: -1.5 } });
add({ op: 'Gemm', variant: 'C [M,N], beta 0', opset: 13, inputs: [F('a', [3, 4]), F('b', [4, 5]), F('c', [3, 5])], attrs: { beta: float(0) } });
add({ op: 'Gemm', variant: 'alpha 2, no C, transB', opset: 13, inputs: [F('a', [6, 4]), F('b', [3, 4])], attrs: { alpha: float(2), transB: 1 } });
add({ op: 'Gemm', variant: 'Linear layer: batch × W^T + b (weights, symbolic batch)', opset: 13, inputs: [batch(F('a', [7, 32], { benchDims: [256, 512] })), Wt('w', [24, 32], { benchDims: [512, 512] }), Wt('c', [24], { benchDims: [512] })], attrs: { transB: 1 } });
add({ op: 'Gemm', variant: 'single row (M=1, skinny path)', opset: 13, inputs: [F('a', [1, 50]), Wt('w', [50, 33]), Wt('c', [33])] });
add({ op: 'Gemm', variant: 'single column (N=1)', opset: 13, inputs: [F('a', [21, 40]), F('b', [40, 1]), F('c', [1])] });
add({ op: 'Gemm', variant: 'beyond register tiles 37×129×70 transA transB', opset: 13, inputs: [F('a', [129, 37]), F('b', [70, 129]), F('c', [70])], attrs: { transA: 1, transB: 1 } });
add({ op: 'Gemm', variant: 'K > cache block 8×600×20', opset: 13, inputs: [F('a', [8, 600]), F('b', [600, 20])], tol: 2e-6 /* float32 sums of 600 products: summation order differs from MLAS */ });
add({ op: 'Gemm', variant: 'opset 11', opset: 11, inputs: [F('a', [2, 3]), F('b', [3, 2]), F('c', [2, 2])] });

add({ op: 'MatMul', variant: '2-D', opset: 13, inputs: [F('a', [3, 4]), F('b', [4, 5])] });
add({ op: 'MatMul', variant: 'batched same batch dims', opset: 13, inputs: [F('a', [2, 3, 4]), F('b', [2, 4, 5])] });
add({ op: 'MatMul', variant: 'broadcast batch dims [2,1,3,4]×[3,4,5]', opset: 13, inputs: [F('a', [2, 1, 3, 4]), F('b', [3, 4, 5])] });
add({ op: 'MatMul', variant: 'broadcast batch dims [1,3,3,4]×[2,1,4,5]', opset: 13, inputs: [F('a', [1, 3, 3, 4]), F('b', [2, 1, 4, 5])] });
add({ op: 'MatMul', variant: 'batched × 2-D [5,3,4]×[4,6]', opset: 13, inputs: [F('a', [5, 3, 4]), F('b', [4, 6])] });
add({ op: 'MatMul', variant: '2-D × batched [3,4]×[5,4,6]', opset: 13, inputs: [F('a', [3, 4]), F('b', [5, 4, 6])] });
add({ op: 'MatMul', variant: '1-D × 2-D [4]×[4,5]', opset: 13, inputs: [F('a', [4]), F('b', [4, 5])] });
add({ op: 'MatMul', variant: '2-D × 1-D [3,4]×[4]', opset: 13, inputs: [F('a', [3, 4]), F('b', [4])] });
add({ op: 'MatMul', variant: 'batched × 1-D [2,3,4]×[4]', opset: 13, inputs: [F('a', [2, 3, 4]), F('b', [4])] });
add({ op: 'MatMul', variant: '1-D × batched [4]×[2,4,5]', opset: 13, inputs: [F('a', [4]), F('b', [2, 4, 5])] });
// Positive operands: a dot product of mixed signs can cancel to near 0, where float rounding in
// another summation order than onnxruntime's exceeds any relative tolerance (a seed did: 1.1e-6).
add({ op: 'MatMul', variant: '1-D × 1-D (dot product → scalar)', opset: 13, inputs: [F('a', [7], { range: [0.5, 1.5] }), F('b', [7], { range: [0.5, 1.5] })] });
add({ op: 'MatMul', variant: 'attention scores [batch,4,10,16]×[batch,4,16,10]', opset: 13, inputs: [batch(F('a', [2, 4, 10, 16], { benchDims: [32, 8, 128, 64] })), batch(F('b', [2, 4, 16, 10], { benchDims: [32, 8, 64, 128] }))] });
add({ op: 'MatMul', variant: 'weight [batch,10,32]×W[32,16]', opset: 13, inputs: [batch(F('a', [3, 10, 32], { benchDims: [64, 128, 256] })), Wt('w', [32, 16], { benchDims: [256, 256] })] });
add({ op: 'MatMul', variant: 'larger 64×128×96', opset: 13, inputs: [F('a', [64, 128], { benchDims: [512, 512] }), F('b', [128, 96], { benchDims: [512, 512] })] });
add({ op: 'MatMul', variant: 'size-1 dims M=1, N=1', opset: 13, inputs: [F('a', [3, 1, 8]), F('b', [3, 8, 1])] });
add({ op: 'MatMul', variant: 'opset 11', opset: 11, inputs: [F('a', [2, 3]), F('b', [3, 2])] });
add({ op: 'MatMul', variant: 'many small products, tails [2,5,7,9]×[2,5,9,11]', opset: 13, inputs: [F('a', [2, 5, 7, 9]), F('b', [2, 5, 9, 11])] });
add({ op: 'MatMul', variant: 'many mid-size products over threads [6,24,32]×[6,32,40]', opset: 13, inputs: [F('a', [6, 24, 32]), F('b', [6, 32, 40])] });

// ---- Conv ------------------------------------------------------------------------------------

add({ op: 'Conv', variant: '2-D 3×3, no bias, no pads', opset: 11, inputs: [F('x', [1, 3, 8, 8], { benchDims: [8, 32, 64, 64] }), Wt('w', [4, 3, 3, 3], { benchDims: [32, 32, 3, 3] })] });
add({ op: 'Conv', variant: '2-D bias, pads 1 (same)', opset: 11, inputs: [F('x', [2, 3, 7, 9], { benchDims: [8, 32, 64, 64] }), Wt('w', [5, 3, 3, 3], { benchDims: [32, 32, 3, 3] }), Wt('b', [5], { benchDims: [32] })], attrs: { pads: [1, 1, 1, 1] } });
add({ op: 'Conv', variant: '2-D strides 2, asymmetric pads [0,1,2,0]', opset: 11, inputs: [F('x', [1, 2, 9, 8]), Wt('w', [3, 2, 3, 3]), Wt('b', [3])], attrs: { strides: [2, 2], pads: [0, 1, 2, 0] } });
add({ op: 'Conv', variant: '2-D strides [1,3], non-square kernel [2,4]', opset: 11, inputs: [F('x', [1, 2, 7, 11]), Wt('w', [3, 2, 2, 4])], attrs: { strides: [1, 3], kernel_shape: [2, 4] } });
add({ op: 'Conv', variant: '2-D dilations 2 with pads 2', opset: 11, inputs: [F('x', [1, 3, 10, 10]), Wt('w', [2, 3, 3, 3]), Wt('b', [2])], attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] } });
add({ op: 'Conv', variant: '2-D dilations [1,3] strides [2,1]', opset: 11, inputs: [F('x', [1, 2, 9, 12]), Wt('w', [2, 2, 3, 2])], attrs: { dilations: [1, 3], strides: [2, 1] } });
add({ op: 'Conv', variant: '2-D groups 2', opset: 11, inputs: [F('x', [2, 4, 6, 6]), Wt('w', [6, 2, 3, 3]), Wt('b', [6])], attrs: { group: 2, pads: [1, 1, 1, 1] } });
add({ op: 'Conv', variant: '1-D batch 6 groups 2 bias (images over threads)', opset: 11, inputs: [F('x', [6, 4, 20]), Wt('w', [6, 2, 5]), Wt('b', [6])], attrs: { group: 2, pads: [2, 2] } });
add({ op: 'Conv', variant: '1-D wide output, bias, pads 3 (positions over threads)', opset: 11, inputs: [F('x', [1, 4, 600]), Wt('w', [8, 4, 7]), Wt('b', [8])], attrs: { pads: [3, 3] } });
add({ op: 'Conv', variant: '1-D wide output strides 2 groups 2 (positions over threads)', opset: 11, inputs: [F('x', [1, 8, 1200]), Wt('w', [16, 4, 7])], attrs: { strides: [2], pads: [3, 3], group: 2 } });
add({ op: 'Conv', variant: '1-D wide 1x1 batch 2 (positions over threads)', opset: 11, inputs: [F('x', [2, 32, 300]), Wt('w', [8, 32, 1]), Wt('b', [8])] });
add({ op: 'Conv', variant: '2-D groups 3 with 2 output channels per group', opset: 11, inputs: [F('x', [1, 6, 5, 5]), Wt('w', [6, 2, 2, 2])], attrs: { group: 3 } });
add({ op: 'Conv', variant: '2-D depthwise (group = C = M)', opset: 11, inputs: [F('x', [2, 8, 8, 8], { benchDims: [8, 8, 128, 128] }), Wt('w', [8, 1, 3, 3]), Wt('b', [8])], attrs: { group: 8, pads: [1, 1, 1, 1] } });
add({ op: 'Conv', variant: '2-D depthwise multiplier 2 (M = 2C)', opset: 11, inputs: [F('x', [1, 3, 6, 6]), Wt('w', [6, 1, 3, 3])], attrs: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] } });
add({ op: 'Conv', variant: '2-D 1×1 (pointwise)', opset: 11, inputs: [F('x', [2, 8, 5, 5], { benchDims: [8, 64, 64, 64] }), Wt('w', [4, 8, 1, 1], { benchDims: [64, 64, 1, 1] }), Wt('b', [4], { benchDims: [64] })] });
// 7 with kernel 4, stride 2: 4 outputs, total padding 3 (UPPER: 1 before, 2 after; LOWER: 2 before, 1 after).
add({ op: 'Conv', variant: '2-D auto_pad SAME_UPPER strides 2 (odd padding total)', opset: 11, inputs: [F('x', [1, 2, 7, 7]), Wt('w', [3, 2, 4, 4])], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } });
add({ op: 'Conv', variant: '2-D auto_pad SAME_LOWER strides 2 (odd padding total)', opset: 11, inputs: [F('x', [1, 2, 7, 7]), Wt('w', [3, 2, 4, 4])], attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] } });
add({ op: 'Conv', variant: '2-D auto_pad SAME_UPPER even kernel [2,4] stride 1', opset: 11, inputs: [F('x', [1, 2, 6, 7]), Wt('w', [3, 2, 2, 4])], attrs: { auto_pad: 'SAME_UPPER' } });
add({ op: 'Conv', variant: '2-D auto_pad SAME_LOWER even kernel [2,4] stride 1', opset: 11, inputs: [F('x', [1, 2, 6, 7]), Wt('w', [3, 2, 2, 4])], attrs: { auto_pad: 'SAME_LOWER' } });
// (no SAME_* with dilations: onnxruntime-node refuses "Dilation not supported for AutoPadType::SAME_UPPER or SAME_LOWER")
add({ op: 'Conv', variant: '2-D auto_pad VALID strides 2', opset: 11, inputs: [F('x', [1, 2, 9, 8]), Wt('w', [3, 2, 3, 3])], attrs: { auto_pad: 'VALID', strides: [2, 2] } });
add({ op: 'Conv', variant: '2-D W and B as graph inputs (run-time weights)', opset: 11, inputs: [F('x', [1, 3, 6, 6]), F('w', [4, 3, 3, 3]), F('b', [4])], attrs: { pads: [1, 1, 1, 1] } });
add({ op: 'Conv', variant: '2-D symbolic batch', opset: 11, inputs: [batch(F('x', [3, 3, 6, 6])), Wt('w', [4, 3, 3, 3]), Wt('b', [4])], attrs: { pads: [1, 1, 1, 1], kernel_shape: [3, 3] } });
add({ op: 'Conv', variant: '2-D kernel larger than input with pads', opset: 11, inputs: [F('x', [1, 1, 2, 2]), Wt('w', [2, 1, 3, 3])], attrs: { pads: [1, 1, 1, 1] } });
add({ op: 'Conv', variant: '1-D basic', opset: 11, inputs: [F('x', [2, 3, 20]), Wt('w', [5, 3, 5]), Wt('b', [5])] });
add({ op: 'Conv', variant: '1-D pads [2,1] strides 3', opset: 11, inputs: [F('x', [2, 3, 20]), Wt('w', [4, 3, 4])], attrs: { pads: [2, 1], strides: [3] } });
add({ op: 'Conv', variant: '1-D dilation 3 pads 3', opset: 11, inputs: [F('x', [1, 2, 17]), Wt('w', [3, 2, 3]), Wt('b', [3])], attrs: { dilations: [3], pads: [3, 3] } });
add({ op: 'Conv', variant: '1-D groups 2', opset: 11, inputs: [F('x', [1, 4, 12]), Wt('w', [6, 2, 3])], attrs: { group: 2 } });
add({ op: 'Conv', variant: '1-D depthwise', opset: 11, inputs: [F('x', [2, 5, 16]), Wt('w', [5, 1, 7]), Wt('b', [5])], attrs: { group: 5, pads: [3, 3] } });
add({ op: 'Conv', variant: '1-D auto_pad SAME_UPPER stride 2', opset: 11, inputs: [F('x', [1, 2, 11]), Wt('w', [3, 2, 4])], attrs: { auto_pad: 'SAME_UPPER', strides: [2] } });
add({ op: 'Conv', variant: '1-D auto_pad SAME_LOWER', opset: 11, inputs: [F('x', [1, 2, 11]), Wt('w', [3, 2, 4])], attrs: { auto_pad: 'SAME_LOWER' } });
add({ op: 'Conv', variant: '1-D auto_pad VALID', opset: 11, inputs: [F('x', [1, 2, 11]), Wt('w', [3, 2, 4])], attrs: { auto_pad: 'VALID' } });
add({ op: 'Conv', variant: '1-D PhaseNet-like [batch,8,3001] k7 pads 3', opset: 11, inputs: [batch(F('x', [2, 8, 3001], { benchDims: [16, 8, 3001] })), Wt('w', [16, 8, 7]), Wt('b', [16])], attrs: { pads: [3, 3] }, tol: 2e-6 /* 56-term dot products, summation order differs */ });
add({ op: 'Conv', variant: '2-D wide channels 32→32 3×3', opset: 11, inputs: [F('x', [1, 32, 12, 12], { benchDims: [8, 64, 56, 56] }), Wt('w', [32, 32, 3, 3], { benchDims: [64, 64, 3, 3] }), Wt('b', [32], { benchDims: [64] })], attrs: { pads: [1, 1, 1, 1] }, tol: 2e-6 /* 288-term dot products */ });

// ---- ConvTranspose (W is [C, M/group, k...]) -------------------------------------------------

add({ op: 'ConvTranspose', variant: '2-D basic', opset: 11, inputs: [F('x', [1, 4, 5, 5], { benchDims: [8, 32, 32, 32] }), Wt('w', [4, 3, 3, 3], { benchDims: [32, 32, 3, 3] })] });
add({ op: 'ConvTranspose', variant: '2-D strides 2 pads 1 output_padding 1 bias', opset: 11, inputs: [F('x', [2, 3, 4, 4]), Wt('w', [3, 2, 3, 3]), Wt('b', [2])], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } });
add({ op: 'ConvTranspose', variant: '2-D strides [2,3] asymmetric pads', opset: 11, inputs: [F('x', [1, 2, 3, 4]), Wt('w', [2, 3, 3, 4])], attrs: { strides: [2, 3], pads: [0, 1, 1, 2] } });
add({ op: 'ConvTranspose', variant: '2-D groups 2', opset: 11, inputs: [F('x', [1, 4, 5, 5]), Wt('w', [4, 2, 3, 3]), Wt('b', [4])], attrs: { group: 2, strides: [2, 2] } });
add({ op: 'ConvTranspose', variant: '1-D batch 6 strides 2 bias (images over threads)', opset: 11, inputs: [F('x', [6, 4, 9]), Wt('w', [4, 3, 4]), Wt('b', [3])], attrs: { strides: [2] } });
add({ op: 'ConvTranspose', variant: '1-D wide strides 4 bias, channels over threads', opset: 11, inputs: [F('x', [1, 16, 200]), Wt('w', [16, 7, 7]), Wt('b', [7])], attrs: { strides: [4], pads: [3, 3], output_padding: [1] } });
add({ op: 'ConvTranspose', variant: '2-D groups 2 batch 2, channels over threads', opset: 11, inputs: [F('x', [2, 8, 24, 24]), Wt('w', [8, 5, 3, 3]), Wt('b', [10])], attrs: { group: 2, strides: [2, 2], pads: [1, 1, 1, 1] } });
add({ op: 'ConvTranspose', variant: '2-D dilations 2', opset: 11, inputs: [F('x', [1, 2, 4, 4]), Wt('w', [2, 2, 3, 3])], attrs: { dilations: [2, 2] } });
add({ op: 'ConvTranspose', variant: '2-D kernel 2 stride 2 (U-Net upsampling)', opset: 11, inputs: [batch(F('x', [2, 8, 6, 6], { benchDims: [8, 64, 32, 32] })), Wt('w', [8, 4, 2, 2], { benchDims: [64, 32, 2, 2] }), Wt('b', [4], { benchDims: [32] })], attrs: { strides: [2, 2] } });
add({ op: 'ConvTranspose', variant: '2-D auto_pad SAME_UPPER strides 2', opset: 11, inputs: [F('x', [1, 2, 4, 4]), Wt('w', [2, 3, 3, 3])], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } });
add({ op: 'ConvTranspose', variant: '2-D auto_pad SAME_LOWER strides 2', opset: 11, inputs: [F('x', [1, 2, 4, 4]), Wt('w', [2, 3, 3, 3])], attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] } });
add({ op: 'ConvTranspose', variant: '2-D auto_pad VALID strides 2', opset: 11, inputs: [F('x', [1, 2, 4, 4]), Wt('w', [2, 3, 3, 3])], attrs: { auto_pad: 'VALID', strides: [2, 2] } });
add({ op: 'ConvTranspose', variant: '2-D output_shape attribute', opset: 11, inputs: [F('x', [1, 2, 3, 3]), Wt('w', [2, 2, 3, 3])], attrs: { strides: [3, 2], output_shape: [10, 8] } });
add({ op: 'ConvTranspose', variant: '2-D W as graph input', opset: 11, inputs: [F('x', [1, 2, 3, 3]), F('w', [2, 2, 2, 2])], attrs: { strides: [2, 2] } });
add({ op: 'ConvTranspose', variant: '1-D basic with bias', opset: 11, inputs: [F('x', [2, 4, 10]), Wt('w', [4, 6, 4]), Wt('b', [6])] });
add({ op: 'ConvTranspose', variant: '1-D stride 2 pads [1,1]', opset: 11, inputs: [F('x', [2, 4, 10]), Wt('w', [4, 3, 4])], attrs: { strides: [2], pads: [1, 1] } });
add({ op: 'ConvTranspose', variant: '1-D stride 3 output_padding 2 dilation 2', opset: 11, inputs: [F('x', [1, 3, 7]), Wt('w', [3, 2, 3])], attrs: { strides: [3], output_padding: [2], dilations: [2] } });
add({ op: 'ConvTranspose', variant: '1-D groups 3 asymmetric pads [2,0]', opset: 11, inputs: [F('x', [1, 6, 8]), Wt('w', [6, 1, 5]), Wt('b', [3])], attrs: { group: 3, pads: [2, 0], strides: [2] } });
add({ op: 'ConvTranspose', variant: '1-D PhaseNet-like upsampling [batch,16,750] k7 s4', opset: 11, inputs: [batch(F('x', [2, 16, 750], { benchDims: [16, 16, 750] })), Wt('w', [16, 8, 7]), Wt('b', [8])], attrs: { strides: [4], pads: [3, 3], output_padding: [3] } });

// ---- pooling ---------------------------------------------------------------------------------

add({ op: 'MaxPool', variant: '2-D k3 s2', opset: 12, inputs: [F('x', [1, 3, 9, 9], { benchDims: [8, 64, 112, 112] })], attrs: { kernel_shape: [3, 3], strides: [2, 2] } });
add({ op: 'MaxPool', variant: '2-D k3 s1 pads 1', opset: 12, inputs: [F('x', [2, 2, 6, 7])], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } });
add({ op: 'MaxPool', variant: '2-D k2 s2 (no strides attr → 1)', opset: 12, inputs: [F('x', [1, 2, 5, 5])], attrs: { kernel_shape: [2, 2] } });
add({ op: 'MaxPool', variant: '2-D asymmetric pads [0,1,1,0] s2', opset: 12, inputs: [F('x', [1, 2, 6, 6])], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 1, 1, 0] } });
add({ op: 'MaxPool', variant: '2-D ceil_mode 1 (partial last window)', opset: 12, inputs: [F('x', [1, 2, 10, 10])], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } });
add({ op: 'MaxPool', variant: '2-D ceil_mode 1 with pads (window starting in padding is dropped)', opset: 12, inputs: [F('x', [1, 1, 6, 6])], attrs: { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 } });
add({ op: 'MaxPool', variant: '2-D dilations 2', opset: 12, inputs: [F('x', [1, 2, 9, 9])], attrs: { kernel_shape: [3, 3], dilations: [2, 2] } });
add({ op: 'MaxPool', variant: '2-D dilations [2,1] pads 1 s2 ceil_mode', opset: 12, inputs: [F('x', [1, 2, 9, 8])], attrs: { kernel_shape: [2, 3], dilations: [2, 1], pads: [1, 1, 1, 1], strides: [2, 2], ceil_mode: 1 } });
add({ op: 'MaxPool', variant: '2-D auto_pad SAME_UPPER s2', opset: 12, inputs: [F('x', [1, 2, 7, 7])], attrs: { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' } });
add({ op: 'MaxPool', variant: '2-D auto_pad SAME_LOWER', opset: 12, inputs: [F('x', [1, 2, 6, 6])], attrs: { kernel_shape: [4, 4], auto_pad: 'SAME_LOWER' } });
add({ op: 'MaxPool', variant: '2-D auto_pad VALID s2', opset: 12, inputs: [F('x', [1, 2, 7, 7])], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'VALID' } });
add({ op: 'MaxPool', variant: '2-D with Indices output', opset: 12, inputs: [F('x', [2, 2, 6, 6])], attrs: { kernel_shape: [2, 2], strides: [2, 2] }, outputs: [{ name: 'y', type: 'float32' }, { name: 'idx', type: 'int64' }] });
add({ op: 'MaxPool', variant: '2-D Indices with pads (indices of the unpadded tensor)', opset: 12, inputs: [F('x', [1, 2, 5, 5])], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, outputs: [{ name: 'y', type: 'float32' }, { name: 'idx', type: 'int64' }] });
add({ op: 'MaxPool', variant: '2-D Indices storage_order 1 (column major)', opset: 12, inputs: [F('x', [1, 2, 4, 6])], attrs: { kernel_shape: [2, 2], strides: [2, 2], storage_order: 1 }, outputs: [{ name: 'y', type: 'float32' }, { name: 'idx', type: 'int64' }] });
add({ op: 'MaxPool', variant: '2-D all-negative input with pads (padding is -inf, not 0)', opset: 12, inputs: [F('x', [1, 2, 4, 4], { range: [-3, -1] })], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } });
add({ op: 'MaxPool', variant: '1-D k4 s2 pads', opset: 12, inputs: [F('x', [2, 3, 15], { benchDims: [16, 32, 3001] })], attrs: { kernel_shape: [4], strides: [2], pads: [1, 2] } });
add({ op: 'MaxPool', variant: '1-D ceil_mode symbolic batch', opset: 12, inputs: [batch(F('x', [2, 3, 16]))], attrs: { kernel_shape: [3], strides: [2], ceil_mode: 1 } });
add({ op: 'MaxPool', variant: '1-D dilation 3', opset: 12, inputs: [F('x', [1, 2, 20])], attrs: { kernel_shape: [3], dilations: [3] } });
add({ op: 'MaxPool', variant: 'opset 11', opset: 11, inputs: [F('x', [1, 2, 6, 6])], attrs: { kernel_shape: [2, 2], strides: [2, 2] } });

add({ op: 'AveragePool', variant: '2-D k3 s2', opset: 11, inputs: [F('x', [1, 3, 9, 9], { benchDims: [8, 64, 112, 112] })], attrs: { kernel_shape: [3, 3], strides: [2, 2] } });
add({ op: 'AveragePool', variant: '2-D pads 1 count_include_pad 0', opset: 11, inputs: [F('x', [2, 2, 5, 6])], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } });
add({ op: 'AveragePool', variant: '2-D pads 1 count_include_pad 1', opset: 11, inputs: [F('x', [2, 2, 5, 6])], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 } });
add({ op: 'AveragePool', variant: '2-D asymmetric pads [1,0,0,2] s2 count_include_pad 1', opset: 11, inputs: [F('x', [1, 2, 7, 7])], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 0, 2], count_include_pad: 1 } });
add({ op: 'AveragePool', variant: '2-D ceil_mode 1 (partial window averages its valid cells)', opset: 11, inputs: [F('x', [1, 2, 10, 10])], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } });
add({ op: 'AveragePool', variant: '2-D ceil_mode 1 pads 1 count_include_pad 1', opset: 11, inputs: [F('x', [1, 1, 6, 6])], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 } });
add({ op: 'AveragePool', variant: '2-D auto_pad SAME_UPPER s2', opset: 11, inputs: [F('x', [1, 2, 7, 7])], attrs: { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' } });
add({ op: 'AveragePool', variant: '2-D auto_pad SAME_LOWER', opset: 11, inputs: [F('x', [1, 2, 6, 6])], attrs: { kernel_shape: [3, 3], auto_pad: 'SAME_LOWER' } });
add({ op: 'AveragePool', variant: '2-D auto_pad VALID', opset: 11, inputs: [F('x', [1, 2, 7, 7])], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'VALID' } });
add({ op: 'AveragePool', variant: '2-D dilations 2 (opset 19)', opset: 19, inputs: [F('x', [1, 2, 9, 9])], attrs: { kernel_shape: [3, 3], dilations: [2, 2] } });
add({ op: 'AveragePool', variant: '1-D k4 s4', opset: 11, inputs: [F('x', [2, 3, 16], { benchDims: [16, 32, 3000] })], attrs: { kernel_shape: [4], strides: [4] } });
add({ op: 'AveragePool', variant: '1-D pads [2,1] count_include_pad 0 symbolic batch', opset: 11, inputs: [batch(F('x', [2, 3, 11]))], attrs: { kernel_shape: [4], strides: [2], pads: [2, 1] } });
add({ op: 'AveragePool', variant: 'opset 19 ceil_mode and pads', opset: 19, inputs: [F('x', [1, 2, 7, 7])], attrs: { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0], ceil_mode: 1 } });

add({ op: 'GlobalAveragePool', variant: '2-D', opset: 11, inputs: [F('x', [2, 3, 5, 5], { benchDims: [16, 256, 28, 28] })] });
add({ op: 'GlobalAveragePool', variant: '1-D', opset: 11, inputs: [F('x', [2, 4, 7])] });
add({ op: 'GlobalAveragePool', variant: 'symbolic batch, 1×1 spatial', opset: 11, inputs: [batch(F('x', [3, 6, 1, 1]))] });
add({ op: 'GlobalAveragePool', variant: 'opset 1 semantics at opset 21', opset: 21, inputs: [F('x', [1, 8, 4, 3])] });

// ---- normalisation ---------------------------------------------------------------------------

const bnParams = (c: number, init: boolean, benchC?: number): InputSpec[] => {
  const b = benchC ? { benchDims: [benchC] } : {};
  return [
    { ...F('scale', [c], { range: [0.5, 1.5], ...b }), init }, { ...F('bias', [c], b), init }, { ...F('mean', [c], b), init }, { ...F('var', [c], { range: [0.1, 2], ...b }), init },
  ];
};
add({ op: 'BatchNormalization', variant: 'rank 4, constant parameters', opset: 15, inputs: [F('x', [2, 3, 4, 5], { benchDims: [16, 64, 56, 56] }), ...bnParams(3, true, 64)] });
add({ op: 'BatchNormalization', variant: 'rank 3 (1-D conv nets), epsilon 1e-3', opset: 15, inputs: [batch(F('x', [2, 4, 9])), ...bnParams(4, true)], attrs: { epsilon: 1e-3 } });
add({ op: 'BatchNormalization', variant: 'rank 2 (after Linear)', opset: 15, inputs: [F('x', [5, 6]), ...bnParams(6, true)] });
add({ op: 'BatchNormalization', variant: 'parameters as graph inputs (run-time)', opset: 15, inputs: [F('x', [2, 3, 4, 4]), ...bnParams(3, false)] });
add({ op: 'BatchNormalization', variant: 'opset 11', opset: 11, inputs: [F('x', [1, 2, 3, 3]), ...bnParams(2, true)] });
add({ op: 'BatchNormalization', variant: 'opset 14 training_mode 0', opset: 14, inputs: [F('x', [1, 2, 3, 3]), ...bnParams(2, true)], attrs: { training_mode: 0 } });

add({ op: 'LayerNormalization', variant: 'axis -1 with B', opset: 17, inputs: [F('x', [2, 5, 16], { benchDims: [64, 128, 512] }), Wt('scale', [16], { benchDims: [512] }), Wt('bias', [16], { benchDims: [512] })] });
add({ op: 'LayerNormalization', variant: 'axis -1 without B', opset: 17, inputs: [F('x', [2, 5, 16]), Wt('scale', [16])] });
add({ op: 'LayerNormalization', variant: 'axis -2 (normalise last two dims)', opset: 17, inputs: [F('x', [3, 4, 6]), Wt('scale', [4, 6]), Wt('bias', [4, 6])], attrs: { axis: -2 } });
add({ op: 'LayerNormalization', variant: 'axis 1 on rank 4', opset: 17, inputs: [F('x', [2, 3, 4, 5]), Wt('scale', [3, 4, 5]), Wt('bias', [3, 4, 5])], attrs: { axis: 1 } });
add({ op: 'LayerNormalization', variant: 'axis 0 (whole tensor)', opset: 17, inputs: [F('x', [3, 4]), Wt('scale', [3, 4])], attrs: { axis: 0 } });
add({ op: 'LayerNormalization', variant: 'scale broadcast [1,6] over normalised [4,6]', opset: 17, inputs: [F('x', [2, 4, 6]), Wt('scale', [1, 6]), Wt('bias', [6])], attrs: { axis: 1 } });
add({ op: 'LayerNormalization', variant: 'epsilon 1e-2, offset inputs (mean far from 0)', opset: 17, inputs: [F('x', [4, 32], { range: [100, 101] }), Wt('scale', [32]), Wt('bias', [32])], attrs: { epsilon: 1e-2 }, tol: 1e-5 /* x ≈ 100 ± 0.5: float32 mean/variance differ by accumulation order */ });
add({ op: 'LayerNormalization', variant: 'symbolic batch, scale/bias as graph inputs', opset: 17, inputs: [batch(F('x', [3, 7, 10])), F('scale', [10]), F('bias', [10])] });
add({ op: 'LayerNormalization', variant: 'opset 18', opset: 18, inputs: [F('x', [2, 8]), Wt('scale', [8]), Wt('bias', [8])] });

for (const op of ['Softmax', 'LogSoftmax']) {
  add({ op, variant: 'opset 13 default axis -1', opset: 13, inputs: [F('x', [2, 3, 8], { range: [-5, 5], benchDims: [64, 128, 512] })] });
  add({ op, variant: 'opset 13 axis 1 of rank 3 (not last)', opset: 13, inputs: [F('x', [2, 5, 4], { range: [-5, 5], benchDims: [64, 512, 128] })], attrs: { axis: 1 } });
  add({ op, variant: 'opset 13 axis 0', opset: 13, inputs: [F('x', [4, 3, 2], { range: [-5, 5] })], attrs: { axis: 0 } });
  add({ op, variant: 'opset 13 axis -2', opset: 13, inputs: [F('x', [2, 3, 6, 4], { range: [-5, 5] })], attrs: { axis: -2 } });
  add({ op, variant: 'opset 13 rank 1', opset: 13, inputs: [F('x', [10], { range: [-5, 5] })] });
  add({ op, variant: 'opset 13 many short rows (split over threads) [64,4,8,8]', opset: 13, inputs: [F('x', [64, 4, 8, 8], { range: [-5, 5] })] });
  add({ op, variant: 'opset 13 large logits (needs max subtraction)', opset: 13, inputs: [F('x', [3, 16], { range: [-200, 200] })], tol: 1e-5 /* exp of large differences: a few ulps in float32 expf */ });
  add({ op, variant: 'opset 13 -inf masked entries', opset: 13, inputs: [F('x', [2, 6], { range: [-3, 3] }), C('m', 'float32', [6], [0, -Infinity, 0, 0, -Infinity, 0])], nodes: [{ op: 'Add', inputs: ['x', 'm'], outputs: ['xm'] }, { op, inputs: ['xm'], outputs: ['y'] }] });
  add({ op, variant: 'opset 13 symbolic batch axis 1', opset: 13, inputs: [batch(F('x', [3, 4, 5], { range: [-5, 5] }))], attrs: { axis: 1 } });
  add({ op, variant: 'opset 11 default axis 1 on rank 3 (coerced to 2-D: over dims 1..)', opset: 11, inputs: [F('x', [2, 3, 4], { range: [-5, 5] })] });
  add({ op, variant: 'opset 11 axis 0 (whole tensor)', opset: 11, inputs: [F('x', [3, 4], { range: [-5, 5] })], attrs: { axis: 0 } });
  add({ op, variant: 'opset 11 axis -1', opset: 11, inputs: [F('x', [2, 3, 4], { range: [-5, 5] })], attrs: { axis: -1 } });
  add({ op, variant: 'opset 11 axis 2 of rank 4', opset: 11, inputs: [F('x', [2, 2, 3, 4], { range: [-5, 5] })], attrs: { axis: 2 } });
  add({ op, variant: 'opset 11 axis 1 symbolic batch', opset: 11, inputs: [batch(F('x', [3, 4, 5], { range: [-5, 5] }))], attrs: { axis: 1 } });
}

// ---- reductions ------------------------------------------------------------------------------

for (const op of ['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin']) {
  const inputSince = op === 'ReduceSum' ? 13 : 18;
  const attrOpset = op === 'ReduceSum' ? 11 : 13;
  // Sums of random-sign values can be near 0 (ill-conditioned: any summation order gives a large
  // relative error), so Sum/Mean reduce positive values; one case below keeps signed values.
  const r: RandOpts = op === 'ReduceSum' || op === 'ReduceMean' ? { range: [0, 1] } : {};
  // Attribute form (axes attribute).
  add({ op, variant: `opset ${attrOpset} axes [1] keepdims 1`, opset: attrOpset, inputs: [F('x', [3, 4, 5], { ...r, benchDims: [64, 256, 256] })], attrs: { axes: [1] } });
  add({ op, variant: `opset ${attrOpset} axes [0,2] keepdims 0`, opset: attrOpset, inputs: [F('x', [3, 4, 5], r)], attrs: { axes: [0, 2], keepdims: 0 } });
  add({ op, variant: `opset ${attrOpset} axes [-1] keepdims 0`, opset: attrOpset, inputs: [F('x', [3, 4, 5], { ...r, benchDims: [64, 256, 256] })], attrs: { axes: [-1], keepdims: 0 } });
  add({ op, variant: `opset ${attrOpset} axes [2,-4] (unsorted, negative)`, opset: attrOpset, inputs: [F('x', [2, 3, 4, 5], r)], attrs: { axes: [2, -4] } });
  add({ op, variant: `opset ${attrOpset} no axes keepdims 0 (all → scalar)`, opset: attrOpset, inputs: [F('x', [3, 4, 5], r)], attrs: { keepdims: 0 } });
  add({ op, variant: `opset ${attrOpset} no axes keepdims 1`, opset: attrOpset, inputs: [F('x', [3, 4, 5], r)] });
  add({ op, variant: `opset ${attrOpset} size-1 axis`, opset: attrOpset, inputs: [F('x', [3, 1, 5], r)], attrs: { axes: [1], keepdims: 0 } });
  add({ op, variant: `opset ${attrOpset} symbolic batch, axes [1,2]`, opset: attrOpset, inputs: [batch(F('x', [2, 4, 6], r))], attrs: { axes: [1, 2], keepdims: 1 } });
  add({ op, variant: `opset ${attrOpset} reduce over the batch axis`, opset: attrOpset, inputs: [batch(F('x', [3, 4], r))], attrs: { axes: [0], keepdims: 0 } });
  // Input form (axes as a constant input).
  add({ op, variant: `opset ${inputSince} axes input [1] keepdims 0`, opset: inputSince, inputs: [F('x', [3, 4, 5], r), I64('axes', [1])], attrs: { keepdims: 0 } });
  add({ op, variant: `opset ${inputSince} axes input [-1,0] keepdims 1`, opset: inputSince, inputs: [F('x', [3, 4, 5], r), I64('axes', [-1, 0])] });
  add({ op, variant: `opset ${inputSince} no axes input (all)`, opset: inputSince, inputs: [F('x', [3, 4, 5], r)], attrs: { keepdims: 0 } });
  add({ op, variant: `opset ${inputSince} empty axes input (all)`, opset: inputSince, inputs: [F('x', [3, 4, 5], r), I64('axes', [])] });
  add({ op, variant: `opset ${inputSince} noop_with_empty_axes 1 (identity)`, opset: inputSince, inputs: [F('x', [3, 4, 5], r)], attrs: { noop_with_empty_axes: 1 } });
  add({ op, variant: `opset ${inputSince} axes as a graph input (run-time)`, opset: inputSince, inputs: [F('x', [3, 4, 5], r), R('axes', 'int64', [1], { range: [1, 1] })], note: 'run-time axes: expected to be declared unsupported' });
  add({ op, variant: `opset ${attrOpset} signed values, axes [1]`, opset: attrOpset, inputs: [F('x', [6, 5, 7])], attrs: { axes: [1] } });
  if (op !== 'ReduceMean') {
    add({ op, variant: `opset ${attrOpset} int64 axes [1]`, opset: attrOpset, inputs: [R('x', 'int64', [3, 4, 5], { range: [-100, 100] })], attrs: { axes: [1] }, outputs: out('int64') });
    add({ op, variant: `opset ${attrOpset} int32 all axes keepdims 0`, opset: attrOpset, inputs: [R('x', 'int32', [3, 4, 5], { range: [-100, 100] })], attrs: { keepdims: 0 }, outputs: out('int32') });
  }
}
add({ op: 'ReduceMean', variant: 'opset 18 large reduction (4096 elements)', opset: 18, inputs: [F('x', [2, 4096], { range: [0, 1] }), I64('axes', [1])] });
add({ op: 'ReduceSum', variant: 'opset 13 large reduction over a strided axis (4096 elements)', opset: 13, inputs: [F('x', [4096, 3], { range: [0, 1] }), I64('axes', [0])], attrs: { keepdims: 0 } });
// (no NaN case for ReduceMax/ReduceMin: onnxruntime-node's result depends on where the NaN is —
// std::max order — while the ONNX reference implementation, numpy's maximum.reduce, propagates NaN.)

// ---- shape manipulation ----------------------------------------------------------------------

add({ op: 'Concat', variant: 'axis 0', opset: 13, inputs: [F('a', [2, 3]), F('b', [4, 3])], attrs: { axis: 0 } });
add({ op: 'Concat', variant: 'axis 1 three inputs', opset: 13, inputs: [F('a', [2, 1, 4], { benchDims: [64, 64, 256] }), F('b', [2, 3, 4], { benchDims: [64, 128, 256] }), F('c', [2, 2, 4], { benchDims: [64, 64, 256] })], attrs: { axis: 1 } });
add({ op: 'Concat', variant: 'axis -1', opset: 13, inputs: [F('a', [2, 3, 2], { benchDims: [64, 256, 128] }), F('b', [2, 3, 5], { benchDims: [64, 256, 128] })], attrs: { axis: -1 } });
add({ op: 'Concat', variant: 'single input', opset: 13, inputs: [F('a', [3, 4])], attrs: { axis: 0 } });
add({ op: 'Concat', variant: 'with a zero-size input', opset: 13, inputs: [F('a', [2, 0, 3]), F('b', [2, 4, 3])], attrs: { axis: 1 } });
add({ op: 'Concat', variant: 'input and constant (skip connection with weights)', opset: 13, inputs: [batch(F('a', [2, 3, 4])), Wt('b', [2, 2, 4])], attrs: { axis: 1 }, fixedDims: true /* the constant has batch 2 */ });
add({ op: 'Concat', variant: 'symbolic batch along channels', opset: 13, inputs: [batch(F('a', [3, 2, 5])), batch(F('b', [3, 4, 5]))], attrs: { axis: 1 } });
add({ op: 'Concat', variant: 'along the symbolic batch axis', opset: 13, inputs: [batch(F('a', [3, 5])), F('b', [2, 5])], attrs: { axis: 0 } });
add({ op: 'Concat', variant: 'int64', opset: 13, inputs: [R('a', 'int64', [2, 3], { range: [-100, 100] }), R('b', 'int64', [2, 2], { range: [-100, 100] })], attrs: { axis: 1 }, outputs: out('int64') });
add({ op: 'Concat', variant: 'bool', opset: 13, inputs: [R('a', 'bool', [2, 3]), R('b', 'bool', [1, 3])], attrs: { axis: 0 }, outputs: out('bool') });
add({ op: 'Concat', variant: 'rank 1 opset 11', opset: 11, inputs: [F('a', [3]), F('b', [5])], attrs: { axis: 0 } });

const splitOuts = (n: number, type: TensorType = 'float32') => Array.from({ length: n }, (_, i) => ({ name: `y${i}`, type }));
add({ op: 'Split', variant: 'opset 11 split attribute [2,3] axis 1', opset: 11, inputs: [F('x', [2, 5, 3])], attrs: { axis: 1, split: [2, 3] }, outputs: splitOuts(2) });
add({ op: 'Split', variant: 'opset 11 equal split into 3 (no split attribute)', opset: 11, inputs: [F('x', [6, 4])], outputs: splitOuts(3) });
add({ op: 'Split', variant: 'opset 13 split input [1,2,1] axis -1', opset: 13, inputs: [F('x', [3, 4]), I64('split', [1, 2, 1])], attrs: { axis: -1 }, outputs: splitOuts(3) });
add({ op: 'Split', variant: 'opset 13 equal split into 2, axis 2', opset: 13, inputs: [F('x', [2, 3, 8], { benchDims: [64, 256, 512] })], attrs: { axis: 2 }, outputs: splitOuts(2) });
add({ op: 'Split', variant: 'opset 13 zero-size part [2,0,3]', opset: 13, inputs: [F('x', [5, 2]), I64('split', [2, 0, 3])], outputs: splitOuts(3) });
add({ op: 'Split', variant: 'opset 18 num_outputs 3 even', opset: 18, inputs: [F('x', [2, 9])], attrs: { axis: 1, num_outputs: 3 }, outputs: splitOuts(3) });
add({ op: 'Split', variant: 'opset 18 num_outputs 3 uneven (7 → 3,3,1)', opset: 18, inputs: [F('x', [7, 2])], attrs: { num_outputs: 3 }, outputs: splitOuts(3) });
add({ op: 'Split', variant: 'opset 18 split input', opset: 18, inputs: [F('x', [2, 6]), I64('split', [4, 2])], attrs: { axis: 1 }, outputs: splitOuts(2) });
add({ op: 'Split', variant: 'symbolic batch, split channels (q/k/v)', opset: 13, inputs: [batch(F('x', [2, 5, 12]))], attrs: { axis: 2 }, outputs: splitOuts(3) });
add({ op: 'Split', variant: 'int64 opset 13', opset: 13, inputs: [R('x', 'int64', [4, 3], { range: [-100, 100] }), I64('split', [1, 3])], outputs: splitOuts(2, 'int64') });

add({ op: 'Reshape', variant: 'shape with 0 and -1', opset: 14, inputs: [F('x', [2, 3, 4]), I64('shape', [0, -1])] });
add({ op: 'Reshape', variant: 'to 1-D [-1]', opset: 14, inputs: [F('x', [2, 3, 4]), I64('shape', [-1])] });
add({ op: 'Reshape', variant: 'explicit shape adding dims', opset: 14, inputs: [F('x', [6, 4]), I64('shape', [2, 3, 2, 2])] });
add({ op: 'Reshape', variant: '-1 in the middle', opset: 14, inputs: [F('x', [2, 3, 4]), I64('shape', [2, -1, 2])] });
add({ op: 'Reshape', variant: 'to scalar (shape [])', opset: 14, inputs: [F('x', [1, 1]), I64('shape', [])] });
add({ op: 'Reshape', variant: 'symbolic batch [0,-1] (PyTorch flatten)', opset: 14, inputs: [batch(F('x', [3, 4, 5])), I64('shape', [0, -1])] });
add({ op: 'Reshape', variant: 'symbolic batch [-1, 20]', opset: 14, inputs: [batch(F('x', [3, 4, 5])), I64('shape', [-1, 20])] });
add({ op: 'Reshape', variant: 'int64 data opset 13', opset: 13, inputs: [R('x', 'int64', [2, 6], { range: [-100, 100] }), I64('shape', [0, 3, 2])], outputs: out('int64') });
add({ op: 'Reshape', variant: 'opset 11 0 copies dim', opset: 11, inputs: [F('x', [2, 3, 4]), I64('shape', [0, 0, 2, 2])] });
add({
  op: 'Reshape', variant: 'PyTorch chain Shape→Gather→Unsqueeze→Concat→Reshape (symbolic batch)', opset: 13,
  inputs: [batch(F('x', [3, 4, 5])), C('i0', 'int64', [], [0]), I64('ax', [0]), I64('rest', [-1])],
  nodes: [
    { op: 'Shape', inputs: ['x'], outputs: ['s'] },
    { op: 'Gather', inputs: ['s', 'i0'], outputs: ['n'], attrs: { axis: 0 } },
    { op: 'Unsqueeze', inputs: ['n', 'ax'], outputs: ['n1'] },
    { op: 'Concat', inputs: ['n1', 'rest'], outputs: ['shape'], attrs: { axis: 0 } },
    { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
  ],
});
add({ op: 'Reshape', variant: 'shape as a graph input (run-time)', opset: 14, inputs: [F('x', [2, 6]), R('shape', 'int64', [1], { range: [-1, -1] })], note: 'a run-time shape ([-1]) cannot be planned; expected to be declared unsupported' });

add({ op: 'Flatten', variant: 'default axis 1', opset: 13, inputs: [F('x', [2, 3, 4, 5])] });
add({ op: 'Flatten', variant: 'axis 0', opset: 13, inputs: [F('x', [2, 3, 4])], attrs: { axis: 0 } });
add({ op: 'Flatten', variant: 'axis 2', opset: 13, inputs: [F('x', [2, 3, 4, 5])], attrs: { axis: 2 } });
add({ op: 'Flatten', variant: 'axis -1', opset: 13, inputs: [F('x', [2, 3, 4])], attrs: { axis: -1 } });
add({ op: 'Flatten', variant: 'axis = rank', opset: 13, inputs: [F('x', [2, 3])], attrs: { axis: 2 } });
add({ op: 'Flatten', variant: 'symbolic batch', opset: 13, inputs: [batch(F('x', [3, 4, 5]))] });
add({ op: 'Flatten', variant: 'int64 opset 11', opset: 11, inputs: [R('x', 'int64', [2, 2, 2], { range: [-9, 9] })], outputs: out('int64') });

add({ op: 'Transpose', variant: 'default perm (reverse) rank 3', opset: 13, inputs: [F('x', [2, 3, 4], { benchDims: [64, 128, 256] })] });
add({ op: 'Transpose', variant: 'rank 2', opset: 13, inputs: [F('x', [5, 7], { benchDims: [2048, 2048] })], attrs: { perm: [1, 0] } });
add({ op: 'Transpose', variant: 'perm [0,2,1]', opset: 13, inputs: [F('x', [2, 3, 4], { benchDims: [64, 256, 256] })], attrs: { perm: [0, 2, 1] } });
add({ op: 'Transpose', variant: 'NCHW → NHWC [0,2,3,1]', opset: 13, inputs: [F('x', [2, 3, 4, 5], { benchDims: [16, 64, 56, 56] })], attrs: { perm: [0, 2, 3, 1] } });
add({ op: 'Transpose', variant: 'large (split over threads) [4,16,32,16] perm [0,2,3,1]', opset: 13, inputs: [F('x', [4, 16, 32, 16])], attrs: { perm: [0, 2, 3, 1] } });
add({ op: 'Transpose', variant: 'heads [0,2,1,3] symbolic batch', opset: 13, inputs: [batch(F('x', [2, 5, 4, 6], { benchDims: [32, 128, 8, 64] }))], attrs: { perm: [0, 2, 1, 3] } });
add({ op: 'Transpose', variant: 'size-1 dims [1,3,1,4] perm [3,2,1,0]', opset: 13, inputs: [F('x', [1, 3, 1, 4])], attrs: { perm: [3, 2, 1, 0] } });
add({ op: 'Transpose', variant: 'identity perm', opset: 13, inputs: [F('x', [3, 4])], attrs: { perm: [0, 1] } });
add({ op: 'Transpose', variant: 'rank 5', opset: 13, inputs: [F('x', [2, 3, 2, 4, 3])], attrs: { perm: [4, 0, 3, 1, 2] } });
add({ op: 'Transpose', variant: 'int64', opset: 13, inputs: [R('x', 'int64', [3, 4], { range: [-100, 100] })], outputs: out('int64') });
add({ op: 'Transpose', variant: 'bool opset 11', opset: 11, inputs: [R('x', 'bool', [2, 3, 4])], attrs: { perm: [1, 2, 0] }, outputs: out('bool') });

add({ op: 'Squeeze', variant: 'opset 11 axes [1]', opset: 11, inputs: [F('x', [3, 1, 4])], attrs: { axes: [1] } });
add({ op: 'Squeeze', variant: 'opset 11 axes [-1, 0]', opset: 11, inputs: [F('x', [1, 3, 1])], attrs: { axes: [-1, 0] } });
add({ op: 'Squeeze', variant: 'opset 11 no axes (all size-1 dims)', opset: 11, inputs: [F('x', [1, 3, 1, 4, 1])] });
add({ op: 'Squeeze', variant: 'opset 13 axes input [2]', opset: 13, inputs: [F('x', [2, 3, 1]), I64('axes', [2])] });
add({ op: 'Squeeze', variant: 'opset 13 axes input [-3]', opset: 13, inputs: [F('x', [1, 2, 3]), I64('axes', [-3])] });
add({ op: 'Squeeze', variant: 'opset 13 no axes input', opset: 13, inputs: [F('x', [1, 5, 1])] });
add({ op: 'Squeeze', variant: 'opset 13 to scalar', opset: 13, inputs: [F('x', [1, 1])] });
add({ op: 'Squeeze', variant: 'opset 13 symbolic batch, squeeze axis 1', opset: 13, inputs: [batch(F('x', [3, 1, 6])), I64('axes', [1])] });
add({ op: 'Squeeze', variant: 'opset 21 int64', opset: 21, inputs: [R('x', 'int64', [2, 1], { range: [-9, 9] }), I64('axes', [1])], outputs: out('int64') });

add({ op: 'Unsqueeze', variant: 'opset 11 axes [0]', opset: 11, inputs: [F('x', [3, 4])], attrs: { axes: [0] } });
add({ op: 'Unsqueeze', variant: 'opset 11 axes [1,3]', opset: 11, inputs: [F('x', [3, 4])], attrs: { axes: [1, 3] } });
add({ op: 'Unsqueeze', variant: 'opset 11 axes [-1]', opset: 11, inputs: [F('x', [3, 4])], attrs: { axes: [-1] } });
add({ op: 'Unsqueeze', variant: 'opset 13 axes input [0,-1] unsorted output positions', opset: 13, inputs: [F('x', [3, 4]), I64('axes', [-1, 0])] });
add({ op: 'Unsqueeze', variant: 'opset 13 scalar → [1]', opset: 13, inputs: [F('x', []), I64('axes', [0])] });
add({ op: 'Unsqueeze', variant: 'opset 13 symbolic batch axes [1,2]', opset: 13, inputs: [batch(F('x', [3, 5])), I64('axes', [1, 2])] });
add({ op: 'Unsqueeze', variant: 'opset 13 int64', opset: 13, inputs: [R('x', 'int64', [4], { range: [-9, 9] }), I64('axes', [1])], outputs: out('int64') });

add({ op: 'Slice', variant: 'starts/ends on axis 0', opset: 13, inputs: [F('x', [6, 4]), I64('starts', [1]), I64('ends', [4])] });
add({ op: 'Slice', variant: 'axes and steps on two axes', opset: 13, inputs: [F('x', [5, 6, 7], { benchDims: [64, 256, 256] }), I64('starts', [0, 1]), I64('ends', [6, 7]), I64('axes', [1, 2]), I64('steps', [2, 3])] });
add({ op: 'Slice', variant: 'negative starts', opset: 13, inputs: [F('x', [4, 8]), I64('starts', [-3]), I64('ends', [8]), I64('axes', [1])] });
add({ op: 'Slice', variant: 'INT64_MAX end (to the end)', opset: 13, inputs: [F('x', [4, 8]), I64('starts', [2]), I64('ends', [INT64_MAX]), I64('axes', [-1])] });
add({ op: 'Slice', variant: 'reverse: step -1 from -1 to INT64_MIN', opset: 13, inputs: [F('x', [3, 7], { benchDims: [256, 4096] }), I64('starts', [-1]), I64('ends', [INT64_MIN]), I64('axes', [1]), I64('steps', [-1])] });
add({ op: 'Slice', variant: 'negative step -2 with clamped start', opset: 13, inputs: [F('x', [9, 3]), I64('starts', [100]), I64('ends', [0]), I64('axes', [0]), I64('steps', [-2])] });
add({ op: 'Slice', variant: 'negative step -3 with negative end', opset: 13, inputs: [F('x', [2, 10]), I64('starts', [8]), I64('ends', [-10]), I64('axes', [1]), I64('steps', [-3])] });
add({ op: 'Slice', variant: 'out-of-range starts/ends are clamped', opset: 13, inputs: [F('x', [4, 5]), I64('starts', [-100, 2]), I64('ends', [100, 1000])] });
add({ op: 'Slice', variant: 'empty result (start ≥ end)', opset: 13, inputs: [F('x', [4, 5]), I64('starts', [3]), I64('ends', [1]), I64('axes', [0])] });
add({ op: 'Slice', variant: 'symbolic batch, slice a non-batch axis', opset: 13, inputs: [batch(F('x', [3, 10, 4])), I64('starts', [2]), I64('ends', [-2]), I64('axes', [1])] });
add({ op: 'Slice', variant: 'symbolic batch, slice the batch axis to INT64_MAX', opset: 13, inputs: [batch(F('x', [5, 3])), I64('starts', [1]), I64('ends', [INT64_MAX]), I64('axes', [0])] });
add({ op: 'Slice', variant: 'int32 starts/ends', opset: 13, inputs: [F('x', [6, 6]), C('starts', 'int32', [2], [1, 0]), C('ends', 'int32', [2], [5, 6]), C('axes', 'int32', [2], [0, 1]), C('steps', 'int32', [2], [2, 1])] });
add({ op: 'Slice', variant: 'int64 data, opset 11', opset: 11, inputs: [R('x', 'int64', [4, 6], { range: [-100, 100] }), I64('starts', [1, -4]), I64('ends', [3, -1])], outputs: out('int64') });
add({ op: 'Slice', variant: 'starts as a graph input (run-time)', opset: 13, inputs: [F('x', [6, 4]), R('starts', 'int64', [1], { range: [1, 1] }), I64('ends', [4])], note: 'run-time starts: expected to be declared unsupported' });

add({ op: 'Gather', variant: 'axis 0 int64 indices [2,3]', opset: 13, inputs: [F('x', [5, 4]), R('i', 'int64', [2, 3], { range: [0, 4] })] });
add({ op: 'Gather', variant: 'axis 1', opset: 13, inputs: [F('x', [3, 6, 2]), R('i', 'int64', [4], { range: [0, 5] })], attrs: { axis: 1 } });
add({ op: 'Gather', variant: 'axis -1', opset: 13, inputs: [F('x', [3, 4, 5]), R('i', 'int64', [2, 2], { range: [0, 4] })], attrs: { axis: -1 } });
add({ op: 'Gather', variant: 'negative indices', opset: 13, inputs: [F('x', [6, 3]), R('i', 'int64', [8], { range: [-6, 5] })] });
add({ op: 'Gather', variant: 'scalar index removes the axis', opset: 13, inputs: [F('x', [4, 5]), C('i', 'int64', [], [2])], attrs: { axis: 1 } });
add({ op: 'Gather', variant: 'scalar negative index on axis 0', opset: 13, inputs: [F('x', [4, 5]), C('i', 'int64', [], [-1])] });
add({ op: 'Gather', variant: 'int32 indices', opset: 13, inputs: [F('x', [5, 4]), R('i', 'int32', [3], { range: [-5, 4] })] });
add({ op: 'Gather', variant: 'embedding: weight [50,8], indices [batch,6]', opset: 13, inputs: [Wt('emb', [50, 8], { benchDims: [1000, 256] }), batch(R('i', 'int64', [3, 6], { range: [0, 49], benchDims: [64, 512] }))] });
add({ op: 'Gather', variant: 'int64 data (shape arithmetic)', opset: 13, inputs: [R('x', 'int64', [6], { range: [-100, 100] }), I64('i', [0, 2, 5])], outputs: out('int64') });
add({ op: 'Gather', variant: 'bool data axis 1', opset: 13, inputs: [R('x', 'bool', [3, 4]), I64('i', [3, 0])], attrs: { axis: 1 }, outputs: out('bool') });
add({ op: 'Gather', variant: 'empty indices', opset: 13, inputs: [F('x', [4, 3]), C('i', 'int64', [0], [])] });
add({ op: 'Gather', variant: 'opset 11', opset: 11, inputs: [F('x', [4, 3]), R('i', 'int64', [2], { range: [0, 3] })] });

add({ op: 'Expand', variant: '[3,1] → [2,3,4]', opset: 13, inputs: [F('x', [3, 1]), I64('shape', [2, 3, 4])] });
add({ op: 'Expand', variant: 'large [256,1] → [64,256,256]', opset: 13, inputs: [F('x', [256, 1]), I64('shape', [64, 256, 256])] });
add({ op: 'Expand', variant: 'shape of lower rank than input', opset: 13, inputs: [F('x', [2, 1, 4]), I64('shape', [3, 1])] });
add({ op: 'Expand', variant: 'shape with 1s keeps input dims', opset: 13, inputs: [F('x', [3, 1, 5]), I64('shape', [1, 4, 1])] });
add({ op: 'Expand', variant: 'scalar input', opset: 13, inputs: [F('x', []), I64('shape', [2, 3])] });
add({ op: 'Expand', variant: 'same shape (copy)', opset: 13, inputs: [F('x', [2, 3]), I64('shape', [2, 3])] });
add({ op: 'Expand', variant: 'int64', opset: 13, inputs: [R('x', 'int64', [1, 4], { range: [-9, 9] }), I64('shape', [3, 4])], outputs: out('int64') });
add({ op: 'Expand', variant: 'bool', opset: 13, inputs: [R('x', 'bool', [4, 1]), I64('shape', [4, 3])], outputs: out('bool') });
add({ op: 'Expand', variant: 'symbolic batch [batch,1,4] → [batch,3,4]', opset: 13, inputs: [batch(F('x', [2, 1, 4])), I64('shape', [1, 3, 4])] });
add({ op: 'Expand', variant: 'opset 11', opset: 11, inputs: [F('x', [1]), I64('shape', [5])] });

add({ op: 'Tile', variant: 'repeats [2,3]', opset: 13, inputs: [F('x', [2, 3], { benchDims: [256, 256] }), I64('r', [2, 3])] });
add({ op: 'Tile', variant: 'repeats [1,1,2]', opset: 13, inputs: [F('x', [2, 3, 4]), I64('r', [1, 1, 2])] });
add({ op: 'Tile', variant: 'repeats all 1 (copy)', opset: 13, inputs: [F('x', [2, 3]), I64('r', [1, 1])] });
add({ op: 'Tile', variant: 'repeat 0 (empty result)', opset: 13, inputs: [F('x', [2, 3]), I64('r', [0, 2])] });
add({ op: 'Tile', variant: 'int64', opset: 13, inputs: [R('x', 'int64', [3], { range: [-9, 9] }), I64('r', [4])], outputs: out('int64') });
add({ op: 'Tile', variant: 'bool', opset: 13, inputs: [R('x', 'bool', [2, 2]), I64('r', [2, 1])], outputs: out('bool') });
add({ op: 'Tile', variant: 'symbolic batch', opset: 13, inputs: [batch(F('x', [2, 3])), I64('r', [1, 3])] });
add({ op: 'Tile', variant: 'opset 11', opset: 11, inputs: [F('x', [2, 3]), I64('r', [3, 1])] });

add({ op: 'Pad', variant: 'constant mode, default value 0', opset: 13, inputs: [F('x', [2, 3]), I64('pads', [1, 2, 0, 1])] });
add({ op: 'Pad', variant: 'constant mode, value 1.5', opset: 13, inputs: [F('x', [2, 3, 4]), I64('pads', [0, 1, 2, 0, 1, 0]), FS('v', 1.5)], attrs: { mode: 'constant' } });
add({ op: 'Pad', variant: 'reflect on spatial dims (rank 4)', opset: 13, inputs: [F('x', [1, 2, 5, 6], { benchDims: [8, 64, 64, 64] }), I64('pads', [0, 0, 2, 1, 0, 0, 1, 3])], attrs: { mode: 'reflect' } });
add({ op: 'Pad', variant: 'reflect 1-D signal (rank 3)', opset: 13, inputs: [F('x', [2, 3, 10]), I64('pads', [0, 0, 3, 0, 0, 2])], attrs: { mode: 'reflect' } });
add({ op: 'Pad', variant: 'edge', opset: 13, inputs: [F('x', [3, 4]), I64('pads', [2, 0, 1, 3])], attrs: { mode: 'edge' } });
add({ op: 'Pad', variant: 'edge rank 4', opset: 13, inputs: [F('x', [1, 2, 3, 3]), I64('pads', [0, 0, 1, 2, 0, 0, 2, 1])], attrs: { mode: 'edge' } });
add({ op: 'Pad', variant: 'negative pads crop', opset: 13, inputs: [F('x', [4, 6]), I64('pads', [-1, 1, 0, -2])] });
add({ op: 'Pad', variant: 'negative pads with reflect', opset: 13, inputs: [F('x', [5, 6]), I64('pads', [-1, 2, 1, -1])], attrs: { mode: 'reflect' } });
add({ op: 'Pad', variant: 'pads on the batch axis too', opset: 13, inputs: [F('x', [2, 3]), I64('pads', [1, 1, 1, 1]), FS('v', -2)] });
add({ op: 'Pad', variant: 'int64 constant value', opset: 13, inputs: [R('x', 'int64', [2, 3], { range: [-9, 9] }), I64('pads', [0, 1, 0, 1]), C('v', 'int64', [], [7])], outputs: out('int64') });
add({ op: 'Pad', variant: 'int32 edge', opset: 13, inputs: [R('x', 'int32', [2, 3], { range: [-9, 9] }), I64('pads', [1, 0, 1, 2])], attrs: { mode: 'edge' }, outputs: out('int32') });
add({ op: 'Pad', variant: 'symbolic batch, 1-D zero padding', opset: 13, inputs: [batch(F('x', [3, 2, 7])), I64('pads', [0, 0, 2, 0, 0, 2])] });
add({ op: 'Pad', variant: 'opset 11', opset: 11, inputs: [F('x', [2, 3]), I64('pads', [0, 2, 0, 1]), FS('v', 0.5)] });
add({ op: 'Pad', variant: 'opset 18 axes input', opset: 18, inputs: [F('x', [2, 3, 4]), I64('pads', [1, 2, 0, 1]), FS('v', 3), I64('axes', [1, -1])] });
add({ op: 'Pad', variant: 'opset 19 wrap', opset: 19, inputs: [F('x', [3, 4]), I64('pads', [1, 2, 2, 1])], attrs: { mode: 'wrap' } });
add({ op: 'Pad', variant: 'pads as a graph input (run-time)', opset: 13, inputs: [F('x', [2, 3]), R('pads', 'int64', [4], { range: [1, 1] })], note: 'run-time pads: expected to be declared unsupported' });

// ---- Shape, Size (they fold: feed them into an arithmetic op) ---------------------------------

add({ op: 'Shape', variant: '+ int64 input', opset: 13, inputs: [F('x', [2, 3, 4]), R('b', 'int64', [3], { range: [-9, 9] })], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'Add', inputs: ['s', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Shape', variant: 'symbolic batch + int64 input', opset: 13, inputs: [batch(F('x', [5, 3])), R('b', 'int64', [2], { range: [-9, 9] })], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'Mul', inputs: ['s', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Shape', variant: 'opset 15 start 1 end -1', opset: 15, inputs: [F('x', [2, 3, 4, 5]), R('b', 'int64', [2], { range: [-9, 9] })], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'], attrs: { start: 1, end: -1 } }, { op: 'Sub', inputs: ['s', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Shape', variant: 'opset 15 start -2 (no end)', opset: 15, inputs: [batch(F('x', [2, 3, 4])), R('b', 'int64', [2], { range: [-9, 9] })], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'], attrs: { start: -2 } }, { op: 'Add', inputs: ['s', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Shape', variant: 'cast to float, scale the input (x / x.shape[-1])', opset: 13, inputs: [batch(F('x', [2, 3, 8])), C('i', 'int64', [], [-1])], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'Gather', inputs: ['s', 'i'], outputs: ['n'] }, { op: 'Cast', inputs: ['n'], outputs: ['nf'], attrs: { to: 1 } }, { op: 'Div', inputs: ['x', 'nf'], outputs: ['y'] }] });
add({ op: 'Shape', variant: 'as the graph output', opset: 13, inputs: [batch(F('x', [4, 3]))], outputs: out('int64') });
add({ op: 'Size', variant: 'cast to float times input', opset: 13, inputs: [F('x', [2, 3, 4])], nodes: [{ op: 'Size', inputs: ['x'], outputs: ['n'] }, { op: 'Cast', inputs: ['n'], outputs: ['nf'], attrs: { to: 1 } }, { op: 'Mul', inputs: ['x', 'nf'], outputs: ['y'] }] });
add({ op: 'Size', variant: 'symbolic batch + int64 scalar input', opset: 13, inputs: [batch(F('x', [3, 5])), R('b', 'int64', [], { range: [-9, 9] })], nodes: [{ op: 'Size', inputs: ['x'], outputs: ['n'] }, { op: 'Add', inputs: ['n', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Size', variant: 'as the graph output (opset 21)', opset: 21, inputs: [F('x', [2, 7])], outputs: out('int64') });

// ---- Constant, ConstantOfShape, Range --------------------------------------------------------

const tensorAttr = (type: TensorType, dims: number[], values: number[]): Attr => {
  const data = type === 'int64' ? BigInt64Array.from(values.map(BigInt)) : type === 'float32' ? Float32Array.from(values) : type === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return new Tensor(type, data, dims);
};
add({ op: 'Constant', variant: 'tensor value + input', opset: 13, inputs: [F('x', [2, 3])], nodes: [{ op: 'Constant', inputs: [], outputs: ['k'], attrs: { value: tensorAttr('float32', [2, 3], [1, -2, 3.5, 0.25, -0.5, 6]) } }, { op: 'Add', inputs: ['x', 'k'], outputs: ['y'] }] });
add({ op: 'Constant', variant: 'value_float scalar × input', opset: 13, inputs: [F('x', [4])], nodes: [{ op: 'Constant', inputs: [], outputs: ['k'], attrs: { value_float: float(2.5) } }, { op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }] });
add({ op: 'Constant', variant: 'value_floats − input', opset: 13, inputs: [F('x', [2, 3])], nodes: [{ op: 'Constant', inputs: [], outputs: ['k'], attrs: { value_floats: { floats: [0.5, 1, -1.5] } } }, { op: 'Sub', inputs: ['k', 'x'], outputs: ['y'] }] });
add({ op: 'Constant', variant: 'value_int + int64 input', opset: 13, inputs: [R('x', 'int64', [3], { range: [-9, 9] })], nodes: [{ op: 'Constant', inputs: [], outputs: ['k'], attrs: { value_int: 7 } }, { op: 'Add', inputs: ['x', 'k'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Constant', variant: 'value_ints as a Reshape shape', opset: 13, inputs: [batch(F('x', [2, 3, 4]))], nodes: [{ op: 'Constant', inputs: [], outputs: ['k'], attrs: { value_ints: [0, 12] } }, { op: 'Reshape', inputs: ['x', 'k'], outputs: ['y'] }] });
add({ op: 'Constant', variant: 'int32 tensor value + int32 input', opset: 13, inputs: [R('x', 'int32', [2, 2], { range: [-9, 9] })], nodes: [{ op: 'Constant', inputs: [], outputs: ['k'], attrs: { value: tensorAttr('int32', [2], [5, -3]) } }, { op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }], outputs: out('int32') });
add({ op: 'Constant', variant: 'as the graph output', opset: 13, inputs: [], nodes: [{ op: 'Constant', inputs: [], outputs: ['y'], attrs: { value: tensorAttr('float32', [3], [1, 2, 3]) } }] });
add({ op: 'Constant', variant: 'opset 11 tensor value', opset: 11, inputs: [F('x', [3])], nodes: [{ op: 'Constant', inputs: [], outputs: ['k'], attrs: { value: tensorAttr('float32', [3], [1, 2, 3]) } }, { op: 'Add', inputs: ['x', 'k'], outputs: ['y'] }] });

add({ op: 'ConstantOfShape', variant: 'constant shape, value 2.5, + input', opset: 13, inputs: [F('x', [2, 3]), I64('shape', [2, 3])], nodes: [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['k'], attrs: { value: tensorAttr('float32', [1], [2.5]) } }, { op: 'Add', inputs: ['x', 'k'], outputs: ['y'] }] });
add({ op: 'ConstantOfShape', variant: 'default value (float 0) from Shape of symbolic input', opset: 13, inputs: [batch(F('x', [3, 4]))], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'ConstantOfShape', inputs: ['s'], outputs: ['k'] }, { op: 'Sub', inputs: ['k', 'x'], outputs: ['y'] }] });
add({ op: 'ConstantOfShape', variant: 'int64 value 3 × int64 input', opset: 13, inputs: [R('x', 'int64', [2, 4], { range: [-9, 9] })], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'ConstantOfShape', inputs: ['s'], outputs: ['k'], attrs: { value: tensorAttr('int64', [1], [3]) } }, { op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'ConstantOfShape', variant: 'bool value true And bool input', opset: 13, inputs: [R('x', 'bool', [3, 3])], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'ConstantOfShape', inputs: ['s'], outputs: ['k'], attrs: { value: tensorAttr('bool', [1], [1]) } }, { op: 'And', inputs: ['x', 'k'], outputs: ['y'] }], outputs: out('bool') });
add({ op: 'ConstantOfShape', variant: 'large (beyond the folding limit: the kernel runs)', opset: 13, inputs: [batch(F('x', [2, 300, 300]))], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'ConstantOfShape', inputs: ['s'], outputs: ['k'], attrs: { value: tensorAttr('float32', [1], [-1.25]) } }, { op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }] });
add({ op: 'ConstantOfShape', variant: 'large int32 value as output', opset: 13, inputs: [F('x', [300, 300])], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'ConstantOfShape', inputs: ['s'], outputs: ['y'], attrs: { value: tensorAttr('int32', [1], [-7]) } }], outputs: out('int32') });
add({ op: 'ConstantOfShape', variant: 'empty shape → scalar', opset: 13, inputs: [F('x', [3]), I64('shape', [])], nodes: [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['k'], attrs: { value: tensorAttr('float32', [1], [4]) } }, { op: 'Add', inputs: ['x', 'k'], outputs: ['y'] }] });
add({ op: 'ConstantOfShape', variant: 'opset 20', opset: 20, inputs: [F('x', [2, 2]), I64('shape', [2, 2])], nodes: [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['k'], attrs: { value: tensorAttr('float32', [1], [0.5]) } }, { op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }] });

add({ op: 'Range', variant: 'float 0..10 step 1.5, + input', opset: 13, inputs: [F('x', [7]), FS('start', 0), FS('limit', 10), FS('delta', 1.5)], nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['r'] }, { op: 'Add', inputs: ['x', 'r'], outputs: ['y'] }] });
add({ op: 'Range', variant: 'int64 negative delta, + int64 input', opset: 13, inputs: [R('x', 'int64', [4], { range: [-9, 9] }), C('start', 'int64', [], [10]), C('limit', 'int64', [], [2]), C('delta', 'int64', [], [-2])], nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['r'] }, { op: 'Add', inputs: ['x', 'r'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Range', variant: 'int32 as the graph output', opset: 13, inputs: [C('start', 'int32', [], [-3]), C('limit', 'int32', [], [4]), C('delta', 'int32', [], [1])], nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['y'] }], outputs: out('int32') });
add({
  op: 'Range', variant: 'positions arange(x.shape[1]) (symbolic dim) + input', opset: 13,
  inputs: [F('x', [2, 6], { declared: [2, 'seq'] }), C('i', 'int64', [], [1]), C('zero', 'int64', [], [0]), C('one', 'int64', [], [1])],
  nodes: [
    { op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'Gather', inputs: ['s', 'i'], outputs: ['n'] },
    { op: 'Range', inputs: ['zero', 'n', 'one'], outputs: ['r'] }, { op: 'Cast', inputs: ['r'], outputs: ['rf'], attrs: { to: 1 } },
    { op: 'Add', inputs: ['x', 'rf'], outputs: ['y'] },
  ],
});
add({ op: 'Range', variant: 'large float range beyond the folding limit (kernel runs)', opset: 13, inputs: [F('x', [100000]), FS('start', -5), FS('limit', 24995), FS('delta', 0.25)], nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['r'] }, { op: 'Add', inputs: ['x', 'r'], outputs: ['y'] }] });
add({ op: 'Range', variant: 'large int64 range beyond the folding limit (kernel runs)', opset: 13, inputs: [R('x', 'int64', [70000], { range: [-9, 9] }), C('start', 'int64', [], [-1000]), C('limit', 'int64', [], [209000]), C('delta', 'int64', [], [3])], nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['r'] }, { op: 'Sub', inputs: ['r', 'x'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Range', variant: 'start/limit/delta as graph inputs (run-time)', opset: 13, inputs: [C('start', 'float32', [], [0]), F('limit', [], { range: [5, 5] }), FS('delta', 1)], nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['y'] }], note: 'the output size depends on a run-time value: expected to be declared unsupported' });

// ---- Identity, Dropout -----------------------------------------------------------------------

add({ op: 'Identity', variant: 'float (graph input straight to output)', opset: 13, inputs: [F('x', [3, 4], { benchDims: [1024, 1024] })] });
add({ op: 'Identity', variant: 'int64', opset: 13, inputs: [R('x', 'int64', [5], { range: [-9, 9] })], outputs: out('int64') });
add({ op: 'Identity', variant: 'bool symbolic batch', opset: 16, inputs: [batch(R('x', 'bool', [3, 2]))], outputs: out('bool') });
add({ op: 'Identity', variant: 'scalar opset 11', opset: 11, inputs: [F('x', [])] });
add({ op: 'Identity', variant: 'of a constant', opset: 13, inputs: [Wt('x', [2, 3])] });
add({ op: 'Identity', variant: 'chained in the middle of a graph', opset: 13, inputs: [F('x', [3, 4])], nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['t'] }, { op: 'Relu', inputs: ['t'], outputs: ['y'] }] });

add({ op: 'Dropout', variant: 'opset 11 ratio attribute (inference: identity)', opset: 11, inputs: [F('x', [3, 4])], attrs: { ratio: 0.5 } });
add({ op: 'Dropout', variant: 'opset 12 ratio input', opset: 12, inputs: [F('x', [3, 4]), FS('ratio', 0.3)] });
add({ op: 'Dropout', variant: 'opset 13 training_mode false', opset: 13, inputs: [batch(F('x', [2, 5])), FS('ratio', 0.3), C('t', 'bool', [], [0])] });
add({ op: 'Dropout', variant: 'opset 13 training_mode true with ratio 0', opset: 13, inputs: [F('x', [2, 5]), FS('ratio', 0), C('t', 'bool', [], [1])] });
add({ op: 'Dropout', variant: 'opset 13 no ratio', opset: 13, inputs: [F('x', [2, 5], { benchDims: [1024, 1024] })] });
add({ op: 'Dropout', variant: 'opset 13 mask output requested', opset: 13, inputs: [F('x', [2, 5])], outputs: [{ name: 'y', type: 'float32' }, { name: 'mask', type: 'bool' }], note: 'the parser refuses the mask output' });
add({ op: 'Dropout', variant: 'between two ops', opset: 13, inputs: [F('x', [3, 4])], nodes: [{ op: 'Dropout', inputs: ['x'], outputs: ['d'] }, { op: 'Tanh', inputs: ['d'], outputs: ['y'] }] });

// ---- corners that break kernels: IEEE specials, int64 beyond 2^53, rank 6, aliasing ----------

const BIG = 1n << 60n;
// x + 2^60 stays exact in int64 (a double would round it); then the op under test.
// `truth` gives the exact result from xb = x + 2^60 (row-major [3, 4]) in BigInt arithmetic.
const big = (op: string, variant: string, opset: number, extraInputs: InputSpec[], tail: NodeSpec[], type: TensorType = 'int64', truth?: (xb: bigint[]) => bigint[]): void =>
  add({
    op, variant: `int64 beyond 2^53: ${variant}`, opset,
    inputs: [R('x', 'int64', [3, 4], { range: [-3, 3] }), C('big', 'int64', [], [BIG]), ...extraInputs],
    nodes: [{ op: 'Add', inputs: ['x', 'big'], outputs: ['xb'] }, ...tail],
    outputs: [{ name: 'y', type }],
    exactInt: truth && ((feeds) => truth(Array.from(feeds.x!.data as BigInt64Array, (v) => v + BIG))),
  });
const K4 = [BIG - 1n, BIG, BIG + 1n, BIG + 2n];
const rows = (xb: bigint[]) => [0, 1, 2].map((r) => xb.slice(4 * r, 4 * r + 4));
big('Add', 'x + 2^60 + 1 (exact)', 14, [C('one', 'int64', [], [1])], [{ op: 'Add', inputs: ['xb', 'one'], outputs: ['y'] }], 'int64', (xb) => xb.map((v) => v + 1n));
big('Sub', '(x + 2^60) − (2^60 − 1)', 14, [C('c', 'int64', [4], K4)], [{ op: 'Sub', inputs: ['xb', 'c'], outputs: ['y'] }], 'int64', (xb) => xb.map((v, i) => v - K4[i % 4]!));
big('Equal', 'x + 2^60 == 2^60 + k', 13, [C('c', 'int64', [4], [BIG - 1n, BIG, BIG + 1n, BIG + 2n])], [{ op: 'Equal', inputs: ['xb', 'c'], outputs: ['y'] }], 'bool');
big('Less', 'x + 2^60 < 2^60 + k', 13, [C('c', 'int64', [4], [BIG - 1n, BIG, BIG + 1n, BIG + 2n])], [{ op: 'Less', inputs: ['xb', 'c'], outputs: ['y'] }], 'bool');
big('Greater', 'x + 2^60 > 2^60 + k', 13, [C('c', 'int64', [4], [BIG - 1n, BIG, BIG + 1n, BIG + 2n])], [{ op: 'Greater', inputs: ['xb', 'c'], outputs: ['y'] }], 'bool');
big('Div', '(x + 2^60) / 3', 14, [C('c', 'int64', [], [3])], [{ op: 'Div', inputs: ['xb', 'c'], outputs: ['y'] }], 'int64', (xb) => xb.map((v) => v / 3n));
big('Mul', '(x + 2^60) × 1 and × -1', 14, [C('c', 'int64', [4], [1, -1, 1, -1])], [{ op: 'Mul', inputs: ['xb', 'c'], outputs: ['y'] }], 'int64', (xb) => xb.map((v, i) => (i % 2 ? -v : v)));
big('ReduceSum', 'sum of 4 values near 2^60 (no overflow)', 13, [C('q', 'int64', [], [4]), I64('axes', [1])], [{ op: 'Div', inputs: ['xb', 'q'], outputs: ['xq'] }, { op: 'ReduceSum', inputs: ['xq', 'axes'], outputs: ['y'] }], 'int64',
  (xb) => rows(xb).map((r) => r.reduce((a, v) => a + v / 4n, 0n)));
big('ReduceMax', 'max', 13, [], [{ op: 'ReduceMax', inputs: ['xb'], outputs: ['y'], attrs: { axes: [1], keepdims: 0 } }], 'int64', (xb) => rows(xb).map((r) => r.reduce((a, v) => (v > a ? v : a))));
big('ReduceMin', 'min', 13, [], [{ op: 'ReduceMin', inputs: ['xb'], outputs: ['y'], attrs: { axes: [0] } }], 'int64', (xb) => [0, 1, 2, 3].map((j) => [0, 1, 2].map((r) => xb[4 * r + j]!).reduce((a, v) => (v < a ? v : a))));
big('Clip', 'clip to [2^60 − 1, 2^60 + 1]', 13, [C('lo', 'int64', [], [BIG - 1n]), C('hi', 'int64', [], [BIG + 1n])], [{ op: 'Clip', inputs: ['xb', 'lo', 'hi'], outputs: ['y'] }], 'int64',
  (xb) => xb.map((v) => (v < BIG - 1n ? BIG - 1n : v > BIG + 1n ? BIG + 1n : v)));
big('Where', 'select', 16, [R('m', 'bool', [3, 4]), C('c', 'int64', [], [-BIG])], [{ op: 'Where', inputs: ['m', 'xb', 'c'], outputs: ['y'] }]);
big('Gather', 'gather', 13, [I64('i', [2, 0, -1])], [{ op: 'Gather', inputs: ['xb', 'i'], outputs: ['y'], attrs: { axis: 1 } }]);
big('Neg', 'negate', 13, [], [{ op: 'Neg', inputs: ['xb'], outputs: ['y'] }], 'int64', (xb) => xb.map((v) => -v));
big('Abs', 'abs of −(x + 2^60)', 13, [], [{ op: 'Neg', inputs: ['xb'], outputs: ['n'] }, { op: 'Abs', inputs: ['n'], outputs: ['y'] }], 'int64', (xb) => xb);
big('Cast', 'to float32 (rounds)', 13, [], [{ op: 'Cast', inputs: ['xb'], outputs: ['y'], attrs: { to: 1 } }], 'float32');
big('Cast', 'to float64', 13, [], [{ op: 'Cast', inputs: ['xb'], outputs: ['y'], attrs: { to: 11 } }], 'float64');
big('Concat', 'concat with a constant', 13, [C('c', 'int64', [3, 1], [BIG + 7n, -BIG, 9007199254740993n])], [{ op: 'Concat', inputs: ['xb', 'c'], outputs: ['y'], attrs: { axis: 1 } }]);
big('Pad', 'pad with a big value', 13, [I64('pads', [0, 1, 0, 1]), C('v', 'int64', [], [9007199254740993n])], [{ op: 'Pad', inputs: ['xb', 'pads', 'v'], outputs: ['y'] }], 'int64',
  (xb) => rows(xb).flatMap((r) => [9007199254740993n, ...r, 9007199254740993n]));
// limit − start is a multiple of 256 so that onnxruntime's shape inference (in double) agrees.
add({ op: 'Range', variant: 'int64 beyond 2^53 (start 2^60 + 1, beyond the folding limit)', opset: 13, inputs: [R('x', 'int64', [70144], { range: [-3, 3] }), C('start', 'int64', [], [BIG + 1n]), C('limit', 'int64', [], [BIG + 1n + 70144n]), C('delta', 'int64', [], [1])], nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['r'] }, { op: 'Add', inputs: ['r', 'x'], outputs: ['y'] }], outputs: out('int64') });

add({ op: 'ConstantOfShape', variant: 'int64 value 2^53 + 1 beyond the folding limit (kernel runs)', opset: 13, inputs: [F('x', [300, 300])], nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'ConstantOfShape', inputs: ['s'], outputs: ['y'], attrs: { value: new Tensor('int64', BigInt64Array.from([9007199254740993n]), [1]) } }], outputs: out('int64') });

// The same values when the graph is all constants and import folds it (JavaScript arithmetic).
const B1 = BIG + 1n, B53 = 9007199254740993n;
add({ op: 'Add', variant: 'int64 beyond 2^53, folded: (2^60 + 1) + [0, 1, 2]', opset: 14, inputs: [C('a', 'int64', [], [B1]), I64('b', [0, 1, 2])], nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Mul', variant: 'int64 beyond 2^53, folded: (2^53 + 1) × [1, -1, 3]', opset: 14, inputs: [C('a', 'int64', [], [B53]), I64('b', [1, -1, 3])], nodes: [{ op: 'Mul', inputs: ['a', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Range', variant: 'int64 beyond 2^53, folded (start 2^60 + 1)', opset: 13, inputs: [C('start', 'int64', [], [B1]), C('limit', 'int64', [], [B1 + 5n]), C('delta', 'int64', [], [2])], nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'ConstantOfShape', variant: 'int64 value 2^53 + 1, folded', opset: 13, inputs: [I64('shape', [2, 3])], nodes: [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['y'], attrs: { value: new Tensor('int64', BigInt64Array.from([B53]), [1]) } }], outputs: out('int64') });
add({ op: 'Concat', variant: 'int64 beyond 2^53, folded', opset: 13, inputs: [I64('a', [B53, -B53]), I64('b', [B1])], nodes: [{ op: 'Concat', inputs: ['a', 'b'], outputs: ['y'], attrs: { axis: 0 } }], outputs: out('int64') });
add({ op: 'Gather', variant: 'int64 beyond 2^53, folded', opset: 13, inputs: [I64('a', [B53, -B53, B1]), I64('i', [2, 0])], nodes: [{ op: 'Gather', inputs: ['a', 'i'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Clip', variant: 'int64 beyond 2^53, folded', opset: 13, inputs: [I64('a', [B53 - 2n, B53, B53 + 2n]), C('lo', 'int64', [], [B53 - 1n]), C('hi', 'int64', [], [B53 + 1n])], nodes: [{ op: 'Clip', inputs: ['a', 'lo', 'hi'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Cast', variant: 'int64 2^53 + 1 → float64 → int64, folded (rounds to 2^53)', opset: 13, inputs: [I64('a', [B53])], nodes: [{ op: 'Cast', inputs: ['a'], outputs: ['d'], attrs: { to: 11 } }, { op: 'Cast', inputs: ['d'], outputs: ['y'], attrs: { to: 7 } }], outputs: out('int64') });
add({ op: 'Div', variant: 'int64 beyond 2^53, folded: (2^60 + 1) / 3', opset: 14, inputs: [C('a', 'int64', [], [B1]), C('b', 'int64', [], [3])], nodes: [{ op: 'Div', inputs: ['a', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Where', variant: 'int64 beyond 2^53, folded', opset: 16, inputs: [C('c', 'bool', [2], [1, 0]), I64('a', [B53, B53]), I64('b', [-B53, -B53])], nodes: [{ op: 'Where', inputs: ['c', 'a', 'b'], outputs: ['y'] }], outputs: out('int64') });
add({ op: 'Slice', variant: 'int64 beyond 2^53, folded', opset: 13, inputs: [I64('a', [B53, B1, -B53]), I64('st', [-1]), I64('en', [INT64_MIN]), I64('ax', [0]), I64('sp', [-1])], nodes: [{ op: 'Slice', inputs: ['a', 'st', 'en', 'ax', 'sp'], outputs: ['y'] }], outputs: out('int64') });

// IEEE specials.
add({ op: 'Div', variant: 'float division by zero (±inf, NaN)', opset: 14, inputs: [F('x', [2, 4], { range: [0.5, 1] }), C('s', 'float32', [4], [1, -1, 0, 1]), C('d', 'float32', [4], [0, 0, 0, -0.5])], nodes: [{ op: 'Mul', inputs: ['x', 's'], outputs: ['n'] }, { op: 'Div', inputs: ['n', 'd'], outputs: ['y'] }] });
add({ op: 'Pow', variant: 'special values 0^0, 0^-1, 0^2, (-x)^0.5, (-x)^3, x^-2', opset: 15, inputs: [F('x', [2, 6], { range: [0.5, 1] }), C('s', 'float32', [6], [0, 0, 0, -1, -1, 1]), C('e', 'float32', [6], [0, -1, 2, 0.5, 3, -2])], nodes: [{ op: 'Mul', inputs: ['x', 's'], outputs: ['b'] }, { op: 'Pow', inputs: ['b', 'e'], outputs: ['y'] }] });
add({ op: 'Softmax', variant: 'row of all -inf (0/0: NaN)', opset: 13, inputs: [F('x', [3, 5]), C('m', 'float32', [3, 1], [0, -Infinity, 0])], nodes: [{ op: 'Add', inputs: ['x', 'm'], outputs: ['xm'] }, { op: 'Softmax', inputs: ['xm'], outputs: ['y'] }] });
add({ op: 'Softmax', variant: 'axis of size 1 (all ones)', opset: 13, inputs: [F('x', [4, 1, 3], { range: [-50, 50] })], attrs: { axis: 1 } });
add({ op: 'LogSoftmax', variant: 'axis of size 1 (all zeros)', opset: 13, inputs: [F('x', [4, 1, 3], { range: [-50, 50] })], attrs: { axis: 1 } });
add({ op: 'LayerNormalization', variant: 'constant rows (zero variance: y = B)', opset: 17, inputs: [F('x', [3, 8], { range: [0.5, 0.5] }), Wt('scale', [8]), Wt('bias', [8])] });
add({ op: 'Relu', variant: 'NaN inputs', opset: 14, inputs: [F('x', [4, 8], { nan: 0.25 })], note: 'ONNX: max(0, NaN) is not specified; onnxruntime keeps NaN' });
add({ op: 'Sigmoid', variant: 'NaN and ±inf inputs', opset: 13, inputs: [F('x', [2, 4], { range: [0.5, 1] }), C('s', 'float32', [4], [Infinity, -Infinity, NaN, 1])], nodes: [{ op: 'Mul', inputs: ['x', 's'], outputs: ['xs'] }, { op: 'Sigmoid', inputs: ['xs'], outputs: ['y'] }] });
add({ op: 'Tanh', variant: '±inf inputs', opset: 13, inputs: [F('x', [2, 4], { range: [0.5, 1] }), C('s', 'float32', [4], [Infinity, -Infinity, 0, 1])], nodes: [{ op: 'Mul', inputs: ['x', 's'], outputs: ['xs'] }, { op: 'Tanh', inputs: ['xs'], outputs: ['y'] }] });
add({ op: 'Softplus', variant: '±inf inputs', opset: 13, inputs: [F('x', [2, 4], { range: [0.5, 1] }), C('s', 'float32', [4], [Infinity, -Infinity, 0, 1])], nodes: [{ op: 'Mul', inputs: ['x', 's'], outputs: ['xs'] }, { op: 'Softplus', inputs: ['xs'], outputs: ['y'] }] });
add({ op: 'Erf', variant: '±inf inputs', opset: 13, inputs: [F('x', [2, 4], { range: [0.5, 1] }), C('s', 'float32', [4], [Infinity, -Infinity, 0, 1])], nodes: [{ op: 'Mul', inputs: ['x', 's'], outputs: ['xs'] }, { op: 'Erf', inputs: ['xs'], outputs: ['y'] }] });
add({ op: 'Gelu', variant: '±inf inputs', opset: 20, inputs: [F('x', [2, 4], { range: [0.5, 1] }), C('s', 'float32', [4], [Infinity, -Infinity, 0, 1])], nodes: [{ op: 'Mul', inputs: ['x', 's'], outputs: ['xs'] }, { op: 'Gelu', inputs: ['xs'], outputs: ['y'] }], note: 'gelu(-inf) = -inf·0: NaN in the literal formula; onnxruntime decides' });
add({ op: 'MaxPool', variant: '-inf inputs', opset: 12, inputs: [F('x', [1, 1, 4, 4]), C('m', 'float32', [4], [-Infinity, 0, 0, -Infinity])], nodes: [{ op: 'Add', inputs: ['x', 'm'], outputs: ['xm'] }, { op: 'MaxPool', inputs: ['xm'], outputs: ['y'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }] });

// Shapes and strides.
add({ op: 'Add', variant: 'rank 6 broadcast [2,1,3,1,2,1]⊙[1,2,1,3,1,2]', opset: 14, inputs: [F('a', [2, 1, 3, 1, 2, 1]), F('b', [1, 2, 1, 3, 1, 2])] });
add({ op: 'Where', variant: 'rank 6 three-way broadcast', opset: 16, inputs: [R('c', 'bool', [2, 1, 1, 2, 1, 3]), F('x', [1, 2, 1, 1, 2, 1]), F('y', [2, 2, 2, 1, 1, 1])], outputs: out('float32', 'z') });
add({ op: 'Transpose', variant: 'rank 6', opset: 13, inputs: [F('x', [2, 3, 1, 2, 3, 2])], attrs: { perm: [5, 3, 1, 0, 4, 2] } });
add({ op: 'Transpose', variant: 'odd sizes beyond tiles [33,65,17] perm [2,0,1]', opset: 13, inputs: [F('x', [33, 65, 17])], attrs: { perm: [2, 0, 1] } });
add({ op: 'Slice', variant: 'rank 4, mixed positive and negative steps', opset: 13, inputs: [F('x', [3, 5, 6, 7]), I64('starts', [-1, 1, 5, 0]), I64('ends', [INT64_MIN, 5, 0, 7]), I64('axes', [0, 1, 2, 3]), I64('steps', [-2, 3, -1, 2])] });
add({ op: 'Concat', variant: 'ten inputs along axis 0', opset: 13, inputs: Array.from({ length: 10 }, (_, i) => F(`a${i}`, [i % 3 + 1, 4])), attrs: { axis: 0 } });
add({ op: 'Concat', variant: 'the same input twice', opset: 13, inputs: [F('a', [2, 3])], nodeInputs: ['a', 'a'], attrs: { axis: 1 } });
add({ op: 'Pad', variant: 'reflect by dim − 1 (the largest allowed)', opset: 13, inputs: [F('x', [3, 4]), I64('pads', [2, 3, 2, 3])], attrs: { mode: 'reflect' } });
add({ op: 'Reshape', variant: 'allowzero 1 with an empty tensor', opset: 14, inputs: [F('x', [2, 0]), I64('shape', [0, 5])], attrs: { allowzero: 1 } });
add({ op: 'ReduceSum', variant: 'rank 4 axes [1,3] keepdims 0 (two non-adjacent axes)', opset: 13, inputs: [F('x', [2, 3, 4, 5], { range: [0, 1] }), I64('axes', [1, 3])], attrs: { keepdims: 0 } });
add({ op: 'ReduceMax', variant: 'rank 4 axes [0,2] keepdims 1', opset: 13, inputs: [F('x', [2, 3, 4, 5])], attrs: { axes: [0, 2] } });
add({ op: 'MatMul', variant: 'K = 1 (outer product)', opset: 13, inputs: [F('a', [5, 1]), F('b', [1, 6])] });
add({ op: 'Gemm', variant: 'K = 1 transA', opset: 13, inputs: [F('a', [1, 5]), F('b', [1, 6]), F('c', [6])], attrs: { transA: 1 } });
add({ op: 'Conv', variant: '1×1 kernel stride 3 (skips inputs)', opset: 11, inputs: [F('x', [1, 2, 7, 8]), Wt('w', [3, 2, 1, 1])], attrs: { strides: [3, 3] } });
add({ op: 'Conv', variant: 'output 1×1 (kernel = input)', opset: 11, inputs: [F('x', [2, 3, 4, 4]), Wt('w', [5, 3, 4, 4]), Wt('b', [5])] });
add({ op: 'Conv', variant: '2-D batch 3, groups 2, strides 2, pads, dilation, bias', opset: 11, inputs: [F('x', [3, 4, 11, 10]), Wt('w', [6, 2, 3, 2]), Wt('b', [6])], attrs: { group: 2, strides: [2, 2], pads: [1, 0, 2, 1], dilations: [2, 1] } });
add({ op: 'ConvTranspose', variant: '2-D strides 2 dilations 2 output_padding 1 groups 2 bias', opset: 11, inputs: [F('x', [2, 4, 3, 4]), Wt('w', [4, 3, 3, 2]), Wt('b', [6])], attrs: { group: 2, strides: [2, 2], dilations: [2, 2], output_padding: [1, 1], pads: [1, 0, 0, 1] } });
add({ op: 'MaxPool', variant: 'Indices, symbolic batch, ceil_mode, pads', opset: 12, inputs: [batch(F('x', [2, 3, 7, 7]))], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, outputs: [{ name: 'y', type: 'float32' }, { name: 'idx', type: 'int64' }] });

// Graph outputs that are also read by another node.
add({ op: 'Relu', variant: 'output also read by another node (two graph outputs)', opset: 14, inputs: [F('x', [3, 4])], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }, { op: 'Neg', inputs: ['y'], outputs: ['z'] }], outputs: [{ name: 'y', type: 'float32' }, { name: 'z', type: 'float32' }] });
add({ op: 'Split', variant: 'outputs read by a following Add', opset: 13, inputs: [F('x', [4, 6])], nodes: [{ op: 'Split', inputs: ['x'], outputs: ['p', 'q'], attrs: { axis: 1 } }, { op: 'Add', inputs: ['p', 'q'], outputs: ['y'] }], outputs: [{ name: 'y', type: 'float32' }, { name: 'p', type: 'float32' }] });

// Larger products that reach each path of the CUDA sgemm (skinny, transposed skinny, 32/64/128 tiles).
add({ op: 'Gemm', variant: 'large 200×150×150 transA transB, C [M,N] beta 0.5', opset: 13, inputs: [F('a', [150, 200]), F('b', [150, 150]), F('c', [200, 150])], attrs: { transA: 1, transB: 1, beta: 0.5 }, tol: 2e-6 });
add({ op: 'Gemm', variant: 'few rows M=4, K=600, N=500 transB, C [N]', opset: 13, inputs: [F('a', [4, 600]), Wt('w', [500, 600]), Wt('c', [500])], attrs: { transB: 1 }, tol: 2e-6 });
add({ op: 'Gemm', variant: 'few columns M=300, N=10, K=100, C [M,1]', opset: 13, inputs: [F('a', [300, 100]), F('b', [100, 10]), F('c', [300, 1])], tol: 2e-6 });
add({ op: 'Gemm', variant: 'alpha 0, C [M,N] (A and B not read)', opset: 13, inputs: [F('a', [3, 4]), F('b', [4, 5]), F('c', [3, 5])], attrs: { alpha: float(0), beta: 0.5 } });
add({ op: 'MatMul', variant: 'batched 64×64 tiles [32,65,24]×[32,24,66]', opset: 13, inputs: [F('a', [32, 65, 24]), F('b', [32, 24, 66])] });
add({ op: 'MatMul', variant: 'batched 128×128 tiles [32,129,9]×[32,9,130]', opset: 13, inputs: [F('a', [32, 129, 9]), F('b', [32, 9, 130])] });
add({ op: 'MatMul', variant: 'batch folded into rows, odd K [4,37,33]×[33,45]', opset: 13, inputs: [F('a', [4, 37, 33]), F('b', [33, 45])] });

// float64 results for the float Sum/Mean reductions (our kernels accumulate in double; onnxruntime
// sums in float32, so on long reductions the two differ by ~1e-6 and the float64 result decides).
function reduce64(x: Tensor, axes: number[] | undefined, mean: boolean): Float64Array {
  const r = x.dims.length;
  const ax = new Set((axes && axes.length ? axes : x.dims.map((_, i) => i)).map((a) => (a < 0 ? a + r : a)));
  const outDims = x.dims.map((d, i) => (ax.has(i) ? 1 : d));
  const out = new Float64Array(outDims.reduce((a, b) => a * b, 1));
  const data = x.data as Float32Array;
  const idx = new Array<number>(r).fill(0);
  for (let f = 0; f < data.length; f++) {
    let o = 0;
    for (let k = 0; k < r; k++) o = o * outDims[k]! + (ax.has(k) ? 0 : idx[k]!);
    out[o] += data[f]!;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < x.dims[k]!) break;
      idx[k] = 0;
    }
  }
  if (mean) {
    const n = data.length / out.length;
    for (let i = 0; i < out.length; i++) out[i] /= n;
  }
  return out;
}
for (const c of cases) {
  if ((c.op !== 'ReduceSum' && c.op !== 'ReduceMean') || c.nodes || c.attrs?.noop_with_empty_axes) continue;
  const x = c.inputs.find((i) => i.name === 'x');
  const axesInput = c.inputs.find((i) => i.name === 'axes');
  if (x?.kind !== 'random' || x.type !== 'float32' || axesInput?.kind === 'random') continue;
  const axes = axesInput?.kind === 'const' ? axesInput.values.map(Number) : (c.attrs?.axes as number[] | undefined);
  c.exact64 = (feeds) => reduce64(feeds.x!, axes, c.op === 'ReduceMean');
}

// ---- wide input ranges for the vectorised float math (native/cpu/vec_math.cc) -------------------
// Every branch of the kernels' piecewise algorithms (polynomial near 0, exp-based beyond, overflow,
// denormal and saturated results) in one case each; odd last dims leave a tail after the 8-float
// vectors.

for (const [op, exact] of [['Exp', Math.exp], ['Tanh', Math.tanh], ['Sigmoid', EXACT.Sigmoid!], ['Softplus', softplus64], ['Erf', erf64]] as const) {
  add({ op, variant: 'wide range x ∈ [-90,90]', opset: 13, inputs: [F('x', [5, 67], { range: [-90, 90] })], exact });
  add({ op, variant: 'around the branch points x ∈ [-2,2]', opset: 13, inputs: [F('x', [7, 37], { range: [-2, 2] })], exact });
  add({ op, variant: 'tiny x ∈ [-1e-6,1e-6]', opset: 13, inputs: [F('x', [3, 29], { range: [-1e-6, 1e-6] })], exact });
}
add({ op: 'Log', variant: 'wide range x ∈ [1e-3,1e30]', opset: 13, inputs: [F('x', [5, 67], { range: [1e-3, 1e30] })], exact: Math.log });
add({ op: 'Log', variant: 'x ∈ [0.5,2] (around 1, the √½ and √2 branch points)', opset: 13, inputs: [F('x', [7, 37], { range: [0.5, 2] })], exact: Math.log });
add({ op: 'Exp', variant: 'denormal outputs x ∈ [-103,-87]', opset: 13, inputs: [F('x', [4, 19], { range: [-103, -87] })], exact: Math.exp });
add({ op: 'Tanh', variant: 'large tensor [300,257] (split over threads when THREADS > 1)', opset: 13, inputs: [F('x', [300, 257], { range: [-6, 6] })], exact: Math.tanh });
add({ op: 'Gelu', variant: 'approximate none, wide range x ∈ [-90,90]', opset: 20, inputs: [F('x', [5, 67], { range: [-90, 90] })], exact: gelu64 });
add({ op: 'Gelu', variant: 'approximate none, x ∈ [-6,2] (negative tail: erfc)', opset: 20, inputs: [F('x', [7, 37], { range: [-6, 2] })], exact: gelu64 });
add({ op: 'Gelu', variant: 'approximate none, tiny x ∈ [-1e-6,1e-6]', opset: 20, inputs: [F('x', [3, 29], { range: [-1e-6, 1e-6] })], exact: gelu64 });
add({ op: 'Gelu', variant: 'approximate tanh, wide range x ∈ [-90,90]', opset: 20, inputs: [F('x', [5, 67], { range: [-90, 90] })], attrs: { approximate: 'tanh' }, exact: geluTanh64 });
add({ op: 'Gelu', variant: 'approximate tanh, x ∈ [-6,2]', opset: 20, inputs: [F('x', [7, 37], { range: [-6, 2] })], attrs: { approximate: 'tanh' }, exact: geluTanh64 });
add({ op: 'Softmax', variant: 'wide range x ∈ [-90,90], odd rows of 37', opset: 13, inputs: [F('x', [6, 37], { range: [-90, 90] })] });
add({ op: 'Softmax', variant: 'wide range x ∈ [-90,90], axis 1 of [3,37,11] (columns)', opset: 13, inputs: [F('x', [3, 37, 11], { range: [-90, 90] })], attrs: { axis: 1 } });
add({ op: 'LogSoftmax', variant: 'wide range x ∈ [-90,90], odd rows of 37', opset: 13, inputs: [F('x', [6, 37], { range: [-90, 90] })] });
add({ op: 'LogSoftmax', variant: 'wide range x ∈ [-90,90], axis 1 of [3,37,11] (columns)', opset: 13, inputs: [F('x', [3, 37, 11], { range: [-90, 90] })], attrs: { axis: 1 } });
add({ op: 'LayerNormalization', variant: 'odd row length 37 (vector tails), x ∈ [-90,90]', opset: 17, inputs: [F('x', [5, 37], { range: [-90, 90] }), Wt('scale', [37]), Wt('bias', [37])] });

export const CASES: readonly OpCase[] = cases;

/** Every op the cases cover, in first-seen order. */
export const CASE_OPS: readonly string[] = [...new Set(cases.map((c) => c.op))];

// Names are the test names: they must be unique.
{
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate op case name '${c.name}'`);
    seen.add(c.name);
  }
}

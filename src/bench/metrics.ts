// Error measures shared by the tests, the benchmarks and the GPU check (no onnxruntime here,
// so the offline GPU bundle can use them).
import type { TensorData } from '../tensor.js';

export function asNumbers(d: TensorData): Float64Array {
  return d instanceof BigInt64Array ? Float64Array.from(d, Number) : Float64Array.from(d as ArrayLike<number>);
}

/** ‖a − b‖₂ / ‖b‖₂ (or the absolute norm when b is all zeros). */
export function relL2(a: TensorData, b: TensorData): number {
  const x = asNumbers(a), y = asNumbers(b);
  if (x.length !== y.length) return Infinity;
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - y[i]!;
    num += d * d;
    den += y[i]! * y[i]!;
  }
  if (Number.isNaN(num)) return Infinity;
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

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

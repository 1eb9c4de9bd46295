// onnxruntime-node as the reference implementation, and the error measure we compare with.
import * as ort from 'onnxruntime-node';
import { Tensor, type TensorData, type TensorType } from '../tensor.js';

/** onnxruntime-node on the CPU: the reference implementation. */
export async function ortSession(model: string | Uint8Array, threads = 1): Promise<ort.InferenceSession> {
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  return typeof model === 'string' ? ort.InferenceSession.create(model, opts) : ort.InferenceSession.create(model, opts);
}

export async function ortRun(session: ort.InferenceSession, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const input: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) input[k] = new ort.Tensor(t.type, t.data as never, t.dims as number[]);
  const out = await session.run(input);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, new Tensor(t.type as TensorType, t.data as TensorData, t.dims)]));
}

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

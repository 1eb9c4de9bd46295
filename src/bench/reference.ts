// onnxruntime-node as the reference implementation (the error measures are in metrics.ts).
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

export { asNumbers, relL2 } from './metrics.js';

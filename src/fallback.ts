// The whole-model fallback: onnxruntime-node on the CPU, for models with an operator or type
// our engine does not support yet (or when the native addon could not be built).
import { SurrogateError } from './errors.js';
import { Tensor, type TensorType } from './tensor.js';

type Ort = typeof import('onnxruntime-node');
let ortPromise: Promise<Ort> | undefined;

async function ort(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').catch((e: Error) => {
    ortPromise = undefined;
    throw new SurrogateError('ERR_NATIVE_UNAVAILABLE', `onnxruntime-node (the fallback backend) could not be loaded: ${e.message}`);
  });
  return ortPromise;
}

export class OrtRunner {
  private constructor(
    private readonly lib: Ort,
    private readonly session: import('onnxruntime-node').InferenceSession,
  ) {}

  static async create(bytes: Uint8Array, threads: number): Promise<OrtRunner> {
    const lib = await ort();
    try {
      const session = await lib.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1 });
      return new OrtRunner(lib, session);
    } catch (e) {
      throw new SurrogateError('ERR_INVALID_MODEL', `onnxruntime-node could not load the model: ${(e as Error).message}`, { cause: e });
    }
  }

  async run(feeds: { name: string; type: TensorType; data: Tensor['data']; dims: readonly number[] }[]): Promise<Record<string, Tensor>> {
    const input: Record<string, import('onnxruntime-node').Tensor> = {};
    for (const f of feeds) input[f.name] = new this.lib.Tensor(f.type, f.data as never, f.dims);
    let out: Record<string, import('onnxruntime-node').Tensor>;
    try {
      out = await this.session.run(input);
    } catch (e) {
      throw new SurrogateError('ERR_INVALID_INPUT', `onnxruntime-node failed to run the model: ${(e as Error).message}`, { cause: e });
    }
    const result: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(out)) result[name] = new Tensor(t.type as TensorType, t.data as Tensor['data'], t.dims);
    return result;
  }

  /** Inputs and outputs as onnxruntime reports them. */
  io(): { inputs: { name: string; type: string; shape: (number | string)[] }[]; outputs: { name: string; type: string; shape: (number | string)[] }[] } {
    const conv = (m: import('onnxruntime-node').InferenceSession.ValueMetadata) =>
      m.isTensor
        ? { name: m.name, type: String(m.type), shape: m.shape.map((d, i) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : `${m.name}:${i}`)) }
        : { name: m.name, type: 'unknown', shape: [] };
    return { inputs: this.session.inputMetadata.map(conv), outputs: this.session.outputMetadata.map(conv) };
  }

  dispose(): void {
    void this.session.release().catch(() => undefined);
  }
}

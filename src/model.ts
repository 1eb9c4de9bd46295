// loadModel() and Model: import → infer → simplify at load, then predict() on the native engine
// (or on onnxruntime-node when the model needs what our engine lacks, and says so).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AbortError, DisposedError, InvalidArgumentError, ModelError, SurrogateError, UnsupportedError } from './errors.js';
import { checkFeeds, type ModelIO } from './feeds.js';
import { OrtRunner } from './fallback.js';
import type { Dim, Graph, Shape } from './graph/ir.js';
import { inferShapes } from './graph/infer.js';
import { simplify } from './graph/simplify.js';
import { loadAddon, type NativeDevices } from './native.js';
import { importModel, UPSTREAM_UNSUPPORTED } from './onnx/import.js';
import { resolveLoadOptions, resolveSignal, type LoadOptions, type ResolvedLoadOptions } from './options.js';
import { NativeRunner } from './runner.js';
import type { Tensor, TensorType } from './tensor.js';

export interface TensorInfo {
  name: string;
  type: TensorType | string;
  /** Dimensions; symbolic ones (such as the batch) are strings. */
  shape: Dim[];
}

export type Backend = 'native' | 'onnxruntime';

export interface PredictOptions {
  signal?: AbortSignal;
}

interface Runner {
  run(feeds: ReturnType<typeof checkFeeds>['feeds']): Promise<Record<string, Tensor>>;
  dispose(): void;
}

export class Model {
  /** @internal use loadModel() */
  constructor(
    readonly inputs: readonly TensorInfo[],
    readonly outputs: readonly TensorInfo[],
    /** 'cpu' today; 'cuda:N' once the CUDA backend runs the model. */
    readonly device: string,
    readonly backend: Backend,
    /** Why the model does not run on a GPU (undefined when it does). */
    readonly deviceReason: string | undefined,
    /** Why the model runs on onnxruntime-node instead of our engine (undefined when it does not). */
    readonly fallbackReason: string | undefined,
    /** Operators (and why) our engine could not run, when it fell back. */
    readonly missingOperators: readonly string[],
    readonly opset: number,
    private runner: Runner | undefined,
    /** The load-time graph (imported, inferred, simplified), for inspection. */
    readonly graph: Graph,
  ) {}

  private readonly pending = new Set<(e: Error) => void>();

  get disposed(): boolean {
    return this.runner === undefined;
  }

  /** Runs the model. Never blocks the event loop on our engine: the work runs on a native thread. */
  async predict(feeds: Record<string, unknown>, options?: PredictOptions): Promise<Record<string, Tensor>> {
    const signal = resolveSignal(options);
    const runner = this.runner;
    if (!runner) throw new DisposedError();
    if (signal?.aborted) throw new AbortError(signal.reason);
    const checked = checkFeeds(this.inputs as ModelIO[], feeds);
    return new Promise<Record<string, Tensor>>((resolvePromise, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.pending.delete(cancel);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const cancel = (e: Error) => finish(() => reject(e));
      const onAbort = () => cancel(new AbortError(signal!.reason));
      this.pending.add(cancel);
      signal?.addEventListener('abort', onAbort, { once: true });
      runner.run(checked.feeds).then(
        (out) => finish(() => resolvePromise(out)),
        (e: unknown) => finish(() => reject(e)),
      );
    });
  }

  /** Frees native memory. Calls in flight reject with DisposedError; later calls too. */
  dispose(): void {
    const runner = this.runner;
    if (!runner) return;
    this.runner = undefined;
    for (const cancel of [...this.pending]) cancel(new DisposedError());
    runner.dispose();
  }
}

/** What the addon sees: CPU features and CUDA devices (or why none). */
export function devices(): NativeDevices & { native: boolean; nativeError?: string } {
  const { addon, error } = loadAddon();
  if (addon) return { ...addon.devices(), native: true };
  return {
    native: false,
    nativeError: error,
    cpu: { model: '', cores: 0, avx2: false, fma: false, avx512f: false, neon: false },
    cuda: { built: false, reason: 'not-built', message: error ?? '', driverVersion: 0, runtimeVersion: 0, devices: [] },
  };
}

const CUDA_REASONS: Record<string, string> = {
  'not-built': 'not built with CUDA',
  'no-driver': 'no driver',
  'driver-too-old': 'driver too old',
  'no-device': 'no device',
};

function resolveDevice(opts: ResolvedLoadOptions): { device: string; reason: string } {
  const cuda = devices().cuda;
  const why = cuda.reason ? `${CUDA_REASONS[cuda.reason] ?? cuda.reason}: ${cuda.message}` : 'the CUDA backend has no kernels yet in this version, so models run on the CPU';
  if (opts.device.kind === 'cuda') {
    throw new SurrogateError('ERR_DEVICE', `device 'cuda${opts.device.index ? `:${opts.device.index}` : ''}' was requested but cannot be used (${why})`);
  }
  return { device: 'cpu', reason: opts.device.kind === 'cpu' ? "device 'cpu' was requested" : why };
}

async function readModelBytes(source: unknown): Promise<{ bytes: Uint8Array; baseDir?: string }> {
  if (typeof source === 'string') {
    try {
      return { bytes: await readFile(source), baseDir: dirname(resolve(source)) };
    } catch (e) {
      throw new ModelError(`Cannot read the model file '${source}': ${(e as Error).message}`, 'ERR_INVALID_MODEL', { cause: e });
    }
  }
  if (source instanceof Uint8Array) return { bytes: source };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source) };
  throw new InvalidArgumentError('a file path, a Uint8Array/Buffer or an ArrayBuffer', 'the model', source);
}

function ioInfo(name: string, type: string, shape: Shape | undefined): TensorInfo {
  return { name, type, shape: shape ? [...shape] : [] };
}

/** Loads an ONNX model from a path or bytes. */
export async function loadModel(source: string | Uint8Array | ArrayBuffer, options?: LoadOptions): Promise<Model> {
  const opts = resolveLoadOptions(options);
  const { bytes, baseDir } = await readModelBytes(source);
  const { device, reason: deviceReason } = resolveDevice(opts);

  let fallbackReason: string | undefined;
  let missing: string[] = [];
  let graph: Graph | undefined;
  let runner: Runner | undefined;
  let outputsInfo: TensorInfo[] | undefined;
  const imported = (() => {
    try {
      return importModel(bytes, { baseDir: opts.baseDir ?? baseDir });
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      fallbackReason = e.message;
      missing = e.operators;
      return undefined;
    }
  })();

  if (imported) {
    graph = imported.graph;
    outputsInfo = graph.outputs.map((o) => {
      const v = imported.values.get(o.name);
      return ioInfo(o.name, v?.type ?? o.type, v?.shape ?? o.shape);
    });
    const unsupported = graph.nodes.filter((n) => n.unsupported && !n.unsupported.startsWith(UPSTREAM_UNSUPPORTED));
    const { addon, error } = loadAddon();
    if (unsupported.length > 0) {
      missing = [...new Set(unsupported.map((n) => n.op))];
      fallbackReason = `our engine lacks ${missing.join(', ')} (${unsupported.slice(0, 3).map((n) => n.unsupported).join('; ')})`;
    } else if (!addon) {
      fallbackReason = error;
    } else {
      const simplified = simplify(graph, inferShapes(graph));
      let native: NativeRunner | undefined;
      try {
        native = new NativeRunner(addon, simplified, opts.memoryLimit, opts.threads);
        const reasons = probeSupport(native, simplified);
        if (reasons.length > 0) {
          missing = [...new Set(reasons)];
          fallbackReason = `our engine cannot run ${reasons.length} node(s): ${missing.slice(0, 3).join('; ')}`;
          native.dispose();
          native = undefined;
        }
      } catch (e) {
        native?.dispose();
        if (!(e instanceof UnsupportedError)) throw e;
        fallbackReason = e.message;
        native = undefined;
      }
      runner = native;
      graph = simplified;
    }
  }

  if (!runner) {
    if (opts.fallback === 'error') {
      throw new UnsupportedError(`The model cannot run on surrogate-rt's engine and fallback is 'error': ${fallbackReason}`, missing);
    }
    runner = await OrtRunner.create(bytes, opts.threads);
  }
  // A model our importer refused outright takes its input/output info from onnxruntime.
  const io = graph && outputsInfo
    ? { inputs: graph.inputs.map((i) => ioInfo(i.name, i.type, i.shape)), outputs: outputsInfo }
    : (runner as OrtRunner).io();
  return new Model(
    io.inputs,
    io.outputs,
    device,
    runner instanceof NativeRunner ? 'native' : 'onnxruntime',
    deviceReason,
    fallbackReason,
    missing,
    graph?.opset ?? 0,
    runner,
    graph ?? EMPTY_GRAPH,
  );
}

const EMPTY_GRAPH: Graph = { inputs: [], outputs: [], nodes: [], constants: new Map(), opset: 0, meta: { producer: '', irVersion: 0, opsetImports: {} } };

/**
 * Checks at load that every node of a trial plan (symbolic dims bound to 1) has a native kernel.
 * A model whose shapes make no sense at 1 is not judged here: its first run will tell.
 */
function probeSupport(native: NativeRunner, graph: Graph): string[] {
  if (native.valueInputs.size > 0) return []; // shapes depend on input values: the first run decides
  const shapes = new Map<string, Shape>(graph.inputs.map((i) => [i.name, (i.shape ?? []).map((d) => (typeof d === 'number' ? d : 1))]));
  try {
    return native.unsupportedFor(shapes);
  } catch (e) {
    if (e instanceof SurrogateError && e.code === 'ERR_SHAPE') return [];
    throw e;
  }
}

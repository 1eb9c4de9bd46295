// loadModel() and Model: import → infer → simplify → fuse at load, then predict() on the native engine
// (or on onnxruntime-node when the model needs what our engine lacks, and says so).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AbortError, DisposedError, InvalidArgumentError, ModelError, SurrogateError, UnsupportedError } from './errors.js';
import { checkFeeds, type ModelIO } from './feeds.js';
import { OrtRunner } from './fallback.js';
import type { Dim, Graph, Shape } from './graph/ir.js';
import { inferShapes } from './graph/infer.js';
import { fuse } from './graph/fuse.js';
import { simplify } from './graph/simplify.js';
import { loadAddon, type Addon, type NativeDevices } from './native.js';
import { importModel, UPSTREAM_UNSUPPORTED } from './onnx/import.js';
import { resolveLoadOptions, resolvePredictOptions, type LoadOptions, type ResolvedLoadOptions } from './options.js';
import { Batcher, type BatchingConfig, type ModelStats, type Priority } from './batcher.js';
import { notBatchableReason } from './graph/batchable.js';
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
  /** Rejects the call with AbortError: a queued request never runs, a running one is discarded. */
  signal?: AbortSignal;
  /** Rejects the call with TimeoutError after this many milliseconds (queued or running). */
  timeoutMs?: number;
  /** Queue priority (default 'normal'): 'high' requests are batched and run first. */
  priority?: Priority;
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
    /** Where our engine runs the model: 'cuda:N' or 'cpu' (onnxruntime-node's fallback: 'cpu'). */
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
    /** The load-time graph (imported, inferred, simplified, fused), for inspection. */
    readonly graph: Graph,
    batching: BatchingConfig,
  ) {
    const run = runner!;
    this.batcher = new Batcher((feeds) => run.run(feeds), batching);
  }

  private readonly batcher: Batcher;

  /** How concurrent predict() calls are batched (enabled, or the reason why not, and the limits). */
  get batching(): BatchingConfig {
    return this.batcher.config;
  }

  /** Counters since load, named after Triton's metrics: requests, samples, runs, queue and compute time, batch sizes. */
  stats(): ModelStats {
    const s = this.batcher.stats();
    if (this.runner instanceof NativeRunner) s.inlineExecutionCount = this.runner.inlineRuns;
    return s;
  }

  get disposed(): boolean {
    return this.runner === undefined;
  }

  /**
   * Runs the model. Never blocks the event loop on our engine: the work runs on a native thread,
   * except runs measured shorter than that hand-off itself (LoadOptions.inlineUnderUs).
   * Concurrent calls with the same non-batch shapes are batched into one run (see `batching`).
   */
  predict(feeds: Record<string, unknown>, options?: PredictOptions): Promise<Record<string, Tensor>> {
    // Not `async`: one promise per request, not two (this is the hot path of a loaded server).
    try {
      const opts = resolvePredictOptions(options);
      if (!this.runner) return Promise.reject(new DisposedError());
      if (opts.signal?.aborted) return Promise.reject(new AbortError(opts.signal.reason));
      return this.batcher.submit(checkFeeds(this.inputs as ModelIO[], feeds).feeds, opts);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Frees native memory. Calls queued or in flight reject with DisposedError; later calls too. */
  dispose(): void {
    const runner = this.runner;
    if (!runner) return;
    this.runner = undefined;
    this.batcher.dispose();
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

type Placement = { kind: 'cpu' | 'cuda'; index: number };

/**
 * Where our engine should try to run, in order, and why not on a GPU when it will not. 'auto'
 * tries the first CUDA device, then the CPU; 'cuda[:N]' only that device (ERR_DEVICE when it
 * cannot be used); 'cpu' only the CPU.
 */
function placements(opts: ResolvedLoadOptions): { tries: Placement[]; reason: string | undefined } {
  if (opts.device.kind === 'cpu') return { tries: [{ kind: 'cpu', index: 0 }], reason: "device 'cpu' was requested" };
  const cuda = devices().cuda;
  const index = opts.device.index;
  let why: string | undefined;
  if (cuda.reason) why = `${CUDA_REASONS[cuda.reason] ?? cuda.reason}: ${cuda.message}`;
  else if (index >= cuda.devices.length) why = `no device: CUDA device ${index} does not exist (${cuda.devices.length} visible)`;
  if (opts.device.kind === 'cuda') {
    if (why) throw new SurrogateError('ERR_DEVICE', `device 'cuda${index ? `:${index}` : ''}' was requested but cannot be used (${why})`);
    return { tries: [{ kind: 'cuda', index }], reason: undefined };
  }
  if (why) return { tries: [{ kind: 'cpu', index: 0 }], reason: why };
  return { tries: [{ kind: 'cuda', index }, { kind: 'cpu', index: 0 }], reason: undefined };
}

const placementName = (p: Placement) => (p.kind === 'cuda' ? `cuda:${p.index}` : 'cpu');

/**
 * Our engine for `graph` on the first placement that can run every node, or why none can. With
 * device 'cuda' an unsupported node or a GPU out of memory is an error; with 'auto' the next
 * placement is tried and the reason kept for model.deviceReason.
 */
function nativeRunner(
  addon: Addon,
  graph: Graph,
  opts: ResolvedLoadOptions,
  tries: Placement[],
): { runner?: NativeRunner; placement: Placement; deviceReason?: string; reasons: string[]; error?: string } {
  let deviceReason: string | undefined;
  for (let t = 0; t < tries.length; t++) {
    const placement = tries[t]!;
    const last = t === tries.length - 1;
    let native: NativeRunner | undefined;
    try {
      native = new NativeRunner(addon, graph, {
        device: placement.kind,
        deviceIndex: placement.index,
        threads: opts.threads,
        memoryLimit: opts.memoryLimit,
        tf32: opts.precision === 'tf32',
        cudaGraphs: opts.cudaGraphs,
        inlineUnderUs: opts.inlineUnderUs,
      });
      const reasons = probeSupport(native, graph);
      if (reasons.length === 0) return { runner: native, placement, deviceReason, reasons: [] };
      native.dispose();
      if (last || opts.device.kind === 'cuda') {
        if (opts.device.kind === 'cuda') {
          throw new UnsupportedError(`device '${placementName(placement)}' was requested but our CUDA kernels cannot run ${reasons.length} node(s): ${[...new Set(reasons)].slice(0, 3).join('; ')}`, [...new Set(reasons)]);
        }
        return { placement, deviceReason, reasons };
      }
      deviceReason = `unsupported on the GPU: ${[...new Set(reasons)].slice(0, 3).join('; ')}`;
    } catch (e) {
      native?.dispose();
      const code = e instanceof SurrogateError ? e.code : '';
      if (placement.kind === 'cuda' && !last && (code === 'ERR_OUT_OF_MEMORY' || code === 'ERR_DEVICE')) {
        deviceReason = `${code === 'ERR_OUT_OF_MEMORY' ? 'out of memory' : 'device error'}: ${(e as Error).message}`;
        continue;
      }
      if (e instanceof UnsupportedError && opts.device.kind !== 'cuda') return { placement, deviceReason, reasons: [], error: e.message };
      throw e;
    }
  }
  return { placement: tries[tries.length - 1]!, deviceReason, reasons: [] };
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
  const { tries, reason } = placements(opts);
  let deviceReason = reason;
  let device = 'cpu';

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
      const values = inferShapes(graph);
      const simplified = fuse(simplify(graph, values), values);
      const chosen = nativeRunner(addon, simplified, opts, tries);
      deviceReason = chosen.deviceReason ?? deviceReason;
      const native = chosen.runner;
      if (native) {
        device = placementName(chosen.placement);
      } else if (chosen.error !== undefined) {
        fallbackReason = chosen.error;
      } else {
        missing = [...new Set(chosen.reasons)];
        fallbackReason = `our engine cannot run ${chosen.reasons.length} node(s): ${missing.slice(0, 3).join('; ')}`;
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
    batchingConfig(opts, graph),
  );
}

/** The batcher's configuration: the options, with batching off (and why) when the model is not batchable. */
function batchingConfig(opts: ResolvedLoadOptions, graph: Graph | undefined): BatchingConfig {
  const b = opts.batching;
  const reason = b === false ? "batching: false was requested" : !graph ? 'the model could not be imported, so its batch dimension is unknown' : notBatchableReason(graph, inferShapes(graph));
  if (b === false || reason !== undefined) {
    return { enabled: false, reason, maxBatch: 1, maxDelayMs: 0, preferredBatchSizes: [], maxQueue: b ? b.maxQueue : 10_000, concurrency: (b && b.concurrency) || Number.MAX_SAFE_INTEGER };
  }
  return { enabled: true, ...b, concurrency: b.concurrency ?? 2 };
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

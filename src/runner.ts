// The native runner: owns one native Engine (weights uploaded once at load) and a cache of
// compiled plans, one per set of concrete input shapes.
import { SurrogateError, UnsupportedError } from './errors.js';
import type { ConstTensor, Graph, Shape, ValueTable } from './graph/ir.js';
import { DTYPE_CODE, NATIVE_DTYPES, numelOf } from './graph/ir.js';
import { inferShapes, valueInputsOf } from './graph/infer.js';
import { buildPlan, nativeNode, type PlanOutput } from './graph/plan.js';
import { fuse } from './graph/fuse.js';
import { simplify } from './graph/simplify.js';
import type { Feed } from './feeds.js';
import type { Addon, CompiledPlan, NativeEngine } from './native.js';
import { arrayClassFor, Tensor, type TensorData, type TensorType } from './tensor.js';

const MAX_CACHED_PLANS = 64;

function sameDims(dims: number[][], feeds: Feed[]): boolean {
  if (dims.length !== feeds.length) return false;
  for (let i = 0; i < dims.length; i++) {
    const a = dims[i]!, b = feeds[i]!.dims;
    if (a.length !== b.length) return false;
    for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  }
  return true;
}

/** An exponential moving average of run times: recent runs count most. */
const average = (old: number, now: number) => 0.8 * old + 0.2 * now;

interface Prepared {
  /** Its key in the plan cache. */
  key: string;
  compiled: CompiledPlan;
  outputs: PlanOutput[];
  /** Recent run time of this plan in microseconds (a moving average), once it has run. */
  micros?: number;
  /** Whether its last run was on the calling thread (see runsInline). */
  inline?: boolean;
}

/**
 * Whether a plan runs on the calling thread (EngineConfig.inlineUnderUs = limit): once it has run,
 * when its recent run time is under the limit; once inline, until that time exceeds 1.5 times the
 * limit, so that a plan whose time lies near the limit does not switch between the two paths
 * (a hand-off to a worker and back costs about as much as the limit) with every small change.
 */
export function runsInline<P extends { micros?: number; inline?: boolean }>(p: P, limit: number): p is P & { micros: number } {
  return p.micros !== undefined && p.micros < (p.inline ? 1.5 * limit : limit);
}

/** Where and how a NativeRunner's engine runs. */
export interface EngineConfig {
  device: 'cpu' | 'cuda';
  deviceIndex: number;
  threads: number;
  memoryLimit: number;
  /** CUDA: matrix products on TF32 tensor cores. */
  tf32: boolean;
  /** CUDA: replay each plan from a captured CUDA graph after its first run. */
  cudaGraphs: boolean;
  /** Checks only: fill the arena and outputs with NaN bytes before each run (unwritten memory shows). */
  poison?: boolean;
  /** CPU: plans whose recent run time is under this many µs run on the calling thread (0: never). */
  inlineUnderUs?: number;
  /** Checks only: false skips the fusion passes on specialised graphs (default true), to compare with them. */
  fuse?: boolean;
}

export class NativeRunner {
  private readonly engine: NativeEngine;
  private readonly weights = new Map<string, number>();
  private readonly plans = new Map<string, Prepared>();
  private readonly memoryLimit: number;

  constructor(
    addon: Addon,
    /** The load-time graph: imported, inferred with symbolic shapes, simplified and fused. */
    readonly graph: Graph,
    readonly config: EngineConfig,
  ) {
    this.memoryLimit = config.memoryLimit;
    for (const [name, c] of graph.constants) {
      if (!NATIVE_DTYPES.includes(c.type)) throw new UnsupportedError(`constant '${name}' has element type ${c.type}, which the native engine does not support`);
    }
    this.valueInputs = valueInputsOf(graph);
    this.engine = new addon.Engine({
      device: config.device === 'cuda' ? 1 : 0,
      deviceIndex: config.deviceIndex,
      threads: config.threads,
      memoryLimit: config.memoryLimit,
      tf32: config.tf32,
      cudaGraphs: config.cudaGraphs,
      poison: config.poison ?? false,
    });
    let id = 0;
    for (const [name, c] of graph.constants) {
      this.engine.setWeight(id, DTYPE_CODE[c.type], c.dims, c.data);
      this.weights.set(name, id++);
    }
  }

  /** Graph inputs whose values decide shapes (e.g. a Reshape target fed at run time): plans are specialised on them. */
  readonly valueInputs: ReadonlySet<string>;

  /** Specialises the graph for concrete input shapes: infer → simplify → fuse → plan (the inspectable stages). */
  specialize(shapes: ReadonlyMap<string, Shape>, inputValues?: ReadonlyMap<string, ConstTensor>): { values: ValueTable; graph: Graph; plan: ReturnType<typeof buildPlan> } {
    const { values, graph } = this.simplified(shapes, inputValues);
    return { values, graph, plan: buildPlan(graph, values, this.weights, this.memoryLimit) };
  }

  private simplified(shapes: ReadonlyMap<string, Shape>, inputValues?: ReadonlyMap<string, ConstTensor>): { values: ValueTable; graph: Graph } {
    const values = inferShapes(this.graph, shapes, inputValues);
    const graph = simplify(this.graph, values);
    // fuse() records the constants it creates in `values`, so they describe the fused graph.
    return { values, graph: this.config.fuse === false ? graph : fuse(graph, values) };
  }

  /** The values of the feeds that plans are specialised on (see valueInputs). */
  inputValues(feeds: Feed[]): Map<string, ConstTensor> {
    return new Map(feeds.filter((f) => this.valueInputs.has(f.name)).map((f) => [f.name, { type: f.type, dims: f.dims, data: f.data }]));
  }

  /** Reasons why nodes of the plan for `shapes` cannot run natively (empty when all can). */
  unsupportedFor(shapes: ReadonlyMap<string, Shape>, inputValues?: ReadonlyMap<string, ConstTensor>): string[] {
    const { values, graph } = this.simplified(shapes, inputValues);
    const reasons: string[] = [];
    for (const [name, v] of values) {
      if (!NATIVE_DTYPES.includes(v.type)) reasons.push(`value '${name}' has element type ${v.type}, which the native engine does not support`);
    }
    if (reasons.length > 0) return reasons;
    for (const node of graph.nodes) {
      try {
        const call = nativeNode(node, values);
        const info = (n: string) => (n === '' ? undefined : values.get(n));
        const ins = call.inputs.map((k) => info(node.inputs[k]!));
        const outs = node.outputs.map(info);
        const why = this.engine.supports({
          op: call.op,
          attrs: call.attrs,
          inTypes: ins.map((i) => (i ? DTYPE_CODE[i.type] : 0)),
          inRanks: ins.map((i) => i?.shape?.length ?? 0),
          outTypes: outs.map((o) => (o ? DTYPE_CODE[o.type] : 0)),
          outRanks: outs.map((o) => o?.shape?.length ?? 0),
        });
        if (why) reasons.push(why);
      } catch (e) {
        if (e instanceof UnsupportedError) reasons.push(e.message);
        else throw e;
      }
    }
    return reasons;
  }

  /** Runs done on the calling thread (see EngineConfig.inlineUnderUs). */
  inlineRuns = 0;

  /** The plan used last and the dims it was for: a run with the same dims skips the lookup. */
  private last: { dims: number[][]; prepared: Prepared } | undefined;

  private prepare(feeds: Feed[]): Prepared {
    const last = this.last;
    if (last && this.valueInputs.size === 0 && sameDims(last.dims, feeds) && this.plans.has(last.prepared.key)) return last.prepared;
    const prepared = this.lookup(feeds);
    this.last = { dims: feeds.map((f) => f.dims.slice()), prepared };
    return prepared;
  }

  private lookup(feeds: Feed[]): Prepared {
    const inputValues = this.inputValues(feeds);
    const key = feeds.map((f) => f.dims.join('x')).join('|') + [...inputValues.values()].map((v) => `|${Array.from(v.data, String).join(',')}`).join('');
    const hit = this.plans.get(key);
    if (hit) {
      this.plans.delete(key); // keep the most recent last (LRU order)
      this.plans.set(key, hit);
      return hit;
    }
    const { plan } = this.specialize(new Map(feeds.map((f) => [f.name, f.dims])), inputValues);
    let compiled: CompiledPlan;
    try {
      compiled = this.engine.compile(plan.plan);
    } catch (e) {
      // A kernel's supports predicate refused a node that only these shapes/values revealed.
      if (e instanceof SurrogateError && e.code === 'ERR_UNSUPPORTED') throw new UnsupportedError(e.message);
      throw e;
    }
    const prepared: Prepared = { key, compiled, outputs: plan.outputs };
    this.plans.set(key, prepared);
    if (this.plans.size > MAX_CACHED_PLANS) this.plans.delete(this.plans.keys().next().value!);
    return prepared;
  }

  /**
   * Runs the plan for these feeds' shapes. `allocate` may supply the output buffers (the op tests
   * pass views with guard bytes around them); by default fresh typed arrays are used.
   */
  async run(feeds: Feed[], allocate?: (output: PlanOutput) => TensorData): Promise<Record<string, Tensor>> {
    const prepared = this.prepare(feeds);
    const outputs = prepared.outputs.map((o) => {
      if (allocate) return allocate(o);
      const C = arrayClassFor(o.type as TensorType);
      if (!C) throw new SurrogateError('ERR_INTERNAL', `output '${o.name}' has type ${o.type}`);
      return new C(numelOf(o.dims));
    });
    const data = feeds.map((f) => f.data);
    const limit = this.config.device === 'cpu' ? this.config.inlineUnderUs ?? 0 : 0;
    const inline = runsInline(prepared, limit);
    prepared.inline = inline;
    if (inline) {
      // Shorter than handing it to a worker and back: run here (the time keeps being measured, the
      // same way as on a worker, so a plan that gets slower goes back to the worker).
      prepared.micros = average(prepared.micros, this.engine.runInline(prepared.compiled, data, outputs));
      this.inlineRuns++;
    } else {
      const micros = await this.engine.run(prepared.compiled, data, outputs);
      prepared.micros = prepared.micros === undefined ? micros : average(prepared.micros, micros);
    }
    const result: Record<string, Tensor> = {};
    prepared.outputs.forEach((o, i) => {
      result[o.name] = Tensor.trusted(o.type as TensorType, outputs[i]!, o.dims.slice());
    });
    return result;
  }

  dispose(): void {
    this.plans.clear();
    this.engine.dispose();
  }
}

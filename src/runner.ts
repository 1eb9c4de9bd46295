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

interface Prepared {
  compiled: CompiledPlan;
  outputs: PlanOutput[];
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

  private prepare(feeds: Feed[]): Prepared {
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
    const prepared = { compiled, outputs: plan.outputs };
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
    await this.engine.run(prepared.compiled, feeds.map((f) => f.data), outputs);
    const result: Record<string, Tensor> = {};
    prepared.outputs.forEach((o, i) => {
      result[o.name] = new Tensor(o.type as TensorType, outputs[i]!, o.dims);
    });
    return result;
  }

  dispose(): void {
    this.plans.clear();
    this.engine.dispose();
  }
}

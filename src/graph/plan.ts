// Stage 4: the plan the native engine executes, for concrete shapes: tensor ids, storage
// (weights uploaded once at load, feeds, outputs, plan constants, arena offsets from a
// liveness-based memory plan) and resolved kernel calls.
import { MemoryLimitError, SurrogateError, UnsupportedError } from '../errors.js';
import type { ConstTensor, DType, Graph, Node, TensorInfo, TypedArray, ValueTable } from './ir.js';
import { DTYPE_BYTES, DTYPE_CODE, isConcrete, NATIVE_DTYPES, numelOf } from './ir.js';
import { CORE_OPS, type NativeAttrs, type NativeNode } from './ops/index.js';

export const enum Storage { Arena = 0, Weight = 1, Input = 2, Output = 3, Const = 4 }

export interface PlanTensor { dtype: number; dims: number[]; storage: Storage; offset?: number; index?: number; name: string }
export interface PlanNode { op: string; inputs: number[]; outputs: number[]; attrs: NativeAttrs; name: string }

/** Exactly what the addon's Engine.compile() reads (plus names, for inspection). */
export interface NativePlan {
  tensors: PlanTensor[];
  consts: TypedArray[];
  nodes: PlanNode[];
  arenaBytes: number;
  /** tensor id of each graph input / output, in graph order */
  inputs: number[];
  outputs: number[];
}

export interface PlanOutput { name: string; type: DType; dims: number[] }

export interface PlanResult {
  plan: NativePlan;
  outputs: PlanOutput[];
  /** arena + outputs + plan constants, in bytes */
  bytes: number;
}

const ALIGN = 64;

/** Resolves a node to its kernel call (the core op's `native`, or itself). */
export function nativeNode(node: Node, values: ValueTable): NativeNode {
  const op = CORE_OPS.get(node.op);
  if (!op || node.unsupported) throw new UnsupportedError(node.unsupported ?? `no core operator ${node.op}`, [node.op]);
  const ins = node.inputs.map((n) => (n === '' ? undefined : values.get(n)));
  const outs = node.outputs.map((n) => values.get(n)!);
  if (op.native) return op.native(node, ins, outs);
  const attrs: NativeAttrs = {};
  for (const [k, v] of Object.entries(node.attrs)) {
    if (typeof v === 'number' || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'number'))) attrs[k] = v as number | number[] | string;
  }
  return { op: node.op, attrs, inputs: node.inputs.map((_, i) => i) };
}

function bytesOf(info: { type: DType; shape: readonly (number | string)[] | undefined }): number {
  return numelOf(info.shape as number[]) * (DTYPE_BYTES[info.type] ?? 0);
}

/**
 * Builds the plan for a specialised graph (every value concrete). `weights` maps constant names
 * already uploaded to the engine to their weight ids; other constants travel with the plan.
 */
export function buildPlan(graph: Graph, values: ValueTable, weights: ReadonlyMap<string, number>, memoryLimit: number): PlanResult {
  const tensors: PlanTensor[] = [];
  const tensorBytes: number[] = [];
  const consts: TypedArray[] = [];
  const ids = new Map<string, number>();
  const infoOf = (name: string): TensorInfo => {
    const v = values.get(name);
    if (!v || !isConcrete(v.shape)) throw new SurrogateError('ERR_INTERNAL', `value '${name}' has no concrete shape at plan time`);
    if (!NATIVE_DTYPES.includes(v.type)) throw new UnsupportedError(`value '${name}' has element type ${v.type}, which the native engine does not support`);
    return v;
  };
  const add = (name: string, t: Omit<PlanTensor, 'name' | 'dtype' | 'dims'>): number => {
    const info = infoOf(name);
    const dims = info.shape as number[];
    const bytes = bytesOf(info);
    if (!Number.isSafeInteger(bytes) || bytes > memoryLimit) {
      throw new MemoryLimitError(`value '${name}' of shape [${dims.join(', ')}] would need ${bytes} bytes, over the memory limit of ${memoryLimit} bytes`);
    }
    tensors.push({ name, dtype: DTYPE_CODE[info.type], dims, ...t });
    tensorBytes.push(bytes);
    return tensors.length - 1;
  };
  const constTensor = (name: string, c: ConstTensor): number => {
    const w = weights.get(name);
    if (w !== undefined) return add(name, { storage: Storage.Weight, index: w });
    consts.push(c.data);
    return add(name, { storage: Storage.Const, index: consts.length - 1 });
  };
  const tensorFor = (name: string): number => {
    let id = ids.get(name);
    if (id !== undefined) return id;
    const c = graph.constants.get(name);
    if (!c) throw new SurrogateError('ERR_INTERNAL', `value '${name}' is read before it is produced`);
    id = constTensor(name, c);
    ids.set(name, id);
    return id;
  };

  const inputs = graph.inputs.map((inp, i) => {
    const id = add(inp.name, { storage: Storage.Input, index: i });
    ids.set(inp.name, id);
    return id;
  });

  // Graph outputs produced by a node write straight into the caller's output buffer; an output
  // that is an input, a constant or listed twice gets a copy.
  const outputOf = new Map<string, number>();
  const copies: { from: string; index: number }[] = [];
  const producedBy = new Set(graph.nodes.flatMap((n) => n.outputs));
  graph.outputs.forEach((o, i) => {
    if (producedBy.has(o.name) && !outputOf.has(o.name)) outputOf.set(o.name, i);
    else copies.push({ from: o.name, index: i });
  });

  const nodes: PlanNode[] = [];
  // Arena tensors by id, with the steps that define and last read them (for the memory plan).
  const arenaEntry = new Map<number, { id: number; bytes: number; def: number; last: number }>();
  graph.nodes.forEach((node) => {
    const call = nativeNode(node, values);
    const step = nodes.length;
    const ins = call.inputs.map((k) => {
      const name = node.inputs[k]!;
      if (name === '') return -1;
      const id = tensorFor(name);
      const e = arenaEntry.get(id);
      if (e) e.last = step;
      return id;
    });
    const outs = node.outputs.map((name) => {
      if (name === '') throw new UnsupportedError(`${node.op} node '${node.name}' has an omitted output, which the native engine does not support`, [node.op]);
      const o = outputOf.get(name);
      const id = o !== undefined ? add(name, { storage: Storage.Output, index: o }) : add(name, { storage: Storage.Arena, offset: 0 });
      ids.set(name, id);
      if (o === undefined) {
        arenaEntry.set(id, { id, bytes: tensorBytes[id]!, def: step, last: step });
      }
      return id;
    });
    nodes.push({ op: call.op, inputs: ins, outputs: outs, attrs: call.attrs, name: node.name });
  });

  const outputs: number[] = new Array(graph.outputs.length);
  for (const [name, i] of outputOf) outputs[i] = ids.get(name)!;
  for (const { from, index } of copies) {
    const src = tensorFor(from);
    const e = arenaEntry.get(src);
    if (e) e.last = nodes.length;
    const id = add(graph.outputs[index]!.name, { storage: Storage.Output, index });
    outputs[index] = id;
    nodes.push({ op: 'Identity', inputs: [src], outputs: [id], attrs: {}, name: `output copy ${graph.outputs[index]!.name}` });
  }

  const arenaBytes = assignOffsets([...arenaEntry.values()], tensors);
  const outputBytes = outputs.reduce((s, id) => s + tensorBytes[id]!, 0);
  const constBytes = consts.reduce((s, c) => s + c.byteLength, 0);
  const bytes = arenaBytes + outputBytes + constBytes;
  if (bytes > memoryLimit) {
    throw new MemoryLimitError(`this run would need ${bytes} bytes (arena ${arenaBytes}, outputs ${outputBytes}), over the memory limit of ${memoryLimit} bytes`);
  }
  const plan: NativePlan = { tensors, consts, nodes, arenaBytes, inputs, outputs };
  return {
    plan,
    outputs: graph.outputs.map((o, i) => ({ name: o.name, type: values.get(tensors[outputs[i]!]!.name)!.type, dims: tensors[outputs[i]!]!.dims })),
    bytes,
  };
}

/**
 * Greedy-by-size offset assignment: biggest tensors first, each at the lowest aligned offset
 * that does not overlap a tensor whose lifetime [def, last] intersects its own.
 */
function assignOffsets(entries: { id: number; bytes: number; def: number; last: number }[], tensors: PlanTensor[]): number {
  const placed: { offset: number; end: number; def: number; last: number }[] = [];
  let total = 0;
  for (const e of [...entries].sort((a, b) => b.bytes - a.bytes || a.def - b.def)) {
    const size = Math.ceil(e.bytes / ALIGN) * ALIGN;
    const clashes = placed.filter((p) => p.def <= e.last && e.def <= p.last).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of clashes) {
      if (offset + size <= p.offset) break;
      offset = Math.max(offset, Math.ceil(p.end / ALIGN) * ALIGN);
    }
    placed.push({ offset, end: offset + size, def: e.def, last: e.last });
    tensors[e.id]!.offset = offset;
    total = Math.max(total, offset + size);
  }
  return total;
}

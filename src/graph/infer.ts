// Stage 2: shape and type inference (with folding of constant values) over a whole graph.
// With symbolic input shapes it runs at load; with concrete ones it specialises a plan.
import { ShapeError, SurrogateError } from '../errors.js';
import type { ConstTensor, Graph, Node, Shape, TensorInfo, ValueTable } from './ir.js';
import { CORE_OPS, type InferContext } from './ops/index.js';

export const DEFAULT_MAX_FOLD = 1 << 16;

/**
 * Infers every value of `graph`. `inputShapes` overrides the declared shapes of graph inputs
 * (concrete shapes at run time); `inputValues` gives the values of inputs that feed shape-like
 * operands (see valueInputsOf). Unsupported nodes leave their outputs unknown.
 */
export function inferShapes(
  graph: Graph,
  inputShapes?: ReadonlyMap<string, Shape>,
  inputValues?: ReadonlyMap<string, ConstTensor>,
  ctx: InferContext = { maxFoldElements: DEFAULT_MAX_FOLD },
): ValueTable {
  const values: ValueTable = new Map();
  for (const [name, c] of graph.constants) values.set(name, { type: c.type, shape: c.dims, value: c });
  for (const i of graph.inputs) values.set(i.name, { type: i.type, shape: inputShapes?.get(i.name) ?? i.shape, value: inputValues?.get(i.name) });
  for (const node of graph.nodes) {
    if (!node.unsupported && CORE_OPS.has(node.op)) inferNode(node, values, ctx);
  }
  return values;
}

/** Runs one node's shape rule and records its outputs in `values`; ShapeErrors name the node (`label`). */
export function inferNode(node: Node, values: ValueTable, ctx: InferContext, label = `${node.op} node '${node.name}'`): void {
  const op = CORE_OPS.get(node.op);
  if (!op) throw new SurrogateError('ERR_INTERNAL', `unknown core operator ${node.op}`);
  const ins = node.inputs.map((n) => (n === '' ? undefined : values.get(n)));
  let outs: TensorInfo[];
  try {
    outs = op.infer(node, ins, ctx);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`${label}: ${e.message}`);
    throw e;
  }
  node.outputs.forEach((o, i) => {
    if (o !== '' && outs[i]) values.set(o, outs[i]!);
  });
}

/**
 * The graph inputs whose values decide shapes: those reaching an operator's value input
 * (CoreOp.valueInputs) through any chain of nodes other than Shape and Size, which read only
 * the shape of their input.
 */
export function valueInputsOf(graph: Graph): Set<string> {
  const producer = new Map<string, Graph['nodes'][number]>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const n of graph.nodes) {
    for (const i of CORE_OPS.get(n.op)?.valueInputs ?? []) if (n.inputs[i]) stack.push(n.inputs[i]!);
  }
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const p = producer.get(v);
    if (p && p.op !== 'Shape' && p.op !== 'Size') stack.push(...p.inputs.filter((x) => x !== ''));
  }
  return new Set(graph.inputs.map((i) => i.name).filter((n) => seen.has(n)));
}

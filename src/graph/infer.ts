// Stage 2: shape and type inference (with folding of constant values) over a whole graph.
// With symbolic input shapes it runs at load; with concrete ones it specialises a plan.
import { ShapeError } from '../errors.js';
import type { Graph, Shape, TensorInfo, ValueTable } from './ir.js';
import { CORE_OPS, type InferContext } from './ops/index.js';

export const DEFAULT_MAX_FOLD = 1 << 16;

/**
 * Infers every value of `graph`. `inputShapes` overrides the declared shapes of graph inputs
 * (concrete shapes at run time). Unsupported nodes leave their outputs unknown.
 */
export function inferShapes(graph: Graph, inputShapes?: ReadonlyMap<string, Shape>, ctx: InferContext = { maxFoldElements: DEFAULT_MAX_FOLD }): ValueTable {
  const values: ValueTable = new Map();
  for (const [name, c] of graph.constants) values.set(name, { type: c.type, shape: c.dims, value: c });
  for (const i of graph.inputs) values.set(i.name, { type: i.type, shape: inputShapes?.get(i.name) ?? i.shape });
  for (const node of graph.nodes) {
    if (node.unsupported) continue;
    const op = CORE_OPS.get(node.op);
    if (!op) continue;
    const ins = node.inputs.map((n) => (n === '' ? undefined : values.get(n)));
    let outs: TensorInfo[];
    try {
      outs = op.infer(node, ins, ctx);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`${node.op} node '${node.name}': ${e.message}`);
      throw e;
    }
    node.outputs.forEach((o, i) => {
      if (o !== '' && outs[i]) values.set(o, outs[i]!);
    });
  }
  return values;
}

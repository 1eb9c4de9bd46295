// Can the dynamic batcher stack requests of this model along axis 0? Only when every sample's
// result depends on that sample alone, and the check is conservative (a "no" only costs
// batching): every graph input and output has the same symbolic first dimension S; S appears in
// no other input dimension; every node that reads a value carrying S keeps S in each of its
// outputs (a reduction, Concat, Slice, Gather or Reshape across the batch loses or changes it);
// and the shape-preserving operators that mix along an axis (Softmax, LogSoftmax,
// LayerNormalization) do not do so along S. Shape and Size only read dims.
import type { Dim, Graph, ValueTable } from './ir.js';

const READS_DIMS_ONLY = new Set(['Shape', 'Size']);

/** Why requests of `graph` cannot be batched along axis 0 (undefined when they can). */
export function notBatchableReason(graph: Graph, values: ValueTable): string | undefined {
  if (graph.inputs.length === 0) return 'the model has no inputs';
  const first = graph.inputs[0]!.shape?.[0];
  if (typeof first !== 'string') return `input '${graph.inputs[0]!.name}' has no symbolic first (batch) dimension`;
  const S: Dim = first;
  for (const i of graph.inputs) {
    const shape = values.get(i.name)?.shape ?? i.shape;
    if (!shape || shape[0] !== S) return `input '${i.name}' does not start with the batch dimension '${S}'`;
    if (shape.indexOf(S, 1) !== -1) return `input '${i.name}' uses '${S}' beyond its first dimension`;
  }
  for (const o of graph.outputs) {
    const shape = values.get(o.name)?.shape;
    if (!shape || shape[0] !== S) return `output '${o.name}' does not start with the batch dimension '${S}'`;
  }
  const carries = (name: string) => name !== '' && (values.get(name)?.shape ?? []).includes(S);
  for (const node of graph.nodes) {
    if (READS_DIMS_ONLY.has(node.op)) continue;
    const batched = node.inputs.filter(carries);
    if (batched.length === 0) continue;
    for (const out of node.outputs) {
      if (!carries(out)) return `${node.op} node '${node.name}' mixes or drops the batch dimension (output '${out}')`;
    }
    // Operators that keep the shape but mix along axes: Softmax/LogSoftmax (one axis from opset
    // 13, the flattened axes >= axis before) and LayerNormalization (axes >= axis).
    const x = values.get(node.inputs[0]!)?.shape;
    const p = x ? x.indexOf(S) : -1;
    const old = graph.opset < 13;
    const mixing = (defaultAxis: number, fromAxisOn: boolean) => {
      const raw = node.attrs['axis'];
      const a = raw === undefined ? defaultAxis : Number(raw);
      const axis = a < 0 ? a + (x?.length ?? 0) : a;
      return p >= 0 && (fromAxisOn ? p >= axis : p === axis);
    };
    if ((node.op === 'Softmax' || node.op === 'LogSoftmax') && mixing(old ? 1 : -1, old)) return `${node.op} node '${node.name}' normalises across the batch`;
    if (node.op === 'LayerNormalization' && mixing(-1, true)) return `LayerNormalization node '${node.name}' normalises across the batch`;
  }
  return undefined;
}

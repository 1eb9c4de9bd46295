// Stage 3: simplification. Nodes whose outputs inference folded into constants disappear,
// Identity nodes are bypassed, and nodes that no graph output depends on are removed.
import type { ConstTensor, Graph, Node, ValueTable } from './ir.js';

export function simplify(graph: Graph, values: ValueTable): Graph {
  const outputNames = new Set(graph.outputs.map((o) => o.name));
  const constants = new Map<string, ConstTensor>(graph.constants);
  const rename = new Map<string, string>();
  const resolve = (n: string) => rename.get(n) ?? n;

  let nodes: Node[] = [];
  for (const node of graph.nodes) {
    const inputs = node.inputs.map(resolve);
    if (!node.unsupported && node.outputs.every((o) => o === '' || values.get(o)?.value !== undefined)) {
      for (const o of node.outputs) if (o !== '') constants.set(o, values.get(o)!.value!);
      continue;
    }
    if (node.op === 'Identity' && !node.unsupported && !outputNames.has(node.outputs[0]!)) {
      rename.set(node.outputs[0]!, inputs[0]!);
      continue;
    }
    nodes.push({ ...node, inputs });
  }

  // Dead-node removal: walk back from the graph outputs.
  const needed = new Set(graph.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!node.outputs.some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const inp of node.inputs) if (inp !== '') needed.add(inp);
  }
  nodes = kept.reverse();
  for (const name of [...constants.keys()]) if (!needed.has(name)) constants.delete(name);
  return { ...graph, nodes, constants };
}

// ONNX import: protobuf → our graph of core operators. Nodes are parsed in topological order;
// each parser lowers its ONNX operator to core nodes, whose shape rules run at once so later
// parsers can ask what their inputs are (type, symbolic shape, constant value).
import { ModelError, SurrogateError, UnsupportedError } from '../errors.js';
import { CORE_OPS } from '../graph/ops/index.js';
import type { AttrValue, Attrs, ConstTensor, Graph, Node, TensorInfo, ValueDecl, ValueTable } from '../graph/ir.js';
import { DEFAULT_MAX_FOLD, inferNode } from '../graph/infer.js';
import type { InferContext } from '../graph/ops/types.js';
import { PARSERS, type OnnxNodeView, type ParseContext } from './ops/index.js';
import { attrFromProto, decodeModel, num, tensorFromProto, typeFromProto, type ExternalDataContext } from './proto.js';

export const MIN_OPSET = 1;
export const MAX_OPSET = 21;
/** The reason given to a node that is refused only because an input comes from a refused node. */
export const UPSTREAM_UNSUPPORTED = 'depends on a node that cannot be imported';

export interface ImportOptions {
  /** Folder that external tensor data paths are relative to (the model file's folder). */
  baseDir?: string;
  /** Largest result (in elements) that shape rules fold into a constant. */
  maxFoldElements?: number;
}

export interface ImportResult {
  graph: Graph;
  /** What import-time inference learnt about every value (symbolic shapes). */
  values: ValueTable;
}


export function importModel(bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  const model = decodeModel(bytes);
  const g = model.graph!;
  const ext: ExternalDataContext = { baseDir: options.baseDir };
  const opsetImports: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsetImports[o.domain || 'ai.onnx'] = num(o.version);
  const opset = opsetImports['ai.onnx'] ?? 0;
  if (opset === 0) throw new ModelError('The model declares no opset for the default ONNX domain');

  const constants = new Map<string, ConstTensor>();
  for (const t of g.initializer ?? []) {
    if (!t.name) throw new ModelError('The model has an initializer without a name');
    constants.set(t.name, tensorFromProto(t, ext));
  }
  const decl = (v: { name?: string | null; type?: unknown }, what: string): ValueDecl => {
    const name = v.name ?? '';
    const { type, shape } = typeFromProto((v as { type?: Parameters<typeof typeFromProto>[0] }).type, name);
    const tp = (v as { type?: { tensorType?: unknown; value?: string } }).type;
    if (tp && !tp.tensorType && tp.value) throw new UnsupportedError(`${what} '${name}' is a ${tp.value.replace(/Type$/, '')}, not a tensor; only tensors are supported`);
    if (!type) throw new ModelError(`${what} '${name}' has no tensor element type`);
    return { name, type, shape };
  };
  const inputs = (g.input ?? []).filter((v) => !constants.has(v.name ?? '')).map((v) => decl(v, 'Graph input'));
  const outputs = (g.output ?? []).map((v) => {
    const { type, shape } = typeFromProto(v.type, v.name ?? '');
    return { name: v.name ?? '', type: type ?? 'float32', shape };
  });
  const declared = new Map<string, TensorInfo>();
  for (const v of [...(g.valueInfo ?? []), ...(g.output ?? [])]) {
    const { type, shape } = typeFromProto(v.type, v.name ?? '');
    if (type) declared.set(v.name ?? '', { type, shape });
  }

  const values: ValueTable = new Map();
  for (const [name, c] of constants) values.set(name, { type: c.type, shape: c.dims, value: c });
  for (const i of inputs) values.set(i.name, { type: i.type, shape: i.shape });

  const graph: Graph = {
    inputs, outputs, nodes: [], constants, opset,
    meta: { producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(), irVersion: num(model.irVersion), opsetImports },
  };
  const inferCtx: InferContext = { maxFoldElements: options.maxFoldElements ?? DEFAULT_MAX_FOLD };
  let fresh = 0;
  const freshName = (hint: string) => {
    let n: string;
    do n = `${hint}__${fresh++}`; while (values.has(n) || constants.has(n));
    return n;
  };

  for (const p of topoOrder(g.node ?? [], new Set([...constants.keys(), ...inputs.map((i) => i.name)]))) {
    const view: OnnxNodeView = {
      op: p.opType ?? '',
      domain: p.domain && p.domain !== 'ai.onnx' ? p.domain : '',
      name: p.name || `${p.opType}_${fresh++}`,
      inputs: [...(p.input ?? [])],
      outputs: [...(p.output ?? [])],
      attrs: new Map((p.attribute ?? []).flatMap((a) => {
        const v = attrFromProto(a, ext);
        return v === undefined ? [] : [[a.name ?? '', v] as [string, AttrValue]];
      })),
    };
    const emitted: Node[] = [];
    const parser = view.domain === '' ? PARSERS.get(view.op) : undefined;
    let reason: string | undefined;
    const unknownInput = view.inputs.find((i) => i !== '' && !values.has(i));
    if (!parser) reason = view.domain === '' ? `no parser for ${view.op}` : `operator domain '${view.domain}' is not supported`;
    else if (unknownInput !== undefined) reason = `${UPSTREAM_UNSUPPORTED} (input '${unknownInput}')`;
    else if (opset < MIN_OPSET || opset > MAX_OPSET) reason = `opset ${opset} is outside the supported range ${MIN_OPSET}–${MAX_OPSET}`;
    else {
      try {
        parser(makeContext(view, opset, values, constants, emitted, freshName, (node) => {
          if (!CORE_OPS.has(node.op)) throw new SurrogateError('ERR_INTERNAL', `parser for ${view.op} emitted unknown core op ${node.op}`);
          inferNode(node, values, inferCtx, `${view.op} node '${view.name}'`);
        }));
      } catch (e) {
        if (!(e instanceof UnsupportedError)) throw e;
        reason = e.message;
        for (const n of emitted) for (const o of n.outputs) values.delete(o);
        emitted.length = 0;
      }
    }
    if (reason !== undefined) {
      graph.nodes.push({ op: view.op, name: view.name, inputs: view.inputs, outputs: view.outputs, attrs: Object.fromEntries(view.attrs), unsupported: reason });
      for (const o of view.outputs) {
        const d = declared.get(o);
        if (d) values.set(o, d);
      }
    } else {
      graph.nodes.push(...emitted);
    }
  }
  for (const o of outputs) {
    if (!values.has(o.name) && !graph.nodes.some((n) => n.outputs.includes(o.name))) {
      throw new ModelError(`Graph output '${o.name}' is not produced by any node, input or initializer`);
    }
  }
  return { graph, values };
}

function makeContext(
  node: OnnxNodeView, opset: number, values: ValueTable, constants: Map<string, ConstTensor>,
  emitted: Node[], fresh: (hint: string) => string, onEmit: (n: Node) => void,
): ParseContext {
  const get = (name: string): AttrValue | undefined => node.attrs.get(name);
  const required = (name: string): never => {
    throw new ModelError(`${node.op} node '${node.name}' is missing its required attribute '${name}'`);
  };
  const typed = <T>(name: string, def: T | undefined, ok: (v: AttrValue) => boolean, what: string): T => {
    const v = get(name);
    if (v === undefined) return def === undefined ? required(name) : def;
    if (!ok(v)) throw new ModelError(`${node.op} node '${node.name}': attribute '${name}' should be ${what}`);
    return v as T;
  };
  const isNumArray = (v: AttrValue) => Array.isArray(v) && v.every((x) => typeof x === 'number');
  return {
    opset,
    node,
    int: (name, def) => typed(name, def, (v) => typeof v === 'number', 'an integer'),
    float: (name, def) => typed(name, def, (v) => typeof v === 'number', 'a float'),
    ints: (name, def) => typed(name, def, isNumArray, 'a list of integers'),
    floats: (name, def) => typed(name, def, isNumArray, 'a list of floats'),
    string: (name, def) => typed(name, def, (v) => typeof v === 'string', 'a string'),
    tensor: (name) => {
      const v = get(name);
      return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    },
    has: (name) => node.attrs.has(name),
    info: (input) => (input === '' ? undefined : values.get(input)),
    constant: (input) => (input === '' ? undefined : values.get(input)?.value),
    setConstant: (output, value) => {
      constants.set(output, value);
      values.set(output, { type: value.type, shape: value.dims, value });
    },
    emit: (op, inputs, outputs, attrs: Attrs = {}) => {
      const n: Node = { op, name: emitted.length === 0 ? node.name : `${node.name}/${op}${emitted.length}`, inputs, outputs, attrs };
      emitted.push(n);
      onEmit(n);
    },
    addConstant: (value, hint = node.name) => {
      const name = fresh(`${hint}/const`);
      constants.set(name, value);
      values.set(name, { type: value.type, shape: value.dims, value });
      return name;
    },
    fresh: (hint) => fresh(`${node.name}/${hint}`),
    unsupported: (reason) => {
      throw new UnsupportedError(`${node.op} node '${node.name}': ${reason}`, [node.op]);
    },
  };
}

interface NodeLike { input?: string[] | null; output?: string[] | null; name?: string | null; opType?: string | null }

/** Kahn's algorithm over value names; a cycle or an input nobody produces is a ModelError. */
export function topoOrder<T extends NodeLike>(nodes: T[], available: Set<string>): T[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) {
      if (o === '') continue;
      if (producer.has(o) || available.has(o)) throw new ModelError(`Value '${o}' is produced more than once (node '${n.name || n.opType}')`);
      producer.set(o, i);
    }
  });
  const waiting = new Array<number>(nodes.length).fill(0);
  const users = new Map<number, number[]>();
  nodes.forEach((n, i) => {
    for (const inp of n.input ?? []) {
      if (inp === '' || available.has(inp)) continue;
      const p = producer.get(inp);
      if (p === undefined) throw new ModelError(`Node '${n.name || n.opType}' reads '${inp}', which no node, input or initializer provides`);
      waiting[i]!++;
      const list = users.get(p);
      if (list) list.push(i);
      else users.set(p, [i]);
    }
  });
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  const order: T[] = [];
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head]!;
    order.push(nodes[i]!);
    for (const u of users.get(i) ?? []) if (--waiting[u]! === 0) ready.push(u);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.filter((_, i) => waiting[i]! > 0).map((n) => `'${n.name || n.opType}'`);
    throw new ModelError(`The graph has a cycle: nodes ${stuck.slice(0, 5).join(', ')}${stuck.length > 5 ? ', …' : ''} depend on each other`);
  }
  return order;
}

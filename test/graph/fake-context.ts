// A ParseContext like import's, over a table of known values, for the parser tests of test/graph:
// every core node a parser emits is recorded, and runs its shape rule at once when `rules` has one
// and every input it names is known (nodes of another family are only recorded, and so are their users).
import { ModelError, UnsupportedError } from '../../src/errors.js';
import type { AttrValue, ConstTensor, Node, TensorInfo } from '../../src/graph/ir.js';
import type { CoreOp } from '../../src/graph/ops/types.js';
import type { ParseContext, Parser } from '../../src/onnx/ops/types.js';

export interface FakeContextOptions {
  op: string;
  opset: number;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  /** What is known about values by name; the context adds what the parser makes known. */
  values: Map<string, TensorInfo>;
  /** The shape rules that emitted nodes run, by core op. */
  rules: Record<string, CoreOp>;
  maxFoldElements: number;
  /** The ONNX node's name (default 'n'). */
  name?: string;
  /** The name of the k-th emitted node (default `n${k}`). */
  emittedName?: (k: number, op: string) => string;
}

export interface FakeContext {
  ctx: ParseContext;
  emitted: Node[];
  values: Map<string, TensorInfo>;
}

const known = (v: ConstTensor): TensorInfo => ({ type: v.type, shape: v.dims, value: v });

export function fakeContext(o: FakeContextOptions): FakeContext {
  const { op, attrs, values, rules } = o;
  const emittedName = o.emittedName ?? ((k) => `n${k}`);
  const inferCtx = { maxFoldElements: o.maxFoldElements };
  const attrMap = new Map(Object.entries(attrs));
  const emitted: Node[] = [];
  let fresh = 0;
  const get = (name: string, def?: unknown) => {
    const v = attrMap.get(name);
    if (v !== undefined) return v;
    if (def === undefined) throw new ModelError(`missing attribute ${name}`);
    return def;
  };
  const ctx: ParseContext = {
    opset: o.opset,
    node: { op, domain: '', name: o.name ?? 'n', inputs: o.inputs, outputs: o.outputs, attrs: attrMap },
    int: (n, d) => get(n, d) as number,
    float: (n, d) => get(n, d) as number,
    ints: (n, d) => get(n, d) as number[],
    floats: (n, d) => get(n, d) as number[],
    string: (n, d) => get(n, d) as string,
    tensor: (n) => attrMap.get(n) as ConstTensor | undefined,
    has: (n) => attrMap.has(n),
    info: (i) => (i === '' ? undefined : values.get(i)),
    constant: (i) => (i === '' ? undefined : values.get(i)?.value),
    setConstant: (out, v) => void values.set(out, known(v)),
    emit(core, ins, outs, a = {}) {
      const n: Node = { op: core, name: emittedName(emitted.length, core), inputs: ins, outputs: outs, attrs: a };
      emitted.push(n);
      const rule = rules[core];
      if (rule && ins.every((i) => i === '' || values.has(i))) {
        rule.infer(n, ins.map((i) => (i === '' ? undefined : values.get(i))), inferCtx).forEach((t, k) => values.set(outs[k]!, t));
      }
    },
    addConstant(v, hint = 'c') {
      const name = `${hint}#${fresh++}`;
      values.set(name, known(v));
      return name;
    },
    fresh: (hint) => `${hint}#${fresh++}`,
    unsupported(reason): never {
      throw new UnsupportedError(reason, [op]);
    },
  };
  return { ctx, emitted, values };
}

/**
 * parse(op, opset, inputs, outputs, attrs, known) runs the parser named `op` of a family's `parsers`
 * on a fake context over `known`, with emitted nodes named n0, n1, ...; it returns the context.
 */
export function parseByName(parsers: object, rules: Record<string, CoreOp>, maxFoldElements: number) {
  return (op: string, opset: number, inputs: string[], outputs: string[], attrs: Record<string, AttrValue>, known: Record<string, TensorInfo>): FakeContext => {
    const f = fakeContext({ op, opset, inputs, outputs, attrs, values: new Map(Object.entries(known)), rules, maxFoldElements });
    (parsers as Record<string, Parser>)[op]!(f.ctx);
    return f;
  };
}

/**
 * parse(parser, op, inputs, values, attrs?, outputs?, opset?) runs `parser` on a fake context over
 * `values` for a node named `op`, with emitted nodes named `${op}/${core op}`; it returns them.
 */
export function parseWith(rules: Record<string, CoreOp>, maxFoldElements: number) {
  return (parser: Parser, op: string, inputs: string[], values: Map<string, TensorInfo>, attrs: Record<string, AttrValue> = {}, outputs = ['y'], opset = 17): Node[] => {
    const f = fakeContext({ op, opset, inputs, outputs, attrs, values, rules, maxFoldElements, name: op, emittedName: (_, core) => `${op}/${core}` });
    parser(f.ctx);
    return f.emitted;
  };
}

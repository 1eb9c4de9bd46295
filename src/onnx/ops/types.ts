// The contract every ONNX operator parser fulfils: read the ONNX node (with the spec's attribute
// defaults), and emit core nodes (src/graph/ops) — lowering ONNX-only operators here so that they
// never reach the kernels.
import type { AttrValue, Attrs, ConstTensor, TensorInfo } from '../../graph/ir.js';

export interface OnnxNodeView {
  op: string;
  domain: string;
  name: string;
  /** '' marks an absent optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Map<string, AttrValue>;
}

export interface ParseContext {
  /** Opset of the node's domain (default domain for standard operators). */
  opset: number;
  node: OnnxNodeView;
  /** Attribute readers; the default is returned when absent (a missing required attribute throws ModelError). */
  int(name: string, def?: number): number;
  float(name: string, def?: number): number;
  ints(name: string, def?: number[]): number[];
  floats(name: string, def?: number[]): number[];
  string(name: string, def?: string): string;
  tensor(name: string): ConstTensor | undefined;
  has(name: string): boolean;
  /**
   * What is known about an input at import time: element type, shape (symbolic dims such as
   * 'batch'), and its value when constant (initializers, Constant outputs, folded chains).
   * Import parses nodes in topological order and runs each emitted core node's shape rule, so
   * this is available for every input of a supported node; undefined for '' or unknown.
   */
  info(input: string): TensorInfo | undefined;
  /** Shorthand for info(input)?.value. */
  constant(input: string): ConstTensor | undefined;
  /** Makes `output` a constant (the Constant operator). */
  setConstant(output: string, value: ConstTensor): void;
  /** Emits a core node. */
  emit(op: string, inputs: string[], outputs: string[], attrs?: Attrs): void;
  /** Adds a constant and returns its (fresh) value name. */
  addConstant(value: ConstTensor, hint?: string): string;
  /** A fresh intermediate value name. */
  fresh(hint: string): string;
  /** Refuses the node (it then goes to the fallback): throws UnsupportedError. */
  unsupported(reason: string): never;
}

export type Parser = (ctx: ParseContext) => void;

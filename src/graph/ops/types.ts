// The contract every core operator fulfils (one file per operator family in this folder).
import type { Attrs, Node, TensorInfo } from '../ir.js';

export interface InferContext {
  /** Fold (compute `value`) only when the output has at most this many elements. */
  maxFoldElements: number;
}

/** Attributes as the native kernel receives them: numbers, number lists and strings only. */
/** A bigint carries an int64 scalar exactly (beyond 2^53). */
export type NativeAttrs = Record<string, number | bigint | number[] | string>;

export interface NativeNode {
  /** The native kernel to run (often the core op's own name; Squeeze/Unsqueeze/Flatten become 'Reshape'). */
  op: string;
  attrs: NativeAttrs;
  /** Which of node.inputs stay tensor inputs of the kernel, in order (shape-like inputs become attributes). */
  inputs: number[];
}

export interface CoreOp {
  /**
   * Inputs whose values (not only their shapes) decide output shapes or kernel attributes:
   * Reshape's shape, Slice's starts/ends/axes/steps, Unsqueeze's axes, ... They must be constant
   * when a plan is built; a graph input that feeds one is specialised on its value.
   */
  valueInputs?: readonly number[];
  /**
   * The shape rule: output element types and shapes from the inputs' (undefined for an absent
   * optional input). When every input it needs has a `value` and the result is small enough,
   * the rule also computes the output's `value` — that is constant folding.
   * Throws ShapeError when the inputs are inconsistent.
   */
  infer(node: Node, ins: (TensorInfo | undefined)[], ctx: InferContext): TensorInfo[];
  /**
   * The kernel call for concrete shapes: resolved attributes (explicit pads, non-negative axes,
   * constant shape inputs turned into attributes). Default: same op, attrs as they are, all inputs.
   * Throws UnsupportedError when a needed input is not constant.
   */
  native?(node: Node, ins: (TensorInfo | undefined)[], outs: TensorInfo[]): NativeNode;
}

export type { Attrs };

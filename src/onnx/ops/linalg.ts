// ONNX Gemm and MatMul → core Gemm / MatMul (src/graph/ops/linalg.ts).
import { ModelError } from '../../errors.js';
import { int64Const } from '../../graph/values.js';
import type { ParseContext, Parser } from './types.js';

/**
 * Gemm: alpha 1, beta 1, transA 0, transB 0; C optional from opset 11. The `broadcast` attribute
 * of opsets 1–6 is dropped: with broadcast=0, C already has the output's shape (M, N), so the
 * unidirectional broadcasting of opset 7+ gives the same result either way.
 */
export const Gemm: Parser = (ctx: ParseContext) => {
  const { node } = ctx;
  const [a = '', b = '', c = ''] = node.inputs;
  const y = node.outputs[0] ?? '';
  if (a === '' || b === '' || y === '') throw new ModelError(`Gemm node '${node.name}' needs inputs A and B and an output`);
  ctx.emit('Gemm', c === '' ? [a, b] : [a, b, c], [y], {
    alpha: ctx.float('alpha', 1),
    beta: ctx.float('beta', 1),
    transA: ctx.int('transA', 0) !== 0 ? 1 : 0,
    transB: ctx.int('transB', 0) !== 0 ? 1 : 0,
  });
};

/**
 * MatMul with numpy semantics. The kernel takes ranks ≥ 2, so a 1-D operand is made a matrix
 * with Unsqueeze (A: (K) → (1, K); B: (K) → (K, 1)) and the added dimension is squeezed from the
 * result. With unknown ranks the core MatMul is emitted as is (its kernel call needs ranks ≥ 2).
 */
export const MatMul: Parser = (ctx: ParseContext) => {
  const { node } = ctx;
  const [a = '', b = ''] = node.inputs;
  const y = node.outputs[0] ?? '';
  if (a === '' || b === '' || y === '') throw new ModelError(`MatMul node '${node.name}' needs inputs A and B and an output`);
  const ra = ctx.info(a)?.shape?.length;
  const rb = ctx.info(b)?.shape?.length;
  if (ra === undefined || rb === undefined || (ra >= 2 && rb >= 2)) {
    ctx.emit('MatMul', [a, b], [y]);
    return;
  }
  if (ra === 0 || rb === 0) throw new ModelError(`MatMul node '${node.name}': operands must not be scalars`);
  let a2 = a;
  let b2 = b;
  if (ra === 1) {
    a2 = ctx.fresh('a2d');
    ctx.emit('Unsqueeze', [a, ctx.addConstant(int64Const([0]), `${node.name}/axes`)], [a2]);
  }
  if (rb === 1) {
    b2 = ctx.fresh('b2d');
    ctx.emit('Unsqueeze', [b, ctx.addConstant(int64Const([1]), `${node.name}/axes`)], [b2]);
  }
  // Rank of the 2-D-or-more product, and the axes to drop from it.
  const r = Math.max(ra, rb, 2);
  const drop = [...(ra === 1 ? [r - 2] : []), ...(rb === 1 ? [r - 1] : [])];
  const product = ctx.fresh('matmul');
  ctx.emit('MatMul', [a2, b2], [product]);
  ctx.emit('Squeeze', [product, ctx.addConstant(int64Const(drop), `${node.name}/axes`)], [y]);
};

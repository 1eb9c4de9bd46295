// Every core operator, by name: each family file exports CoreOps named after their operator.
import * as conv from './conv.js';
import * as elementwise from './elementwise.js';
import * as linalg from './linalg.js';
import * as reduce from './reduce.js';
import * as shape from './shape.js';
import type { CoreOp } from './types.js';

export const CORE_OPS: ReadonlyMap<string, CoreOp> = new Map(
  Object.entries({ ...elementwise, ...reduce, ...linalg, ...conv, ...shape }) as [string, CoreOp][],
);

export type { CoreOp, InferContext, NativeAttrs, NativeNode } from './types.js';

// Every ONNX operator we import, by name: each family file exports Parsers named after their ONNX operator.
import * as conv from './conv.js';
import * as elementwise from './elementwise.js';
import * as linalg from './linalg.js';
import * as reduce from './reduce.js';
import * as shape from './shape.js';
import type { Parser } from './types.js';

export const PARSERS: ReadonlyMap<string, Parser> = new Map(
  Object.entries({ ...elementwise, ...reduce, ...linalg, ...conv, ...shape }) as [string, Parser][],
);

export type { OnnxNodeView, ParseContext, Parser } from './types.js';

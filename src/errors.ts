// The library's error classes. Every error surrogate-rt throws is a SurrogateError with a
// stable `code`; the native addon is handed this class at init and throws it too.

export type ErrorCode =
  | 'ERR_INVALID_ARGUMENT' // a public option or argument has the wrong type or value
  | 'ERR_INVALID_MODEL' // truncated/corrupt ONNX, graph with cycles, dangling values
  | 'ERR_SHAPE' // shapes in the model are inconsistent
  | 'ERR_UNSUPPORTED' // an operator, type or attribute our engine does not support
  | 'ERR_INVALID_INPUT' // feeds: wrong names, missing inputs, wrong type, rank or dimension
  | 'ERR_MEMORY_LIMIT' // the run would need more memory than the configured limit
  | 'ERR_OUT_OF_MEMORY'
  | 'ERR_DISPOSED' // the model was disposed
  | 'ERR_ABORTED' // the caller's AbortSignal fired
  | 'ERR_TIMEOUT' // the request's timeout passed before its result was ready
  | 'ERR_OVERLOADED' // the model's request queue is full (maxQueue)
  | 'ERR_DEVICE' // requested device not available
  | 'ERR_INVALID_PLAN' // internal: a plan failed native validation
  | 'ERR_NATIVE_UNAVAILABLE'
  | 'ERR_INTERNAL';

export class SurrogateError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SurrogateError';
    this.code = code;
  }
}

/** Raised for public arguments: "Expected X for Y but received Z" (as sharp does). */
export class InvalidArgumentError extends SurrogateError {
  constructor(expected: string, what: string, received: unknown) {
    super('ERR_INVALID_ARGUMENT', `Expected ${expected} for ${what} but received ${describe(received)}`);
    this.name = 'InvalidArgumentError';
  }
}

export class ModelError extends SurrogateError {
  constructor(message: string, code: 'ERR_INVALID_MODEL' | 'ERR_SHAPE' = 'ERR_INVALID_MODEL', options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ModelError';
  }
}

/** Thrown by shape rules when a node's inputs are inconsistent. */
export class ShapeError extends ModelError {
  constructor(message: string) {
    super(message, 'ERR_SHAPE');
    this.name = 'ShapeError';
  }
}

export class UnsupportedError extends SurrogateError {
  /** The operators (or op: reason) that made the model unsupported, when known. */
  readonly operators: string[];
  constructor(message: string, operators: string[] = []) {
    super('ERR_UNSUPPORTED', message);
    this.name = 'UnsupportedError';
    this.operators = operators;
  }
}

export class InputError extends SurrogateError {
  constructor(message: string) {
    super('ERR_INVALID_INPUT', message);
    this.name = 'InputError';
  }
}

export class MemoryLimitError extends SurrogateError {
  constructor(message: string) {
    super('ERR_MEMORY_LIMIT', message);
    this.name = 'MemoryLimitError';
  }
}

export class DisposedError extends SurrogateError {
  constructor(what = 'model') {
    super('ERR_DISPOSED', `This ${what} has been disposed`);
    this.name = 'DisposedError';
  }
}

export class AbortError extends SurrogateError {
  constructor(reason?: unknown) {
    super('ERR_ABORTED', `The operation was aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, { cause: reason });
    this.name = 'AbortError';
  }
}

export class TimeoutError extends SurrogateError {
  constructor(ms: number) {
    super('ERR_TIMEOUT', `The request timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** The model's queue is full: the request was refused at once, nothing was queued. */
export class OverloadError extends SurrogateError {
  constructor(queued: number) {
    super('ERR_OVERLOADED', `The model is overloaded: ${queued} requests are queued (maxQueue); try again later`);
    this.name = 'OverloadError';
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string '${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as unknown as { length?: number }).length ?? value.byteLength}`;
  if (typeof value === 'function') return 'function';
  return `${(value as object).constructor?.name ?? 'object'}`;
}

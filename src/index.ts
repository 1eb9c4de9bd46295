// surrogate-rt: batched inference of ONNX surrogate models for Node.js, on our own engine.
export { loadModel, devices, Model } from './model.js';
export type { Backend, PredictOptions, TensorInfo } from './model.js';
export type { BatchingOptions, DeviceOption, FallbackOption, LoadOptions, PrecisionOption } from './options.js';
export type { BatchingConfig, ModelStats, Priority } from './batcher.js';
export { Tensor } from './tensor.js';
export type { TensorData, TensorType } from './tensor.js';
export {
  AbortError, DisposedError, InputError, InvalidArgumentError, MemoryLimitError, ModelError, OverloadError, ShapeError, SurrogateError, TimeoutError, UnsupportedError,
} from './errors.js';
export type { ErrorCode } from './errors.js';

// The pipeline stages, each inspectable on its own (load → infer → simplify → fuse → plan).
export { importModel } from './onnx/import.js';
export { inferShapes } from './graph/infer.js';
export { simplify } from './graph/simplify.js';
export { fuse, FUSION_PASSES } from './graph/fuse.js';
export type { FusionPass } from './graph/fuse.js';
export { buildPlan } from './graph/plan.js';

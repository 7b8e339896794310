/** Public surface of the native float64 reference. */
export {
  convTransposeReference,
  checkTensors,
  type ReferenceOptions,
  type ReferenceOutput,
  type ReferenceResult,
  type ReferenceStorage,
} from './reference.js';
export {
  convTransposeReferenceParallel,
  DEFAULT_MIN_PARALLEL_WORK,
  DEFAULT_MIN_PARALLEL_WORK_SIMD,
  type ParallelReferenceOptions,
} from './parallel.js';
export { shutdownReferenceWorkers } from './workers.js';
export {
  computeTermCounts,
  float32ErrorBound,
  float32ErrorBounds,
  float32Gamma,
  multiplyAddCount,
  FLOAT32_UNIT_ROUNDOFF,
} from './bounds.js';
export {
  hasSpecialOperands,
  needsSpecialValues,
  specialValues,
  withSpecialValues,
  type SpecialValues,
  type WithSpecialValues,
} from './special.js';

/**
 * Every diagnosis, in the order they are tried: the first explanation found is the one named, so
 * the order is part of the output (more specific, cheaper explanations first; the loose
 * reduced-precision bounds last). When none fits, diagnose.ts says "no known pattern" (none.ts).
 */
import { biasStep } from './bias.js';
import { float32OverflowStep } from './float32-overflow.js';
import { insertedZeroNanStep } from './inserted-zero-nan.js';
import { nanNotPropagatedStep } from './nan-not-propagated.js';
import { subnormalFlushStep } from './subnormal-flush.js';
import { zeroSignStep } from './zero-sign.js';
import { inputRowsStep } from './input-rows.js';
import { kernelChannelsSwappedStep } from './kernel-channels-swapped.js';
import { kernelFlippedStep } from './kernel-flipped.js';
import { layoutStep } from './layout.js';
import { locationStep } from './location.js';
import { reducedPrecisionStep } from './reduced-precision.js';
import { roundingStep } from './rounding.js';
import { shiftStep } from './shift.js';
import { spatialTransposedStep } from './spatial-transposed.js';
import type { DiagnosisStep } from './types.js';

/**
 * Special values (NaN, infinities, subnormals, overflow, zero signs): tried first, and also when the mismatch
 * is non-finite (where the other hypotheses are not tried). Each applies only to a case whose
 * tensors hold such values (`reference.special`, subnormal operands). Flushing comes first: a
 * subnormal read as 0 under an infinite weight is itself a 0 * Inf = NaN, which a dense-zeros
 * model can match by coincidence; the NaN-at-inserted-zeros step tries flushing combined with it.
 */
export const SPECIAL_VALUE_DIAGNOSES: readonly DiagnosisStep[] = [
  subnormalFlushStep,
  insertedZeroNanStep,
  nanNotPropagatedStep,
  float32OverflowStep,
  zeroSignStep,
];

export const DIAGNOSES: readonly DiagnosisStep[] = [
  ...SPECIAL_VALUE_DIAGNOSES,
  roundingStep,
  shiftStep,
  kernelFlippedStep,
  kernelChannelsSwappedStep,
  spatialTransposedStep,
  layoutStep,
  biasStep,
  inputRowsStep,
  locationStep,
  reducedPrecisionStep,
];

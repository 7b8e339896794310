/**
 * Every diagnosis, in the order they are tried: the first explanation found is the one named, so
 * the order is part of the output (more specific, cheaper explanations first; the loose
 * reduced-precision bounds last). When none fits, diagnose.ts says "no known pattern" (none.ts).
 */
import { biasStep } from './bias.js';
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

export const DIAGNOSES: readonly DiagnosisStep[] = [
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

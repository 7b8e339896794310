/**
 * The words naming the output under diagnosis: a runner's output computed here, or a documented
 * `expect` pasted from another framework. The same transformation explains both, but the cause
 * is told differently ("the runner dropped B" vs "the expect was computed without B").
 */
import type { DiagnosisInput } from './types.js';

/** True when the output under diagnosis is the case's documented `expect`. */
export function isExpect(input: DiagnosisInput): boolean {
  return input.subject === 'expect';
}

/** `runner` or `expect`, chosen by what is being diagnosed. */
export function bySubject(input: DiagnosisInput, runner: string, expect: string): string {
  return isExpect(input) ? expect : runner;
}

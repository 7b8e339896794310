/** Labels and small formatters shared by the HTML report's sections. */
import type { Spelling } from '../../geometry/spellings.js';
import type { Status } from '../../run/status.js';
import { escapeHtml as e } from './escape.js';

export const SHORT: Record<Status, string> = {
  pass: 'pass',
  mismatch: 'MISMATCH',
  unsupported: 'unsupported',
  error: 'ERROR',
  crashed: 'CRASHED',
  timeout: 'TIMEOUT',
  'expected-mismatch': 'exp. mismatch',
  'expected-error': 'exp. error',
  'expected-crash': 'exp. crash',
  'expected-timeout': 'exp. timeout',
  'expected-unsupported': 'exp. unsupported',
  'unexpected-pass': 'UNEXPECTED PASS',
};

export const CONVENTION_LABEL: Record<string, string> = {
  tf: 'TensorFlow / Keras',
  onnx: 'ONNX',
  torch: 'PyTorch',
  webnn: 'WebNN',
};

export const FRAMEWORK_LABEL: Record<Spelling['framework'], string> = {
  tensorflow: 'TensorFlow',
  keras: 'Keras',
  onnx: 'ONNX',
  pytorch: 'PyTorch',
  webnn: 'WebNN',
};

export const statusBadge = (status: Status, text: string = status): string =>
  `<span class="st s-${e(status)}">${e(text)}</span>`;

export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export function uniqueInOrder<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

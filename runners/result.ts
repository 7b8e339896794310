/** Words for a result that is not an output (error messages of tests, bench and tools). */
import type { ExecuteResult } from './types.js';

export function resultMessage(result: ExecuteResult): string {
  switch (result.status) {
    case 'ok':
      return `ok, shape [${result.shape.join(', ')}]`;
    case 'error':
      return result.message;
    case 'unsupported':
      return `unsupported: ${result.reason}`;
    case 'crashed':
      return `crashed (${result.signal})${result.stderrTail ? `: ${result.stderrTail}` : ''}`;
    case 'timeout':
      return `timed out after ${result.timeoutMs} ms`;
  }
}

/**
 * The messages of the external-runner protocol (docs/runner-protocol.md, sections 2 and 3) and
 * their checks: a hello or a reply that does not fit is a protocol error saying what was wrong.
 */
import type { Frame, WireTensor } from './frames.js';

export const PROTOCOL_VERSION = 1;
export const CONVENTIONS = ['onnx', 'tf', 'torch', 'canonical'] as const;
export type Convention = (typeof CONVENTIONS)[number];
export const LAYOUT_CHOICES = ['channels_first', 'channels_last', 'case'] as const;
export type LayoutChoice = (typeof LAYOUT_CHOICES)[number];
export const MAX_IN_FLIGHT = 1024;

export interface Hello {
  readonly name: string;
  readonly version: string;
  readonly convention: Convention;
  readonly layout: LayoutChoice;
  readonly maxInFlight: number;
}

export type Reply =
  | { readonly type: 'result'; readonly id: number; readonly output: WireTensor }
  | { readonly type: 'error'; readonly id: number; readonly message: string }
  | { readonly type: 'unsupported'; readonly id: number; readonly reason: string };

/** A hello that says the implementation cannot work, or one tconv cannot accept. */
export class HelloRefused extends Error {}

export class ProtocolViolation extends Error {}

const oneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (values as readonly string[]).includes(value);

/** The implementation's hello, or HelloRefused with the reason it (or tconv) gave. */
export function parseHello(frame: Frame): Hello {
  const h = frame.header;
  if (h['type'] !== 'hello') {
    throw new HelloRefused(`the first frame must be a hello, got ${JSON.stringify(h).slice(0, 200)}`);
  }
  if (h['protocol'] !== PROTOCOL_VERSION) {
    throw new HelloRefused(
      `it speaks protocol ${JSON.stringify(h['protocol'])}; this tconv speaks protocol ${PROTOCOL_VERSION}`,
    );
  }
  if (typeof h['error'] === 'string') throw new HelloRefused(`it cannot run: ${h['error']}`);
  const problems: string[] = [];
  if (typeof h['name'] !== 'string' || h['name'] === '') problems.push('`name` (a string)');
  if (typeof h['version'] !== 'string') problems.push('`version` (a string)');
  if (!oneOf(CONVENTIONS, h['convention'])) problems.push(`\`convention\` (one of ${CONVENTIONS.join(', ')})`);
  const layout = h['layout'] ?? null;
  if (layout !== null && !oneOf(LAYOUT_CHOICES, layout)) problems.push(`\`layout\` (${LAYOUT_CHOICES.join(', ')})`);
  const inFlight = h['max_in_flight'] ?? 1;
  if (!Number.isInteger(inFlight) || (inFlight as number) < 1 || (inFlight as number) > MAX_IN_FLIGHT) {
    problems.push(`\`max_in_flight\` (an integer from 1 to ${MAX_IN_FLIGHT})`);
  }
  if (problems.length > 0) throw new HelloRefused(`its hello lacks or misstates ${problems.join(', ')}`);
  const convention = h['convention'] as Convention;
  return {
    name: h['name'] as string,
    version: h['version'] as string,
    convention,
    layout: (layout as LayoutChoice | null) ?? (convention === 'tf' ? 'channels_last' : 'channels_first'),
    maxInFlight: inFlight as number,
  };
}

/** A reply frame, checked; ProtocolViolation says what is wrong. */
export function parseReply(frame: Frame): Reply {
  const h = frame.header;
  const id = h['id'];
  if (!Number.isSafeInteger(id) || (id as number) < 1) {
    throw new ProtocolViolation(`a reply without a valid \`id\`: ${JSON.stringify(h).slice(0, 200)}`);
  }
  const reply = { id: id as number };
  switch (h['type']) {
    case 'result': {
      if (frame.tensors.length !== 1) {
        throw new ProtocolViolation(
          `the result for request ${reply.id} has ${frame.tensors.length} tensors, expected 1`,
        );
      }
      return { type: 'result', ...reply, output: frame.tensors[0]! };
    }
    case 'error':
      return { type: 'error', ...reply, message: textOf(h['message'], 'error without a message') };
    case 'unsupported':
      return { type: 'unsupported', ...reply, reason: textOf(h['reason'], 'declined without a reason') };
    default:
      throw new ProtocolViolation(
        `a reply of type ${JSON.stringify(h['type'])} (expected "result", "error" or "unsupported")`,
      );
  }
}

const textOf = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value.trim() !== '' ? value : fallback;

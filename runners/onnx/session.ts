/**
 * ONNX Runtime, loaded lazily, and InferenceSessions cached per process by the model's bytes:
 * creating a session parses and plans the graph (milliseconds), running it is far cheaper.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';

export type Ort = typeof OrtModule;

/**
 * intraOpNumThreads 1 (and sequential execution): two runner processes share two cores, and a
 * single thread fixes how the work is split, so a case gives the same float32 bits every run.
 * graphOptimizationLevel 'all' is ORT's default, so the kernel chosen is the one users get; on
 * this one-node graph (W is an input, not an initializer) no fusion or constant folding applies,
 * and creation costs the same as with 'basic' (measured: ~0.4 ms per session after the first).
 * logSeverityLevel 4 (fatal only): ORT also logs every kernel error it throws; the runner returns
 * that message itself, so the log line would only be stderr noise in the host process.
 */
export const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 4,
};

let ortModule: Promise<Ort> | undefined;

/** Imports onnxruntime-node once; a failed import is retried on the next call. */
export function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch((error: unknown) => {
    ortModule = undefined;
    throw new Error(`onnxruntime-node cannot be loaded: ${messageOf(error)}`);
  });
  return ortModule;
}

/** The installed package's version, from its package.json. */
export async function ortPackageVersion(): Promise<string> {
  const path = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  const { version } = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${path} has no version`);
  return version;
}

export function modelKey(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** Sessions cached by model bytes, whatever the engine (onnxruntime-node, onnxruntime-web). */
export interface SessionCache<S> {
  /** The cached session for these model bytes; a rejected creation is not cached. */
  readonly sessionFor: (bytes: Uint8Array) => Promise<S>;
  readonly size: () => number;
}

/** A per-process session cache over `create` (the engine's InferenceSession.create). */
/** Sessions kept per process: a fuzz run makes a new model for nearly every case. */
export const MAX_CACHED_SESSIONS = 256;

/** Least-recently-used cache of sessions by model bytes; evicted sessions are released. */
export function sessionCache<S extends { release(): Promise<void> }>(
  create: (bytes: Uint8Array) => Promise<S>,
  capacity = MAX_CACHED_SESSIONS,
): SessionCache<S> {
  const sessions = new Map<string, Promise<S>>();
  const evictOldest = (): void => {
    const [oldestKey, oldest] = sessions.entries().next().value as [string, Promise<S>];
    sessions.delete(oldestKey);
    oldest.then((session) => session.release()).catch(() => undefined);
  };
  return {
    sessionFor: (bytes) => {
      const key = modelKey(bytes);
      let session = sessions.get(key);
      if (session) {
        sessions.delete(key); // re-inserted below: most recently used last
      } else {
        session = create(bytes);
        session.catch(() => sessions.delete(key));
      }
      sessions.set(key, session);
      if (sessions.size > capacity) evictOldest();
      return session;
    },
    size: () => sessions.size,
  };
}

/** A new onnxruntime-node session, not cached (runners/onnx/batch.ts). */
export const createSession = (bytes: Uint8Array): Promise<InferenceSession> =>
  loadOrt().then((ort) => ort.InferenceSession.create(bytes, SESSION_OPTIONS));

const nativeSessions = sessionCache<InferenceSession>(createSession);

/** The cached onnxruntime-node session for these model bytes; a rejected creation is not cached. */
export const sessionFor = nativeSessions.sessionFor;

export const cachedSessionCount = (): number => nativeSessions.size();

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

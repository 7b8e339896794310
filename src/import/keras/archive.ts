/**
 * The .keras archive (a zip of config.json, metadata.json and model.weights.h5), read with
 * fflate: pure JavaScript with no dependencies, synchronous, and it reads the in-memory bytes we
 * already hold; yauzl streams from a file descriptor with callbacks, which buys nothing for
 * archives this size (the weights must be in memory for the HDF5 reader anyway).
 */
import { strFromU8, unzipSync } from 'fflate';
import { modelError } from '../errors.js';

export interface KerasArchive {
  /** config.json, parsed. */
  readonly config: unknown;
  readonly kerasVersion: string | null;
  /** model.weights.h5, when the archive has it. */
  readonly weights: Uint8Array | null;
}

const EXPECTED = 'expected a Keras 3 .keras archive (zip with config.json and model.weights.h5)';

export function readKerasArchive(file: string, bytes: Uint8Array, withWeights: boolean): KerasArchive {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (entry) => withWeights || entry.name.endsWith('.json') });
  } catch (error) {
    throw modelError(
      file,
      `not a readable zip archive (${(error as Error).message}): truncated or corrupt? ${EXPECTED}`,
    );
  }
  const configBytes = entries['config.json'];
  if (!configBytes) {
    throw modelError(
      file,
      `the archive has no config.json (entries: ${Object.keys(entries).join(', ') || 'none'}); ${EXPECTED}`,
    );
  }
  let config: unknown;
  try {
    config = JSON.parse(strFromU8(configBytes));
  } catch (error) {
    throw modelError(file, `config.json is not valid JSON (${(error as Error).message}); ${EXPECTED}`);
  }
  let kerasVersion: string | null = null;
  const metadata = entries['metadata.json'];
  if (metadata) {
    try {
      const parsed: unknown = JSON.parse(strFromU8(metadata));
      const version = (parsed as { keras_version?: unknown }).keras_version;
      if (typeof version === 'string') kerasVersion = version;
    } catch {
      // The version only decorates descriptions; a damaged metadata.json is not worth refusing.
    }
  }
  return { config, kerasVersion, weights: entries['model.weights.h5'] ?? null };
}

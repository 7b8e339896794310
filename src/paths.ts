/**
 * tconv's own files, whether it runs from the TypeScript sources (tsx, vitest) or from the
 * compiled build (dist/src/..., one directory deeper, .js): the repository root, for files that
 * are not compiled (package.json, runners' Python programs), and the extension of tconv's modules
 * that are loaded again by path (runner child processes).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This module's own extension tells how tconv runs (`.ts`: from sources). */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

export const MODULE_EXTENSION = FROM_SOURCES ? '.ts' : '.js';

export const REPOSITORY_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), FROM_SOURCES ? '..' : '../..');

/** A file of the repository, e.g. repositoryPath('runners', 'torch', 'bridge.py'). */
export function repositoryPath(...parts: string[]): string {
  return join(REPOSITORY_ROOT, ...parts);
}

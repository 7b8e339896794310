/**
 * The Python interpreter the torch runner uses, by the rule scripts/setup-torch.mjs also applies:
 * $TCONV_PYTHON when set, else the venv that setup creates (when it exists), else python3.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface PythonChoice {
  readonly executable: string;
  /** Why this one: for error messages. */
  readonly source: 'TCONV_PYTHON' | 'venv' | 'PATH';
}

/** ${TCONV_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/tconv}, as scripts/setup*.mjs compute it. */
export function tconvCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env['TCONV_CACHE_DIR'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'tconv'));
}

export const venvPython = (env: NodeJS.ProcessEnv = process.env): string =>
  join(tconvCacheDir(env), 'python', 'bin', 'python');

export function choosePython(env: NodeJS.ProcessEnv = process.env): PythonChoice {
  const explicit = env['TCONV_PYTHON'];
  if (explicit) return { executable: explicit, source: 'TCONV_PYTHON' };
  const venv = venvPython(env);
  if (existsSync(venv)) return { executable: venv, source: 'venv' };
  return { executable: 'python3', source: 'PATH' };
}

/** How to get a working torch, for load() failures. */
export function installHint(choice: PythonChoice, notFound = false): string {
  const setup = `\`npm run setup\` or \`node scripts/setup-torch.mjs\` (creates a venv with torch and numpy in ${join(tconvCacheDir(), 'python')})`;
  if (choice.source === 'TCONV_PYTHON') {
    return notFound
      ? `Point TCONV_PYTHON at a Python with torch and numpy, or unset it and run ${setup}.`
      : `To install it: \`${choice.executable} -m pip install 'torch==2.13.*' numpy\`, or unset TCONV_PYTHON and run ${setup}.`;
  }
  return `To install it: run ${setup}, or \`pip install torch numpy\` into any Python and set TCONV_PYTHON=/path/to/that/python.`;
}

/** Registration of `--runner-exec NAME=COMMAND` runners under the names users give them. */
import { DEFAULT_TIMEOUT_MS } from '../host/session.js';
import { registerRunner } from '../registry.js';
import type { NamedCommand } from './command.js';
import { externalRunner, type ExternalRunnerSpec } from './runner.js';
import { openExternalSession } from './session.js';

/** Registers `--runner-exec NAME=COMMAND` as runner NAME. */
export function registerExecRunner(command: NamedCommand): void {
  const spec = (timeoutMs: number): ExternalRunnerSpec => ({
    name: command.name,
    command: () => command,
    timeoutMs,
    unavailable: (reason) => `${command.program} ${command.args.join(' ')}: ${reason}`.replace(/ :/, ':'),
  });
  registerRunner({
    runner: externalRunner(spec(DEFAULT_TIMEOUT_MS)),
    open: ({ timeoutMs }) => openExternalSession(spec(timeoutMs)),
  });
}

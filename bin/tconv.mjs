#!/usr/bin/env node
// Entry point: TypeScript sources run through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// Flush stdout before exiting (large JSON outputs to a pipe).
process.stdout.write('', () => process.exit(code));

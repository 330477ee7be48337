#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import { runCli } from './router.js';

const io = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};

try {
  // exitCode rather than exit(): pending stdout writes to a pipe still flush.
  process.exitCode = await runCli(process.argv.slice(2), io, COMMANDS);
} catch (error) {
  io.err(`sfe: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

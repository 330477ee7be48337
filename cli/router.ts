import { UsageError, type Command, type CommandIo } from './command.js';
import { commandHelp, overviewHelp, usageLine } from './help.js';
import { parseCommandArgs } from './parse-args.js';
import { packageVersion } from './version.js';

/** Exit codes: 0 success, 1 the command failed, 2 the command line was wrong. */
const USAGE = 2;

function startsWith(words: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((word, i) => words[i] === word);
}

/** The command whose path is the longest prefix of `words`. */
function findCommand(commands: readonly Command[], words: readonly string[]): Command | undefined {
  return commands
    .filter((c) => startsWith(words, c.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/** The longest prefix of `words` shared by some command group, e.g. `['config']`. */
function knownPrefix(commands: readonly Command[], words: readonly string[]): string[] {
  const prefix: string[] = [];
  for (const word of words) {
    const next = [...prefix, word];
    if (!commands.some((c) => c.path.length > next.length && startsWith(c.path, next))) break;
    prefix.push(word);
  }
  return prefix;
}

/** `sfe help [words…]`, and the answer to a group name or an unknown command. */
function helpFor(
  commands: readonly Command[],
  words: readonly string[],
  io: CommandIo,
  asError: boolean,
): number {
  const command = findCommand(commands, words);
  if (command && command.path.length === words.length) {
    io.out(commandHelp(command));
    return 0;
  }
  const prefix = knownPrefix(commands, words);
  const group = commands.filter((c) => startsWith(c.path, prefix));
  const unknown = words.length > prefix.length;
  const text = overviewHelp(group, prefix);
  if (!unknown && !asError) {
    io.out(text);
    return 0;
  }
  const problem = unknown
    ? `unknown command "${words.slice(0, prefix.length + 1).join(' ')}"`
    : `missing command after "${prefix.join(' ')}"`;
  io.err(`sfe: ${problem}\n\n${text}`);
  return USAGE;
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Runs one `sfe` invocation and returns its exit code. */
export async function runCli(
  argv: readonly string[],
  io: CommandIo,
  commands: readonly Command[],
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(overviewHelp(commands));
    return USAGE;
  }
  if (first === '--help' || first === '-h') return helpFor(commands, [], io, false);
  if (first === '--version' || first === '-V') {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  if (first === 'help') return helpFor(commands, rest, io, false);
  if (first.startsWith('-')) {
    io.err(`sfe: unknown option "${first}"\n\n${overviewHelp(commands)}`);
    return USAGE;
  }

  const command = findCommand(commands, argv);
  if (!command) {
    const words = argv.filter((a) => !a.startsWith('-'));
    return helpFor(commands, words, io, !wantsHelp(argv));
  }
  const args = argv.slice(command.path.length);
  if (wantsHelp(args)) {
    io.out(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(parseCommandArgs(command, args), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sfe ${command.path.join(' ')}: ${error.message}\n${usageLine(command)}\n`);
      return USAGE;
    }
    throw error;
  }
}

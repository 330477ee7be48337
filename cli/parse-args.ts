import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Command, type ParsedArgs } from './command.js';

type NodeOptions = NonNullable<ParseArgsConfig['options']>;

function nodeOptions(command: Command): NodeOptions {
  const options: NodeOptions = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  return options;
}

/** Splits a command's arguments into its declared positionals and options. */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: nodeOptions(command),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's messages go on to explain `--`; the first sentence is the useful part.
    throw new UsageError((error as Error).message.split('. ')[0]!);
  }
  const rest = [...parsed.positionals];
  const positionals: Record<string, string[]> = {};
  for (const spec of command.positionals) {
    const taken = spec.variadic ? rest.splice(0) : rest.splice(0, 1);
    if (taken.length === 0 && !spec.optional) throw new UsageError(`missing argument ${spec.name}`);
    positionals[spec.name] = taken;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  return { positionals, options: parsed.values as ParsedArgs['options'] };
}

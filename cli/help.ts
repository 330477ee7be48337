import type { Command } from './command.js';

function positionalWords(command: Command): string {
  return command.positionals
    .map((p) => {
      const word = `${p.name}${p.variadic ? '...' : ''}`;
      return p.optional ? `[${word}]` : word;
    })
    .join(' ');
}

function optionWords(command: Command): string {
  return Object.entries(command.options)
    .map(
      ([name, spec]) =>
        `[--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}]`,
    )
    .join(' ');
}

/** `config show FILE [--json]` */
export function synopsis(command: Command): string {
  return [command.path.join(' '), positionalWords(command), optionWords(command)]
    .filter((part) => part !== '')
    .join(' ');
}

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}   ${right}`).join('\n');
}

export function usageLine(command: Command): string {
  return `Usage: sfe ${synopsis(command)}`;
}

/** `sfe help config show` */
export function commandHelp(command: Command): string {
  const parts = [usageLine(command), command.summary];
  if (command.description) parts.push(command.description);
  const options = Object.entries(command.options);
  if (options.length > 0) {
    parts.push(
      `Options:\n${table(
        options.map(([name, spec]) => [
          `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`,
          spec.description,
        ]),
      )}`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}

/** Help for every command under `prefix` (all of them when it is empty). */
export function overviewHelp(commands: readonly Command[], prefix: readonly string[] = []): string {
  const heading =
    prefix.length === 0
      ? 'sfe: run the SFE defense against natural adversarial examples as durable experiments.\n\nUsage: sfe <command> [arguments] [options]'
      : `Usage: sfe ${prefix.join(' ')} <command> [arguments] [options]`;
  // Options are listed by `sfe help <command>`; here they would push the summaries off screen.
  const rows: [string, string][] = commands.map((c) => [
    [c.path.join(' '), positionalWords(c)].filter((part) => part !== '').join(' '),
    c.summary,
  ]);
  if (prefix.length === 0) rows.push(['help [COMMAND...]', 'Show help for a command']);
  const sections = [heading, `Commands:\n${table(rows)}`];
  if (prefix.length === 0) {
    sections.push(
      `Options:\n${table([
        ['-h, --help', 'Show this help'],
        ['-V, --version', 'Print the version'],
      ])}`,
    );
  }
  sections.push(`Run 'sfe help <command>' for a command's details.`);
  return `${sections.join('\n\n')}\n`;
}

/** Where a command writes; the real process streams in `main.ts`, buffers in tests. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  /** Shown in help as `--name VALUE` for string options. */
  valueName?: string;
  description: string;
}

export interface PositionalSpec {
  /** Upper case in help: `FILE`, `ID`. */
  name: string;
  optional?: boolean;
  /** Takes every remaining argument (only the last positional). */
  variadic?: boolean;
}

export interface ParsedArgs {
  /** Positionals by name; a variadic one holds every remaining argument. */
  positionals: Record<string, string[]>;
  options: Record<string, string | boolean | undefined>;
}

export interface Command {
  /** The words that invoke it after `sfe`: `['config', 'validate']`. */
  path: readonly string[];
  summary: string;
  /** Paragraphs shown by `sfe help <command>` below the usage line. */
  description?: string;
  positionals: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  /**
   * Returns the exit code: 0 success, 1 failure. Modules that need heavy dependencies (Temporal,
   * tfjs) import them inside `run`, so `sfe --help` and `sfe config …` stay fast.
   */
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
}

/** Bad invocation: the router prints it with the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

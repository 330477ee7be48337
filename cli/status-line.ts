/** Where the status line is drawn: stderr, or a test's buffer. */
export interface Terminal {
  write(text: string): void;
  /** True on an interactive terminal: the line is redrawn in place. */
  tty: boolean;
  columns(): number | undefined;
}

const CLEAR = '\r\x1b[2K';

/**
 * One line redrawn in place at the bottom of a terminal, with complete lines (stage ends, worker
 * logs) printed above it. Every write goes through here, so a log line never lands in the middle
 * of the bar; off a terminal it only prints the complete lines.
 */
export class StatusLine {
  private shown = '';

  constructor(private readonly terminal: Terminal) {}

  /** Whether the line is redrawn in place (else only whole lines are printed). */
  get interactive(): boolean {
    return this.terminal.tty;
  }

  /** Replaces the status line (on a terminal; elsewhere nothing is drawn). */
  show(line: string): void {
    if (!this.terminal.tty) return;
    this.shown = line.slice(0, Math.max(1, (this.terminal.columns() ?? 120) - 1));
    this.terminal.write(`${CLEAR}${this.shown}`);
  }

  /** Prints `text` as whole lines above the status line, then draws the status line again. */
  print(text: string): void {
    const lines = text.endsWith('\n') ? text : `${text}\n`;
    if (this.terminal.tty && this.shown) this.terminal.write(`${CLEAR}${lines}${this.shown}`);
    else this.terminal.write(lines);
  }

  /** Removes the status line, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (this.terminal.tty && this.shown) this.terminal.write(CLEAR);
    this.shown = '';
  }
}

/** The status line on this process's stderr. */
export function stderrStatusLine(io: { err(text: string): void }): StatusLine {
  return new StatusLine({
    write: (text) => io.err(text),
    tty: process.stderr.isTTY === true,
    columns: () => process.stderr.columns,
  });
}

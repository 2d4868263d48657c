/** Bad input: reported as FILE:LINE:COLUMN: message, exit code 2 (docs/cli.md). */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
  }
}

/** Command-line misuse (unknown command, missing option): also exit code 2. */
export class UsageError extends Error {}

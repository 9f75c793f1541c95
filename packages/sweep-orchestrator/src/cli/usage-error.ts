/** A command line that cannot be run as given (exit 2). */
export class UsageError extends Error {
  readonly code = 'USAGE' as const;
  readonly data: { command: string | null; problems: string[] };

  constructor(command: string | null, problems: string[], options?: { cause?: unknown }) {
    super(
      `${command === null ? 'canon' : `canon ${command}`}: ${problems.join('; ')} ` +
        `(see \`canon ${command === null ? '' : `${command} `}--help\`)`,
      options,
    );
    this.name = 'UsageError';
    this.data = { command, problems };
  }
}

import type { CommandIo } from './context.js';

type FlagBase = { description: string; short?: string };
/** A flag with a value: `--out F`. `placeholder` names the value in help (`F`). */
export type StringFlag = FlagBase & { type: 'string'; placeholder: string; multiple?: false };
/** A flag given any number of times: `--recipe R --recipe S`. */
export type ListFlag = FlagBase & { type: 'string'; placeholder: string; multiple: true };
export type BooleanFlag = FlagBase & { type: 'boolean' };
export type FlagSpec = StringFlag | ListFlag | BooleanFlag;
export type Flags = Record<string, FlagSpec>;

/** What `run` receives for each flag: a boolean, a list, or a string that may be absent. */
export type FlagValues<F extends Flags> = {
  [K in keyof F]: F[K] extends BooleanFlag ? boolean : F[K] extends ListFlag ? string[] : string | undefined;
};

export type Positional = { name: string; description: string; optional?: boolean };

/** Everything a command gets: its typed flags and positionals and the outside world. */
export type CommandContext<F extends Flags> = CommandIo & { flags: FlagValues<F>; positionals: string[] };

/**
 * One command, like citty's `defineCommand`: its flags (each described), positionals,
 * usage, examples and the typed `run`. The summary and the headline example live in the
 * command table, so `canon --help` lists commands without loading them.
 */
export type CommandDefinition<F extends Flags = Flags> = {
  usage: string;
  flags: F;
  positionals: readonly Positional[];
  /** Further examples after the table's headline one. */
  examples: readonly string[];
  /** Printed under the flags in `--help`: what the exit codes mean for this command, and the like. */
  notes?: readonly string[];
  run(ctx: CommandContext<F>): Promise<number>;
};

export function defineCommand<F extends Flags>(definition: CommandDefinition<F>): CommandDefinition<F> {
  return definition;
}

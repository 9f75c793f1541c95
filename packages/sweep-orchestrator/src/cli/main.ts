import { parseArgs, type ParseArgsConfig } from 'node:util';
import { COMMANDS, findCommand, type CommandEntry } from './command-table.js';
import type { CommandDefinition, Flags, FlagValues } from './define-command.js';
import { describeError, exitCodeForError } from './error-exit.js';
import { EXIT } from './exit-codes.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import { nearest } from './suggest.js';
import { usageError } from './usage-error.js';
import { canonVersion } from './version.js';

export type CliIo = {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
};

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function colorAllowed(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTTY && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

/** Runs one command line and returns the process exit code; the one top-level catch lives here. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.stderr(`${describeError(error)}\n`);
    return exitCodeForError(error);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    io.stdout(`${canonVersion}\n`);
    return EXIT.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' && rest[0] !== undefined ? commandNamed(rest[0]) : undefined;
    io.stdout(topic === undefined ? renderMainHelp(canonVersion) : renderCommandHelp(topic, await topic.load()));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = commandNamed(first);
  const def = await entry.load();
  const parsed = parseCommandLine(entry.name, def, rest);
  if (parsed === 'help') {
    io.stdout(renderCommandHelp(entry, def));
    return EXIT.ok;
  }
  return def.run({ ...parsed, env: io.env, cwd: io.cwd, stdout: io.stdout, stderr: io.stderr, isTTY: io.isTTY, color: colorAllowed(io.isTTY, io.env) });
}

function commandNamed(name: string): CommandEntry {
  const entry = findCommand(name);
  if (entry !== undefined) return entry;
  const names = COMMANDS.map((c) => c.name);
  const near = nearest(name, names);
  throw usageError(null, [`unknown command ${JSON.stringify(name)}${near === null ? '' : `; did you mean ${near}?`} commands: ${names.join(', ')}`]);
}

function parseCommandLine<F extends Flags>(command: string, def: CommandDefinition<F>, args: string[]): { flags: FlagValues<F>; positionals: string[] } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...parseArgsOptions(def.flags), help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(command, [explainParseError(error, Object.keys(def.flags))], { cause: error });
  }
  if (parsed.values.help === true) return 'help';
  const min = def.positionals.filter((p) => p.optional !== true).length;
  const max = def.positionals.length;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw usageError(command, [
      `expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}: usage: ${def.usage}`,
    ]);
  }
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, spec] of Object.entries(def.flags)) {
    const value = (parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>)[name];
    if (spec.type === 'boolean') flags[name] = value === true;
    else if (spec.multiple === true) flags[name] = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    else flags[name] = typeof value === 'string' ? value : undefined;
  }
  return { flags: flags as FlagValues<F>, positionals: parsed.positionals };
}

function parseArgsOptions(flags: Flags): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(flags).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.type === 'string' && spec.multiple === true ? { multiple: true } : {}), ...(spec.short === undefined ? {} : { short: spec.short }) },
    ]),
  );
}

/** parseArgs's own words for an unknown flag are long; say which flag was meant instead. */
function explainParseError(error: unknown, flagNames: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
  if (unknown === null) return message;
  const typed = unknown[2] ?? '';
  const near = nearest(typed, flagNames);
  const known = flagNames.map((n) => `--${n}`).join(', ');
  return `Unknown option '${unknown[1] ?? ''}${typed}'${near === null ? '' : `; did you mean --${near}?`} options: ${known}, --help`;
}

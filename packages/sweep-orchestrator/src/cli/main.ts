import { parseArgs } from 'node:util';
import { findCommand } from './command-table.js';
import type { CommandContext } from './context.js';
import { describeError, exitCodeForError } from './error-exit.js';
import { EXIT } from './exit-codes.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
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
    const topic = first === 'help' ? rest[0] : undefined;
    const cmd = topic === undefined ? undefined : findCommand(topic);
    io.stdout(cmd === undefined ? renderMainHelp(canonVersion) : renderCommandHelp(cmd));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const cmd = findCommand(first);
  if (cmd === undefined) {
    throw usageError(null, [`unknown command ${JSON.stringify(first)}; commands: sweep, plan, sync, status, report, promote, gate, upgrade-base, units, doctor`]);
  }
  let parsed: { values: CommandContext['values']; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(cmd.name, [(error as Error).message], { cause: error });
  }
  if (parsed.values.help === true) {
    io.stdout(renderCommandHelp(cmd));
    return EXIT.ok;
  }
  const [min, max] = cmd.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw usageError(cmd.name, [
      `expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}: usage: ${cmd.usage}`,
    ]);
  }
  const mod = await cmd.load();
  return mod.run({
    values: parsed.values,
    positionals: parsed.positionals,
    env: io.env,
    cwd: io.cwd,
    stdout: io.stdout,
    stderr: io.stderr,
    isTTY: io.isTTY,
    color: colorAllowed(io.isTTY, io.env),
  });
}

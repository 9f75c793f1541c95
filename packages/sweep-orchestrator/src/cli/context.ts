/** What every command gets: parsed arguments and the process's outside world, injectable for tests. */
export type CommandContext = {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdout is a terminal: live progress view allowed. */
  isTTY: boolean;
  /** Colour allowed: a TTY and no NO_COLOR. */
  color: boolean;
};

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolOption(ctx: CommandContext, name: string): boolean {
  return ctx.values[name] === true;
}

export function listOption(ctx: CommandContext, name: string): string[] {
  const v = ctx.values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** The flags every config-reading command passes to loadConfig. */
export function configOptions(ctx: CommandContext): { flag?: string; env: NodeJS.ProcessEnv; cwd: string } {
  const flag = stringOption(ctx, 'config');
  return flag === undefined ? { env: ctx.env, cwd: ctx.cwd } : { flag, env: ctx.env, cwd: ctx.cwd };
}

/** The process's outside world as every command sees it, injectable for tests. */
export type CommandIo = {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdout is a terminal: live progress view allowed. */
  isTTY: boolean;
  /** Colour allowed: a TTY and no NO_COLOR. */
  color: boolean;
};

/** The flags every config-reading command passes to loadConfig. */
export function configOptions(ctx: CommandIo & { flags: { config: string | undefined } }): { flag?: string; env: NodeJS.ProcessEnv; cwd: string } {
  const flag = ctx.flags.config;
  return flag === undefined ? { env: ctx.env, cwd: ctx.cwd } : { flag, env: ctx.env, cwd: ctx.cwd };
}

import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { verifyUnits, writeUnits } from '@canon/timer-units';
import { loadConfig, programsOf, type ResolvedConfig } from '../../config/index.js';
import { configOptions, stringOption, type CommandContext } from '../context.js';
import { UsageError } from '../usage-error.js';

export async function run(ctx: CommandContext): Promise<number> {
  const [sub, dir] = ctx.positionals;
  if (sub === 'render') {
    const out = stringOption(ctx, 'out');
    if (out === undefined || dir !== undefined) throw new UsageError('units', ['usage: canon units render --out DIR']);
    return render(ctx, resolve(ctx.cwd, out));
  }
  if (sub === 'verify') {
    if (dir === undefined) throw new UsageError('units', ['usage: canon units verify DIR']);
    return verify(ctx, resolve(ctx.cwd, dir));
  }
  throw new UsageError('units', [`expected \`render\` or \`verify\`, got ${JSON.stringify(sub ?? '')}`]);
}

/** The executable the service must run: this very `canon`, symlinks resolved. */
function canonExecutable(): string {
  const script = process.argv[1];
  return script === undefined ? process.execPath : realpathSync(script);
}

function limitsOf(config: ResolvedConfig): { recipes: { testSeconds: number; promoteSeconds: number }[]; killGraceSeconds: number } {
  return {
    recipes: config.recipes.filter((r) => r.enrolled).map((r) => ({ testSeconds: r.test.timeoutSeconds, promoteSeconds: r.promote?.timeoutSeconds ?? 0 })),
    killGraceSeconds: config.killGraceSeconds,
  };
}

async function render(ctx: CommandContext, out: string): Promise<number> {
  const config = await loadConfig(configOptions(ctx));
  const units = await writeUnits(out, {
    schedule: config.schedule,
    programs: programsOf(config),
    execPath: canonExecutable(),
    configPath: config.path,
    workingDirectory: dirname(config.path),
    limits: limitsOf(config),
  });
  ctx.stdout(`wrote ${units.servicePath} and ${units.timerPath}\n`);
  return 0;
}

async function verify(ctx: CommandContext, dir: string): Promise<number> {
  const config = await loadConfig(configOptions(ctx));
  const result = await verifyUnits(dir, {
    programs: programsOf(config),
    enrolledCount: config.recipes.filter((r) => r.enrolled).length,
    configPath: config.path,
  });
  if (result.ok) {
    ctx.stdout(`${dir}: units OK\n`);
    return 0;
  }
  ctx.stderr(`${dir}: ${result.problems.length} problem(s):\n${result.problems.map((p) => `  [${p.code}] ${p.message}`).join('\n')}\n`);
  return 1;
}

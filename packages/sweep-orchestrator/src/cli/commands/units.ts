import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { verifyUnits, writeUnits } from '@canon/timer-units';
import { loadConfig, programsOf, type ResolvedConfig } from '../../index.js';
import { configOptions, type CommandIo } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag } from '../flags.js';
import { usageError } from '../usage-error.js';
import { unitsExpected } from '../units-expected.js';

type UnitsContext = CommandIo & { flags: { config: string | undefined } };

export const command = defineCommand({
  usage: 'canon units render --out DIR [--config F]  |  canon units verify DIR [--config F]',
  flags: {
    out: { type: 'string', placeholder: 'DIR', description: 'render: the directory to write the units into (canon-sweep.service and .timer, the metrics timer, and the worker and listen services when configured)' },
    ...configFlag,
  },
  positionals: [
    { name: 'render|verify', description: 'render the units from the config, or verify installed ones against it' },
    { name: 'DIR', description: 'verify: the directory holding the installed units', optional: true },
  ],
  examples: ['canon units verify /etc/systemd/system'],
  notes: ['Exit (verify): 0 the units will run · 1 a problem was found (each is listed with its code).'],
  async run(ctx) {
    const [sub, dir] = ctx.positionals;
    if (sub === 'render') {
      const out = ctx.flags.out;
      if (out === undefined || dir !== undefined) throw usageError('units', ['usage: canon units render --out DIR']);
      return render(ctx, resolve(ctx.cwd, out));
    }
    if (sub === 'verify') {
      if (dir === undefined) throw usageError('units', ['usage: canon units verify DIR']);
      return verify(ctx, resolve(ctx.cwd, dir));
    }
    throw usageError('units', [`expected \`render\` or \`verify\`, got ${JSON.stringify(sub ?? '')}`]);
  },
});

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

async function render(ctx: UnitsContext, out: string): Promise<number> {
  const config = await loadConfig(configOptions(ctx));
  const units = await writeUnits(out, {
    schedule: config.schedule,
    programs: programsOf(config),
    execPath: canonExecutable(),
    configPath: config.path,
    workingDirectory: dirname(config.path),
    limits: limitsOf(config),
    // Always: a sweep timer that stopped firing must show in the metrics within minutes.
    metrics: { out: join(config.stateDir, 'metrics', 'canon.prom') },
    // This host's own worker and listener, when its config runs them (--slots and --pool stay the flags' defaults).
    ...(config.execution.mode === 'queue' ? { worker: {} } : {}),
    ...(config.webhook === null ? {} : { listen: {} }),
  });
  ctx.stdout(`wrote ${units.paths.join(', ')}\n`);
  return 0;
}

async function verify(ctx: UnitsContext, dir: string): Promise<number> {
  const config = await loadConfig(configOptions(ctx));
  const result = await verifyUnits(dir, unitsExpected(config));
  if (result.ok) {
    ctx.stdout(`${dir}: units OK\n`);
    return 0;
  }
  ctx.stderr(`${dir}: ${result.problems.length} problem(s):\n${result.problems.map((p) => `  [${p.code}] ${p.message}`).join('\n')}\n`);
  return 1;
}

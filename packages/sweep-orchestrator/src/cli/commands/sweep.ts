import { loadConfig } from '../../config/index.js';
import { watchSignals } from '../../sweep/interrupt.js';
import { runSweep } from '../../sweep/run-sweep.js';
import { boolOption, configOptions, listOption, type CommandContext } from '../context.js';
import { createReporter } from '../progress/reporter.js';
import { canonVersion } from '../version.js';
import { printPlan } from './plan.js';

export async function run(ctx: CommandContext): Promise<number> {
  const config = await loadConfig(configOptions(ctx));
  const recipes = listOption(ctx, 'recipe');
  if (boolOption(ctx, 'dry-run')) return printPlan(ctx, config, recipes, boolOption(ctx, 'force'));
  const interrupt = watchSignals();
  const reporter = await createReporter({ write: ctx.stdout, isTTY: ctx.isTTY, color: ctx.color, json: boolOption(ctx, 'json') });
  try {
    const { exitCode } = await runSweep({
      config, recipes, force: boolOption(ctx, 'force'), canonVersion, interrupt, onEvent: (e) => reporter.event(e),
    });
    return exitCode;
  } finally {
    reporter.close();
    interrupt.dispose();
  }
}

import { loadConfig } from '../../config/index.js';
import { watchSignals } from '../../sweep/interrupt.js';
import { runSweep } from '../../sweep/run-sweep.js';
import { boolOption, configOptions, listOption, stringOption, type CommandContext } from '../context.js';
import { createReporter } from '../progress/reporter.js';
import { UsageError } from '../usage-error.js';
import { canonVersion } from '../version.js';
import { printPlan } from './plan.js';

export async function run(ctx: CommandContext): Promise<number> {
  const waitSeconds = parseWait(stringOption(ctx, 'wait'));
  const config = await loadConfig(configOptions(ctx));
  const recipes = listOption(ctx, 'recipe');
  if (boolOption(ctx, 'dry-run')) return printPlan(ctx, config, recipes, boolOption(ctx, 'force'));
  const interrupt = watchSignals();
  const reporter = await createReporter({
    write: ctx.stdout, isTTY: ctx.isTTY, color: ctx.color, json: boolOption(ctx, 'json'), journal: ctx.env.JOURNAL_STREAM !== undefined,
  });
  try {
    const { exitCode } = await runSweep({
      config, recipes, force: boolOption(ctx, 'force'), canonVersion, interrupt, waitSeconds, onEvent: (e) => reporter.event(e),
    });
    return exitCode;
  } finally {
    reporter.close();
    interrupt.dispose();
  }
}

function parseWait(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError('sweep', [`--wait takes a number of seconds (0 or more), got ${JSON.stringify(text)}`]);
  }
  return n;
}

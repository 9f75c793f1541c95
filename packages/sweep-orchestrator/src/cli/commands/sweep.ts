import { loadConfig, runSweep, watchSignals } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, recipesFlag } from '../flags.js';
import { createReporter } from '../progress/reporter.js';
import { canonVersion } from '../version.js';
import { printPlan } from './plan.js';

export const command = defineCommand({
  usage: 'canon sweep [--recipe R]... [--force] [--dry-run] [--json] [--config F]',
  flags: {
    ...recipesFlag,
    force: {
      type: 'boolean',
      description:
        'test the newest release even if it is already the canonical (decision `forced`); needs --recipe; never overrides a safety rule and never promotes a version older than the canonical',
    },
    'dry-run': { type: 'boolean', description: 'print what would run and why, like `canon plan`; nothing is pushed, tested or written' },
    json: { type: 'boolean', description: 'print progress as NDJSON events instead of lines' },
    ...configFlag,
  },
  positionals: [],
  examples: ['canon sweep --recipe gitea --force', 'canon sweep --json > sweep.ndjson'],
  notes: ['Exit: 0 every recipe PROMOTED or SKIPPED · 1 any other outcome · 3 no enrolled recipe · 75 another sweep runs.'],
  async run(ctx) {
    const config = await loadConfig(configOptions(ctx));
    const { recipe: recipes, force, json } = ctx.flags;
    if (ctx.flags['dry-run']) return printPlan(ctx, json, config, recipes, force);
    const interrupt = watchSignals();
    const reporter = await createReporter({ write: ctx.stdout, isTTY: ctx.isTTY, color: ctx.color, json });
    try {
      const { exitCode } = await runSweep({ config, recipes, force, canonVersion, interrupt, onEvent: (e) => reporter.event(e) });
      return exitCode;
    } finally {
      reporter.close();
      interrupt.dispose();
    }
  },
});

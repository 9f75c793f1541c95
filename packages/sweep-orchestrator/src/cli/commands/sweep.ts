import { loadConfig, runSweep, watchSignals } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, recipesFlag } from '../flags.js';
import { createReporter } from '../progress/reporter.js';
import { canonVersion } from '../version.js';
import { usageError } from '../usage-error.js';
import { printPlan } from './plan.js';

export const command = defineCommand({
  usage: 'canon sweep [--recipe R]... [--force] [--dry-run] [--wait S] [--json] [--config F]',
  flags: {
    ...recipesFlag,
    force: {
      type: 'boolean',
      description:
        'test the newest release even if it is already the canonical (decision `forced`); needs --recipe; never overrides a safety rule and never promotes a version older than the canonical',
    },
    'dry-run': { type: 'boolean', description: 'print what would run and why, like `canon plan`; nothing is pushed, tested or written' },
    wait: {
      type: 'string',
      placeholder: 'S',
      description: 'wait up to S seconds for another sweep to finish before exiting 75 (the weekly timer waits its whole start timeout)',
    },
    json: { type: 'boolean', description: 'print progress as NDJSON events instead of lines' },
    ...configFlag,
  },
  positionals: [],
  examples: ['canon sweep --recipe gitea --force', 'canon sweep --wait 3600', 'canon sweep --json > sweep.ndjson'],
  notes: ['Exit: 0 every recipe PROMOTED or SKIPPED · 1 any other outcome · 3 no enrolled recipe · 75 another sweep runs.'],
  async run(ctx) {
    const waitSeconds = parseWait(ctx.flags.wait);
    const config = await loadConfig(configOptions(ctx));
    const { recipe: recipes, force, json } = ctx.flags;
    if (ctx.flags['dry-run']) return printPlan(ctx, json, config, recipes, force);
    const interrupt = watchSignals();
    const reporter = await createReporter({ write: ctx.stdout, isTTY: ctx.isTTY, color: ctx.color, json, journal: ctx.env.JOURNAL_STREAM !== undefined });
    try {
      const { exitCode } = await runSweep({ config, recipes, force, canonVersion, interrupt, waitSeconds, onEvent: (e) => reporter.event(e) });
      return exitCode;
    } finally {
      reporter.close();
      interrupt.dispose();
    }
  },
});

function parseWait(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw usageError('sweep', [`--wait takes a number of seconds (0 or more), got ${JSON.stringify(text)}`]);
  }
  return n;
}

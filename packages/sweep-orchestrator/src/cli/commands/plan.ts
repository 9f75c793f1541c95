import { loadConfig, planSweep, type PlanEntry, type ResolvedConfig } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, jsonFlag, recipesFlag } from '../flags.js';

export const command = defineCommand({
  usage: 'canon plan [--recipe R]... [--json] [--config F]',
  flags: { ...recipesFlag, ...jsonFlag, ...configFlag },
  positionals: [],
  examples: ['canon plan --json', 'canon plan --recipe gitea'],
  notes: ['Exit: 0 every recipe could be decided · 1 a recipe could not (its line says why).'],
  async run(ctx) {
    const config = await loadConfig(configOptions(ctx));
    return printPlan(ctx, ctx.flags.json, config, ctx.flags.recipe, false);
  },
});

/** Shared by `canon plan` and `canon sweep --dry-run`: the same decision code, nothing written. */
export async function printPlan(
  out: { stdout: (text: string) => void },
  json: boolean,
  config: ResolvedConfig,
  recipes: string[],
  force: boolean,
): Promise<number> {
  const plan = await planSweep({ config, recipes, force });
  if (json) {
    out.stdout(`${JSON.stringify({ dryRun: true, exitCode: plan.exitCode, recipes: plan.entries.map(planJson) }, null, 2)}\n`);
  } else {
    out.stdout(`${plan.entries.map(planLine).join('\n')}\n`);
  }
  return plan.exitCode;
}

function planJson(e: PlanEntry): Record<string, unknown> {
  if (e.decision === null) return { recipe: e.recipe, action: null, error: e.error };
  const d = e.decision;
  return {
    recipe: e.recipe, action: d.action, reason: d.reason, latest: d.latest, canonical: d.canonical,
    detail: d.detail, warnings: d.warnings, ignored: d.ignored, error: null,
  };
}

function planLine(e: PlanEntry): string {
  if (e.decision === null) return `${e.recipe}: cannot decide — ${e.error ?? 'unknown error'}`;
  const d = e.decision;
  const lines = [`${e.recipe}: ${d.action === 'run' ? 'RUN ' : 'skip'} ${d.reason} — ${d.detail}`];
  for (const w of d.warnings) lines.push(`  warning: ${w}`);
  for (const i of d.ignored) lines.push(`  ignored tag ${JSON.stringify(i.name)}: ${i.reason}`);
  return lines.join('\n');
}

import { loadConfig, type ResolvedConfig } from '../../config/index.js';
import { planSweep, type PlanEntry } from '../../sweep/plan.js';
import { boolOption, configOptions, listOption, type CommandContext } from '../context.js';

export async function run(ctx: CommandContext): Promise<number> {
  const config = await loadConfig(configOptions(ctx));
  return printPlan(ctx, config, listOption(ctx, 'recipe'), false);
}

/** Shared by `canon plan` and `canon sweep --dry-run`: the same decision code, nothing written. */
export async function printPlan(ctx: CommandContext, config: ResolvedConfig, recipes: string[], force: boolean): Promise<number> {
  const plan = await planSweep({ config, recipes, force });
  if (boolOption(ctx, 'json')) {
    ctx.stdout(`${JSON.stringify({ dryRun: true, exitCode: plan.exitCode, recipes: plan.entries.map(planJson) }, null, 2)}\n`);
  } else {
    ctx.stdout(`${plan.entries.map(planLine).join('\n')}\n`);
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

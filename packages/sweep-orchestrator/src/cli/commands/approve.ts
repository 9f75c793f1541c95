import { loadConfig } from '../../config/index.js';
import { approveVersion } from '../../holds/approve-version.js';
import { boolOption, configOptions, stringOption, type CommandContext } from '../context.js';
import { recipeNamed } from '../mirror-tags.js';
import { UsageError } from '../usage-error.js';

/** `canon approve`: one approval line in approvals.jsonl (exit 0), or every reason it was refused (exit 1). */
export async function run(ctx: CommandContext): Promise<number> {
  const version = stringOption(ctx, 'version');
  const reason = stringOption(ctx, 'reason');
  const missing = [...(version === undefined ? ['--version V is required'] : []), ...(reason === undefined ? ['--reason T is required'] : [])];
  if (version === undefined || reason === undefined) throw new UsageError('approve', missing);
  const config = await loadConfig(configOptions(ctx));
  const recipe = recipeNamed(config, 'approve', stringOption(ctx, 'recipe'));
  const expires = stringOption(ctx, 'expires');
  const out = await approveVersion({ config, recipe, version, reason, ...(expires === undefined ? {} : { expires }) });
  const json = boolOption(ctx, 'json');
  if (!out.approved) {
    if (json) ctx.stdout(`${JSON.stringify({ approved: false, reasons: out.reasons })}\n`);
    else ctx.stderr(`canon approve: refused ${recipe.name} ${version}:\n${out.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    return 1;
  }
  if (json) ctx.stdout(`${JSON.stringify({ approved: true, approval: out.record })}\n`);
  else ctx.stdout(`${recipe.name}: approved ${out.record.version} (by ${out.record.who}${out.record.expires === undefined ? '' : `, until ${out.record.expires}`}); the next sweep runs it\n`);
  return 0;
}

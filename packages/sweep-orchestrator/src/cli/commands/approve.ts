import { approveVersion, loadConfig } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand, type CommandContext } from '../define-command.js';
import { configFlag, jsonFlag, recipeFlag } from '../flags.js';
import { recipeNamed } from '../mirror-tags.js';
import { usageError } from '../usage-error.js';

const flags = {
  ...recipeFlag,
  version: { type: 'string', placeholder: 'V', description: 'the held release to let through, exactly (e.g. 11.0.0+26.0.0); required' },
  reason: { type: 'string', placeholder: 'T', description: 'why the major is safe to take, recorded with who approved it; required' },
  expires: { type: 'string', placeholder: 'D', description: 'ISO date or timestamp after which the approval no longer counts (a date lasts its whole UTC day)' },
  ...jsonFlag,
  ...configFlag,
} as const;

export const command = defineCommand({
  usage: 'canon approve --recipe R --version V --reason T [--expires D] [--json] [--config F]',
  flags,
  positionals: [],
  examples: ['canon approve --recipe keycloak --version 11.0.0+26.0.0 --reason "realm export taken, migration notes read" --expires 2026-12-31'],
  notes: [
    'Appends one line to approvals.jsonl (who = the user running canon); the next sweep runs exactly V.',
    'Refused with every reason (exit 1, nothing written) when V is not a release version or the expiry is past.',
  ],
  run,
});

/** `canon approve`: one approval line in approvals.jsonl (exit 0), or every reason it was refused (exit 1). */
async function run(ctx: CommandContext<typeof flags>): Promise<number> {
  const { version, reason, expires } = ctx.flags;
  const missing = [...(version === undefined ? ['--version V is required'] : []), ...(reason === undefined ? ['--reason T is required'] : [])];
  if (version === undefined || reason === undefined) throw usageError('approve', missing);
  const config = await loadConfig(configOptions(ctx));
  const recipe = recipeNamed(config, 'approve', ctx.flags.recipe);
  const out = await approveVersion({ config, recipe, version, reason, ...(expires === undefined ? {} : { expires }) });
  if (!out.approved) {
    if (ctx.flags.json) ctx.stdout(`${JSON.stringify({ approved: false, reasons: out.reasons })}\n`);
    else ctx.stderr(`canon approve: refused ${recipe.name} ${version}:\n${out.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    return 1;
  }
  const r = out.record;
  if (ctx.flags.json) ctx.stdout(`${JSON.stringify({ approved: true, approval: r })}\n`);
  else ctx.stdout(`${recipe.name}: approved ${r.version} (by ${r.who}${r.expires === undefined ? '' : `, until ${r.expires}`}); the next sweep runs it\n`);
  return 0;
}

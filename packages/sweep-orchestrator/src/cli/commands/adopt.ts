import { adoptVersion, loadConfig, watchSignals } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand, type CommandContext } from '../define-command.js';
import { exitCodeForSignal } from '../exit-codes.js';
import { configFlag, jsonFlag, recipeFlag } from '../flags.js';
import { canonPromotedRecipe } from '../canon-promoted-recipe.js';
import { usageError } from '../usage-error.js';

const flags = {
  ...recipeFlag,
  version: { type: 'string', placeholder: 'V', description: 'the version running on the warm domain: a release tag on the mirror that verify must print; required' },
  reason: { type: 'string', placeholder: 'T', description: 'why this deployment is taken as the canonical, recorded in history and approvals.jsonl; required' },
  ...jsonFlag,
  ...configFlag,
} as const;

export const command = defineCommand({
  usage: 'canon adopt --recipe R --version V --reason T [--json] [--config F]',
  flags,
  positionals: [],
  examples: ['canon adopt --recipe keycloak --version 10.2.0+25.0.6 --reason "running since the old reconciler"'],
  notes: [
    'For a live or protected domain with no canonical yet: runs only verify and the health poll (with',
    'health.also) under the app lock, deploys and tears down nothing. Refused with every reason (exit 1)',
    'when V is not a release tag on the mirror, verify prints another version, health fails or a canonical exists.',
    'A recipe with promote.by "test" (its test command promotes it) is refused with exit 2.',
  ],
  run,
});

/** `canon adopt`: records what runs on the warm domain as the canonical (exit 0), or every reason it was refused (exit 1). */
async function run(ctx: CommandContext<typeof flags>): Promise<number> {
  const { version, reason } = ctx.flags;
  const missing = [...(version === undefined ? ['--version V is required'] : []), ...(reason === undefined ? ['--reason T is required'] : [])];
  if (version === undefined || reason === undefined) throw usageError('adopt', missing);
  const config = await loadConfig(configOptions(ctx));
  const recipe = canonPromotedRecipe(config, 'adopt', ctx.flags.recipe);
  const interrupt = watchSignals();
  try {
    const out = await adoptVersion({ config, recipe, version, reason, signal: interrupt.signal });
    const sig = interrupt.received();
    if (!out.adopted) {
      if (ctx.flags.json) ctx.stdout(`${JSON.stringify({ adopted: false, reasons: out.reasons })}\n`);
      else ctx.stderr(`canon adopt: refused ${recipe.name} ${version}:\n${out.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
      return sig === null ? 1 : exitCodeForSignal(sig);
    }
    if (ctx.flags.json) ctx.stdout(`${JSON.stringify(out)}\n`);
    else ctx.stdout(`${recipe.name}: adopted ${out.version} (${out.commit}) as the canonical; nothing was deployed\n`);
    for (const w of out.warnings) ctx.stderr(`warning: ${w}\n`);
    return 0;
  } finally {
    interrupt.dispose();
  }
}

import { loadConfig } from '../../config/index.js';
import { promoteVersion } from '../../promote/promote-version.js';
import { watchSignals } from '../../sweep/interrupt.js';
import { boolOption, configOptions, stringOption, type CommandContext } from '../context.js';
import { canonPromotedRecipe } from '../canon-promoted-recipe.js';
import { UsageError } from '../usage-error.js';

/** `canon promote`: promoteVersion, printed; a refusal lists every reason (exit 1). */
export async function run(ctx: CommandContext): Promise<number> {
  const version = stringOption(ctx, 'version');
  if (version === undefined) throw new UsageError('promote', ['--version V is required']);
  const config = await loadConfig(configOptions(ctx));
  const recipe = canonPromotedRecipe(config, 'promote', stringOption(ctx, 'recipe'));
  const json = boolOption(ctx, 'json');
  const interrupt = watchSignals();
  try {
    const out = await promoteVersion({
      config, recipe, version, quick: boolOption(ctx, 'quick'), ref: stringOption(ctx, 'ref') ?? null, signal: interrupt.signal,
      onPhase: (p) => { if (!json) ctx.stderr(`${recipe.name}: ${p}\n`); },
    });
    if (out.refused) {
      if (json) ctx.stdout(`${JSON.stringify({ promoted: false, promote: false, reasons: out.reasons })}\n`);
      else ctx.stderr(`canon promote: refused ${recipe.name} ${version}:\n${out.reasons.map((r) => `  - ${r.message}`).join('\n')}\n`);
      return 1;
    }
    const { outcome, detail } = out;
    if (json) ctx.stdout(`${JSON.stringify({ promoted: outcome === 'PROMOTED', outcome, detail, rollback: out.rollback, warnings: out.warnings })}\n`);
    else ctx.stdout(`${recipe.name}: ${outcome} — ${detail}\n`);
    const sig = interrupt.received();
    if (sig !== null) return sig === 'SIGINT' ? 130 : 143;
    return outcome === 'PROMOTED' ? 0 : 1;
  } finally {
    interrupt.dispose();
  }
}

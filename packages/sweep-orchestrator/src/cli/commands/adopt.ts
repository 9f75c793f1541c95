import { loadConfig } from '../../config/index.js';
import { adoptVersion } from '../../promote/adopt-version.js';
import { watchSignals } from '../../sweep/interrupt.js';
import { boolOption, configOptions, stringOption, type CommandContext } from '../context.js';
import { recipeNamed } from '../mirror-tags.js';
import { UsageError } from '../usage-error.js';

/** `canon adopt`: records what runs on the warm domain as the canonical (exit 0), or every reason it was refused (exit 1). */
export async function run(ctx: CommandContext): Promise<number> {
  const version = stringOption(ctx, 'version');
  const reason = stringOption(ctx, 'reason');
  const missing = [...(version === undefined ? ['--version V is required'] : []), ...(reason === undefined ? ['--reason T is required'] : [])];
  if (version === undefined || reason === undefined) throw new UsageError('adopt', missing);
  const config = await loadConfig(configOptions(ctx));
  const recipe = recipeNamed(config, 'adopt', stringOption(ctx, 'recipe'));
  const json = boolOption(ctx, 'json');
  const interrupt = watchSignals();
  try {
    const out = await adoptVersion({ config, recipe, version, reason, signal: interrupt.signal });
    if (!out.adopted) {
      if (json) ctx.stdout(`${JSON.stringify({ adopted: false, reasons: out.reasons })}\n`);
      else ctx.stderr(`canon adopt: refused ${recipe.name} ${version}:\n${out.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
      const sig = interrupt.received();
      return sig === null ? 1 : sig === 'SIGINT' ? 130 : 143;
    }
    if (json) ctx.stdout(`${JSON.stringify(out)}\n`);
    else ctx.stdout(`${recipe.name}: adopted ${out.version} (${out.commit}) as the canonical; nothing was deployed\n`);
    for (const w of out.warnings) ctx.stderr(`warning: ${w}\n`);
    return 0;
  } finally {
    interrupt.dispose();
  }
}

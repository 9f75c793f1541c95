import { loadConfig, promoteVersion, watchSignals } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand, type CommandContext } from '../define-command.js';
import { exitCodeForSignal } from '../exit-codes.js';
import { configFlag, gateRunFlags, jsonFlag, recipeFlag } from '../flags.js';
import { recipeNamed } from '../mirror-tags.js';
import { usageError } from '../usage-error.js';

const flags = {
  ...recipeFlag,
  version: { type: 'string', placeholder: 'V', description: 'the version the phase tested green: a release tag on the mirror (V or vV); required' },
  ...gateRunFlags,
  ...jsonFlag,
  ...configFlag,
} as const;

export const command = defineCommand({
  usage: 'canon promote --recipe R --version V [--quick] [--ref REF] [--json] [--config F]',
  flags,
  positionals: [],
  examples: ['canon promote --recipe gitea --version 3.6.1+1.24.3-rootless --json'],
  notes: [
    'Refused with every reason (exit 1, nothing deployed) unless V is a release tag on the mirror, the run was',
    'neither quick nor a ref run, the recipe is enrolled, V is not blocked and not older than the canonical.',
  ],
  run,
});

/** `canon promote`: promoteVersion, printed; a refusal lists every reason (exit 1). */
async function run(ctx: CommandContext<typeof flags>): Promise<number> {
  const version = ctx.flags.version;
  if (version === undefined) throw usageError('promote', ['--version V is required']);
  const config = await loadConfig(configOptions(ctx));
  const recipe = recipeNamed(config, 'promote', ctx.flags.recipe);
  const json = ctx.flags.json;
  const interrupt = watchSignals();
  try {
    const out = await promoteVersion({
      config, recipe, version, quick: ctx.flags.quick, ref: ctx.flags.ref ?? null, signal: interrupt.signal,
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
    if (sig !== null) return exitCodeForSignal(sig);
    return outcome === 'PROMOTED' ? 0 : 1;
  } finally {
    interrupt.dispose();
  }
}

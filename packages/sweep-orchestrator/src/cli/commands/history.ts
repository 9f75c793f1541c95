import type { HistoryEvent } from '@canon/warm-registry';
import { loadConfig } from '../../config/index.js';
import { openConfiguredRegistry } from '../../open-registry.js';
import { boolOption, configOptions, stringOption, type CommandContext } from '../context.js';
import { UsageError } from '../usage-error.js';

// eslint-disable-next-line no-control-regex
const plain = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

function line(e: HistoryEvent): string {
  const previous = e.previous ? ` (was ${e.previous.version})` : '';
  const cells = [e.ts, e.type, `${e.version ?? '-'}${previous}`, e.runId === null ? '' : `run ${e.runId}`, e.detail ?? ''];
  return plain(cells.filter(Boolean).join('  '));
}

/** `canon history --recipe R`: the recipe's history.jsonl, oldest first; local files only, no forge secret. */
export async function run(ctx: CommandContext): Promise<number> {
  const recipe = stringOption(ctx, 'recipe');
  if (recipe === undefined) throw new UsageError('history', ['--recipe R is required']);
  const config = await loadConfig(configOptions(ctx), { secrets: false });
  if (!config.recipes.some((r) => r.name === recipe)) {
    throw new UsageError('history', [`--recipe ${JSON.stringify(recipe)} is not in ${config.path} (known: ${config.recipes.map((r) => r.name).join(', ')})`]);
  }
  const registry = openConfiguredRegistry(config);
  const events = await registry.readHistory(recipe);
  const attempt = await registry.readAttempt(recipe);
  if (boolOption(ctx, 'json')) {
    ctx.stdout(`${JSON.stringify({ recipe, events, lastAttempt: attempt }, null, 2)}\n`);
    return 0;
  }
  const out = events.length === 0 ? [`no history recorded for ${recipe} yet`] : events.map(line);
  if (attempt !== null) out.push(plain(`last attempt: ${attempt.version} ${attempt.outcome} at ${attempt.ts} (run ${attempt.runId})${attempt.detail ? ` — ${attempt.detail}` : ''}`));
  ctx.stdout(`${out.join('\n')}\n`);
  return 0;
}

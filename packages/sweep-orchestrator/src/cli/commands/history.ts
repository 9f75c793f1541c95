import type { HistoryEvent } from '@canon/warm-registry';
import { loadConfig, openConfiguredRegistry } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, jsonFlag, recipeFlag } from '../flags.js';
import { recipeNamed } from '../mirror-tags.js';

// eslint-disable-next-line no-control-regex
const plain = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

function line(e: HistoryEvent): string {
  const previous = e.previous ? ` (was ${e.previous.version})` : '';
  const cells = [e.ts, e.type, `${e.version ?? '-'}${previous}`, e.runId === null ? '' : `run ${e.runId}`, e.detail ?? ''];
  return plain(cells.filter(Boolean).join('  '));
}

export const command = defineCommand({
  usage: 'canon history --recipe R [--json] [--config F]',
  flags: { ...recipeFlag, ...jsonFlag, ...configFlag },
  positionals: [],
  examples: ['canon history --recipe gitea --json'],
  notes: ["Reads the recipe's history.jsonl and attempt.json only: no forge secret, no network."],
  async run(ctx) {
    const config = await loadConfig(configOptions(ctx), { secrets: false });
    const recipe = recipeNamed(config, 'history', ctx.flags.recipe).name;
    const registry = openConfiguredRegistry(config);
    const events = await registry.readHistory(recipe);
    const attempt = await registry.readAttempt(recipe);
    if (ctx.flags.json) {
      ctx.stdout(`${JSON.stringify({ recipe, events, lastAttempt: attempt }, null, 2)}\n`);
      return 0;
    }
    const out = events.length === 0 ? [`no history recorded for ${recipe} yet`] : events.map(line);
    if (attempt !== null) {
      out.push(plain(`last attempt: ${attempt.version} ${attempt.outcome} at ${attempt.ts} (run ${attempt.runId})${attempt.detail ? ` — ${attempt.detail}` : ''}`));
    }
    ctx.stdout(`${out.join('\n')}\n`);
    return 0;
  },
});

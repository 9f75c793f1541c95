import { loadConfig, syncMirrors, type MirrorSyncEntry } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, jsonFlag, recipesFlag } from '../flags.js';

export const command = defineCommand({
  usage: 'canon sync [--recipe R]... [--json] [--config F]',
  flags: { ...recipesFlag, ...jsonFlag, ...configFlag },
  positionals: [],
  examples: ['canon sync --recipe custom-html', 'canon sync --json'],
  notes: ['Runs under the sweep lock. Exit: 0 every mirror synced · 1 any could not be synced · 75 a sweep runs.'],
  async run(ctx) {
    const config = await loadConfig(configOptions(ctx));
    const entries = await syncMirrors({ config, recipes: ctx.flags.recipe });
    if (ctx.flags.json) {
      ctx.stdout(`${JSON.stringify(entries.map(json), null, 2)}\n`);
    } else {
      for (const e of entries) ctx.stdout(`${line(e)}\n`);
    }
    return entries.every((e) => e.result.kind === 'synced') ? 0 : 1;
  },
});

function json(e: MirrorSyncEntry): Record<string, unknown> {
  const r = e.result;
  if (r.kind !== 'synced') return { recipe: e.recipe, status: 'failed', error: r.error.message, durationMs: r.durationMs };
  const { tags: _tags, ...rest } = r.sync;
  return { recipe: e.recipe, ...rest, durationMs: r.durationMs };
}

function line(e: MirrorSyncEntry): string {
  const r = e.result;
  if (r.kind !== 'synced') return `${e.recipe}: SYNC-FAILED — ${r.error.message}`;
  const s = r.sync;
  const parts: string[] = [s.status];
  if (s.pushedTags.length > 0) parts.push(`${s.pushedTags.length} tag(s) pushed`);
  if (s.movedTags.length > 0) parts.push(`moved: ${s.movedTags.join(', ')}`);
  if (s.deletedTags.length > 0) parts.push(`deleted: ${s.deletedTags.join(', ')}`);
  if (s.closedPulls.length > 0) parts.push(`closed PRs: ${s.closedPulls.map((n) => `#${n}`).join(', ')}`);
  return `${e.recipe}: ${parts.join('; ')}`;
}

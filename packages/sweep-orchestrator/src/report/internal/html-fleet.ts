// Dashboard parts that describe the fleet beyond one run: version ranks for sorting, the
// per-recipe cells (durations, disk, evidence and logs), per-recipe history and the
// header notes (disk budget, sweep in progress, next sweep).

import { compareRecipeVersions, versionOfTag } from '@canon/trigger';
import type { HistoryEvent } from '@canon/warm-registry';
import type { ReportContext } from '../context.js';
import { schedulePeriodSeconds } from '../schedule.js';
import { compareText, escapeHtml as h, formatBytes, formatDuration, parseTimestamp } from './format.js';
import { attemptText, diskState, diskWarning, inProgressText, knownFailures, pendingApproval } from './fleet-text.js';
import { logEntries } from './record-text.js';
import { lastTestText } from './last-test.js';
import { lastCompletedAt, type RecipeView } from './view.js';

/** Every version shown, in recipe-version order (semver of the recipe, then the app's): its rank. */
export function versionRanks(views: RecipeView[]): Map<string, number> {
  const versions = [...new Set(views.flatMap((v) => [v.canonicalVersion, v.latest]).filter((x): x is string => x !== null))];
  const order = (a: string, b: string): number => {
    try {
      return compareRecipeVersions(versionOfTag(a), versionOfTag(b)) || compareText(a, b);
    } catch {
      return compareText(a, b);
    }
  };
  return new Map(versions.sort(order).map((v, i) => [v, i]));
}

export const anchorOf = (recipe: string): string => `history-${recipe.replace(/[^A-Za-z0-9._-]/g, '_')}`;

function totalMs(view: RecipeView): number | null {
  const d = view.entry?.durationsMs;
  if (!d) return null;
  const parts = [d.sync, d.test, d.promote].filter((x): x is number => x !== null && x !== undefined);
  return parts.length === 0 ? null : parts.reduce((a, b) => a + b, 0);
}

/** The failed outcome's log and telling line, and a last test that did not pass, shown under the reason. */
export function evidenceBlock(view: RecipeView, now: Date): string {
  const e = view.evidence;
  const attempt = attemptText(view, now);
  const evidence = e === null ? '' : `<div class="evidence"><code>${h(e.log)}</code>${e.line === null ? '' : `<br><code>${h(e.line)}</code>`}</div>`;
  return `${evidence}${attempt === null ? '' : `<div class="attempt">${h(attempt)}</div>`}`;
}

/** The cells after Reason: duration, warm disk, links to the logs and the history. */
export function fleetCells(view: RecipeView): string {
  const total = totalMs(view);
  const d = view.entry?.durationsMs;
  const title = d ? `sync ${formatDuration(d.sync)} · test ${formatDuration(d.test)} · promote ${formatDuration(d.promote)}` : '';
  const bytes = view.entry?.warmVolumeBytes ?? null;
  const logs = view.entry && view.entryRunId ? logEntries(view.entry, view.entryRunId) : [];
  const links = logs.map(([step, path]) => `<a href="${h(path)}">${h(step)}</a>`).join(' ');
  return [
    `<td data-sort="${total ?? ''}" title="${h(title)}">${total === null ? '<span class="none">–</span>' : h(formatDuration(total))}</td>`,
    `<td data-sort="${bytes ?? ''}">${bytes === null ? '<span class="none">–</span>' : h(formatBytes(bytes))}</td>`,
    `<td class="logs">${links}${links ? ' · ' : ''}<a href="#${h(anchorOf(view.recipe))}">history</a></td>`,
  ].join('');
}

function eventLine(e: HistoryEvent): string {
  const version = e.version ? ` <code>${h(e.version)}</code>` : '';
  const run = e.runId ? ` <span class="none">run ${h(e.runId)}</span>` : '';
  return `<li><time datetime="${h(e.ts)}">${h(e.ts)}</time>${h(e.type)}${version}${run}</li>`;
}

/** Each recipe's history.jsonl, newest first (the newest 20 events). */
export function historySection(ctx: ReportContext, views: RecipeView[]): string {
  const parts = views.map((v) => {
    const events = [...(ctx.histories[v.recipe] ?? [])].sort((a, b) => (parseTimestamp(b.ts)?.getTime() ?? 0) - (parseTimestamp(a.ts)?.getTime() ?? 0)).slice(0, 20);
    const body = events.length === 0 ? '<p class="none">No history yet.</p>' : `<ol class="history">${events.map(eventLine).join('')}</ol>`;
    return `<details id="${h(anchorOf(v.recipe))}"><summary><strong>${h(v.recipe)}</strong> <span class="none">${events.length} event${events.length === 1 ? '' : 's'}</span></summary>${body}</details>`;
  });
  return `<section aria-labelledby="history-h">\n<h2 id="history-h">History per recipe</h2>\n${parts.join('\n')}\n</section>`;
}

/** Disk use, next sweep, the sweep in progress, the disk-budget warning, held majors and known failures. */
export function fleetNotes(ctx: ReportContext, views: RecipeView[]): string {
  const disk = diskState(ctx);
  const last = lastCompletedAt(ctx);
  const period = schedulePeriodSeconds(ctx.schedule.onCalendar);
  const lastAt = parseTimestamp(last);
  const next = lastAt !== null && period !== null ? new Date(lastAt.getTime() + period * 1000).toISOString() : null;
  const facts = [
    `Warm disk <strong>${h(formatBytes(disk.usedBytes))}</strong>${disk.budgetBytes === null ? '' : ` of ${h(formatBytes(disk.budgetBytes))} budget`}`,
    `last full sweep ${last ? `<code>${h(last)}</code>` : 'never'}`,
    `next sweep due by ${next ? `<code>${h(next)}</code>` : 'now'} (<code>${h(ctx.schedule.onCalendar)}</code>)`,
  ];
  const out = [`<p class="meta" id="fleet-facts">${facts.join(' · ')}</p>`];
  const progress = inProgressText(ctx);
  if (progress !== null) out.push(`<p class="progress" role="status">${h(progress)}</p>`);
  const warning = diskWarning(ctx);
  if (warning !== null) out.push(`<p class="alert" role="alert"><strong>Disk budget exceeded.</strong> ${h(warning)}</p>`);
  const held = pendingApproval(views);
  if (held.length > 0) out.push(`<p class="alert"><strong>Pending approval:</strong> ${held.map((v) => `${h(v.recipe)} <code>${h(v.latest ?? '?')}</code>`).join(', ')}</p>`);
  const known = knownFailures(views);
  if (known.length > 0) {
    const items = known.map((v) => `<li><strong>${h(v.recipe)}</strong> <code>${h(v.latest ?? '?')}</code> — ${h(v.lastTest === null ? v.reason : lastTestText(v.lastTest, ctx.now))}</li>`);
    out.push(`<div class="alert known-failures" role="note"><strong>Known failures (not re-tested):</strong><ul>${items.join('')}</ul></div>`);
  }
  return out.join('\n');
}

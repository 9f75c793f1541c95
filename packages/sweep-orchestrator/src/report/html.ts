// The dashboard: one static HTML file, no external fetch of any kind (the CSP forbids
// it), every string from the record escaped. Colour is never the only signal: each
// outcome badge carries its name.

import { createHash } from 'node:crypto';
import type { ReportContext } from './context.js';
import type { Outcome } from '@canon/promote-gate';
import { DASHBOARD_SCRIPT, DASHBOARD_STYLE } from './internal/html-assets.js';
import { OUTCOME_ORDER, OUTCOME_STYLE } from './internal/outcomes.js';
import { escapeHtml as h, formatAge } from './internal/format.js';
import { summaryLine } from './internal/record-text.js';
import { canonicalAdvances } from './internal/timeline.js';
import { evidenceBlock, fleetCells, fleetNotes, historySection, versionRanks } from './internal/html-fleet.js';
import { buildRecipeViews, lastCompletedAt, type RecipeView } from './internal/view.js';
import { isSweepMissed } from './schedule.js';
import { lastTestText, verdictWorthShowing } from './internal/last-test.js';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

function badge(outcome: string | null): string {
  if (outcome === null) return '<span class="none">not run</span>';
  const known = (OUTCOME_ORDER as readonly string[]).includes(outcome);
  const hint = known ? OUTCOME_STYLE[outcome as Outcome].hint : 'unknown outcome';
  return `<span class="badge o-${known ? outcome : 'unknown'}" title="${h(hint)}">${h(outcome)}</span>`;
}

function orNone(text: string | null): string {
  return text === null ? '<span class="none">none</span>' : `<code>${h(text)}</code>`;
}

/** Beside the outcome: a known failure's red mark, and the last test's verdict unless it simply passed. */
function testMarks(view: RecipeView, now: Date): string {
  const last = view.lastTest;
  const known = view.knownFailed ? `<span class="badge known" title="not re-tested: this release already failed">known failure</span>` : '';
  const verdict = verdictWorthShowing(last) ? `<span class="verdict v-${h(last.verdict)}" title="${h(lastTestText(last, now))}">${h(last.verdict)}</span>` : '';
  return `${known}${verdict}`;
}

function row(view: RecipeView, ranks: Map<string, number>, now: Date): string {
  // A known failure sorts with the failures: it is red, only not re-tested.
  const sortAs = view.knownFailed ? 'FAILED' : view.outcome;
  const rank = sortAs === null ? OUTCOME_ORDER.length : OUTCOME_ORDER.indexOf(sortAs);
  const age = view.canonicalVersion === null || view.canonicalAgeSeconds === null ? '' : String(view.canonicalAgeSeconds);
  return [
    `<tr data-recipe="${h(view.recipe)}" data-outcome="${h(view.outcome ?? '')}"${view.knownFailed ? ' class="known-failed"' : ''}>`,
    `<td><strong>${h(view.recipe)}</strong></td>`,
    `<td data-sort="${view.canonicalVersion === null ? '' : (ranks.get(view.canonicalVersion) ?? '')}">${orNone(view.canonicalVersion)}</td>`,
    `<td data-sort="${view.latest === null ? '' : (ranks.get(view.latest) ?? '')}">${orNone(view.latest)}</td>`,
    `<td data-sort="${rank === -1 ? OUTCOME_ORDER.length : rank}">${badge(view.outcome)}${testMarks(view, now)}</td>`,
    `<td data-sort="${age}">${age === '' ? '<span class="none">–</span>' : h(formatAge(view.canonicalAgeSeconds))}</td>`,
    `<td class="reason">${h(view.reason)}${evidenceBlock(view, now)}</td>`,
    fleetCells(view),
    '</tr>',
  ].join('');
}

function statusSection(views: RecipeView[], now: Date): string {
  const ranks = versionRanks(views);
  const columns: [string, string][] = [
    ['Recipe', 'text'], ['Canonical', 'number'], ['Latest tag', 'number'], ['Last outcome', 'number'], ['Canonical age', 'number'], ['Reason', 'text'],
    ['Duration', 'number'], ['Warm disk', 'number'], ['Logs', 'text'],
  ];
  const heads = columns
    .map(([label, type]) => `<th scope="col" data-type="${type}" aria-sort="none"><button type="button">${label}</button></th>`)
    .join('');
  const options = OUTCOME_ORDER.map((o) => `<option value="${o}">${o}</option>`).join('');
  return `<section aria-labelledby="recipes-h">
<h2 id="recipes-h">Recipes</h2>
<div class="controls">
<label>Filter <input id="filter" type="search" placeholder="recipe, version or reason" autocomplete="off"></label>
<label>Outcome <select id="outcome-filter"><option value="">all</option>${options}</select></label>
<span id="shown" aria-live="polite">${views.length} of ${views.length} recipes shown</span>
</div>
<table id="status">
<thead><tr>${heads}</tr></thead>
<tbody>
${views.map((v) => row(v, ranks, now)).join('\n')}
</tbody>
</table>
</section>`;
}

function timelineSection(ctx: ReportContext): string {
  const advances = canonicalAdvances(ctx.histories);
  const items = advances.map((a) => {
    const when = a.at ? a.at.toISOString() : a.ts;
    const label = a.at ? `${when.slice(0, 10)} ${when.slice(11, 16)} UTC` : a.ts;
    const change = a.from ? `<code>${h(a.from)}</code> → <code>${h(a.to)}</code>` : `seeded at <code>${h(a.to)}</code>`;
    const run = a.runId ? ` <span class="none">run ${h(a.runId)}</span>` : '';
    return `<li><time datetime="${h(when)}">${h(label)}</time><strong>${h(a.recipe)}</strong> ${change}${run}</li>`;
  });
  const body = items.length > 0 ? `<ol class="timeline">\n${items.join('\n')}\n</ol>` : '<p class="none">No canonical advances recorded yet.</p>';
  return `<section aria-labelledby="timeline-h">\n<h2 id="timeline-h">Canonical advances</h2>\n${body}\n</section>`;
}

function headerSection(ctx: ReportContext, views: RecipeView[]): string {
  const run = ctx.run;
  const flags = [run.dryRun ? 'dry run' : '', run.interrupted ? 'interrupted' : ''].filter(Boolean).join(' · ');
  const counts = OUTCOME_ORDER.flatMap((o) => {
    const n = run.summary[o] ?? 0;
    return n > 0 ? [`<li>${badge(o)} ${n}</li>`] : [];
  });
  const last = lastCompletedAt(ctx);
  const missed = isSweepMissed(last, ctx.schedule.onCalendar, ctx.now)
    ? `<p class="alert" role="alert"><strong>Sweep missed.</strong> The last completed sweep finished ${last ? `<code>${h(last)}</code>` : 'never'}, longer ago than the schedule <code>${h(ctx.schedule.onCalendar)}</code> allows.</p>`
    : '';
  return `<header>
<h1>canon — known-good deployments</h1>
<p class="meta">Run <code>${h(run.runId)}</code> · started <code>${h(run.startedAt)}</code> · finished ${run.finishedAt ? `<code>${h(run.finishedAt)}</code>` : 'not yet'} · exit code ${h(String(run.exitCode ?? 'none'))}${flags ? ` · <strong>${h(flags)}</strong>` : ''}</p>
${missed}
${fleetNotes(ctx, views)}
<ul class="summary" aria-label="${h(summaryLine(run))}">${counts.join('')}</ul>
</header>`;
}

export function renderHtml(ctx: ReportContext): string {
  const views = buildRecipeViews(ctx);
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(DASHBOARD_STYLE)}`,
    `script-src ${sha256(DASHBOARD_SCRIPT)}`,
    "img-src 'none'", "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>canon — run ${h(ctx.run.runId)}</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
${headerSection(ctx, views)}
<main>
${statusSection(views, ctx.now)}
${timelineSection(ctx)}
${historySection(ctx, views)}
</main>
<footer><p>Generated ${h(ctx.now.toISOString())} by canon ${h(ctx.run.canonVersion)} from run ${h(ctx.run.runId)}.</p></footer>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
}

// The "excuses" page: per recipe, what happened and why, like Debian britney's excuses,
// preceded by what changed since the previous run. Every value from the record is
// untrusted text and goes through escapeMarkdown or codeSpan.

import type { RecipeRun, RunRecord } from '@canon/warm-registry';
import type { ReportContext } from './context.js';
import { summarizeChanges, type Change } from './changes.js';
import { codeSpan, compareText, escapeMarkdown as md, formatBytes, formatDuration, shortCommit } from './internal/format.js';
import { diskWarning, inProgressText, knownFailures, pendingApproval } from './internal/fleet-text.js';
import { buildRecipeViews, lastCompletedAt, type RecipeView } from './internal/view.js';
import { lastTestText, verdictWorthShowing } from './internal/last-test.js';
import { isSweepMissed } from './schedule.js';
import { gateLine, logEntries, summaryLine, warningText } from './internal/record-text.js';

function version(v: string | null | undefined): string {
  return v ? codeSpan(v) : 'none';
}

function changeLine(change: Change): string {
  const name = `**${md(change.recipe)}**`;
  switch (change.kind) {
    case 'advanced':
      return change.from
        ? `${name}: ${version(change.from)} → ${version(change.to)} promoted`
        : `${name}: seeded at ${version(change.to)} (promoted)`;
    case 'still':
      return `${name}: still ${change.outcome} since run ${codeSpan(change.since)}`;
    case 'changed':
      return `${name}: ${change.was ?? 'new'} → ${change.outcome}${change.reason ? ` (${md(change.reason)})` : ''}`;
    case 'removed':
      return `${name}: not in this run (was ${change.was})`;
  }
}

function changesSection(ctx: ReportContext): string[] {
  const { previousRunId, changes, unchanged } = summarizeChanges(ctx);
  const head = previousRunId ? `## Since the previous run (${codeSpan(previousRunId)})` : '## Since the previous run';
  const lines = [head, ''];
  if (!previousRunId) lines.push('No previous run to compare with; this is the first record.', '');
  for (const change of changes) lines.push(`- ${changeLine(change)}`);
  if (changes.length === 0) lines.push('- nothing changed');
  if (unchanged > 0) lines.push(`- ${unchanged} recipe${unchanged === 1 ? '' : 's'} as before (promoted or skipped, nothing new)`);
  lines.push('');
  return lines;
}

function evidenceLine(view: RecipeView | undefined): string[] {
  const e = view?.evidence;
  if (!e) return [];
  return [`- **Evidence:** ${codeSpan(e.log)}${e.line === null ? ' (empty log)' : `: ${codeSpan(e.line)}`}`];
}

/** The last test's verdict (with every attempt) under a recipe that did not just pass. */
function lastTestLine(view: RecipeView | undefined, now: Date): string[] {
  const last = view?.lastTest;
  if (!verdictWorthShowing(last)) return [];
  return [`- **Test verdict:** ${md(lastTestText(last, now))}`];
}

function recipeSection(entry: RecipeRun, runId: string, view: RecipeView | undefined, now: Date): string[] {
  const d = entry.decision;
  const outcome = entry.outcome ?? 'PENDING';
  const lines = [`## ${md(entry.recipe)} — ${outcome}`, ''];
  lines.push(`- **Outcome:** ${outcome}${entry.detail ? ` — ${md(entry.detail)}` : ''}`);
  lines.push(...evidenceLine(view));
  lines.push(...lastTestLine(view, now));
  lines.push(
    d
      ? `- **Decision:** ${d.action} (${md(d.reason)})`
      : '- **Decision:** none (the recipe stopped before a decision)',
  );
  const tested = entry.tested
    ? `${version(entry.tested.version)} (tag ${codeSpan(entry.tested.tag)}, commit ${codeSpan(shortCommit(entry.tested.commit))})`
    : 'nothing';
  lines.push(
    `- **Versions:** latest ${version(d?.latest)} · canonical before ${version(entry.canonicalBefore?.version)}` +
      ` · after ${version(entry.canonicalAfter?.version)} · tested ${tested}`,
  );
  const gate = gateLine(entry);
  if (gate) lines.push(`- **Gate:** ${md(gate)}`);
  const sync = entry.sync;
  lines.push(`- **Sync:** ${md(sync.status)}${sync.changed ? ', mirror changed' : ', mirror unchanged'}`);
  for (const warning of sync.warnings) lines.push(`  - warning: ${md(warningText(warning))}`);
  if (sync.closedPulls.length > 0) {
    lines.push(`- **Closed PRs:** ${sync.closedPulls.map((n) => `#${n}`).join(', ')} (already contained in upstream)`);
  }
  const t = entry.durationsMs;
  lines.push(`- **Durations:** sync ${formatDuration(t.sync)} · test ${formatDuration(t.test)} · promote ${formatDuration(t.promote)}`);
  if (entry.warmVolumeBytes !== null) lines.push(`- **Warm volumes:** ${formatBytes(entry.warmVolumeBytes)}`);
  const logs = logEntries(entry, runId);
  if (logs.length > 0) {
    lines.push('- **Logs:**');
    for (const [step, path] of logs) lines.push(`  - ${md(step)}: ${codeSpan(path)}`);
  }
  lines.push('');
  return lines;
}

function headerSection(ctx: ReportContext, run: RunRecord): string[] {
  const flags = [run.dryRun ? 'dry run' : null, run.interrupted ? '**interrupted**' : null].filter(Boolean);
  const lines = [`# canon sweep ${codeSpan(run.runId)}`, ''];
  lines.push(
    `Started ${codeSpan(run.startedAt)}, finished ${run.finishedAt ? codeSpan(run.finishedAt) : 'not yet'}` +
      ` · canon ${md(run.canonVersion)} · exit code ${run.exitCode ?? 'none'}${flags.length > 0 ? ` · ${flags.join(' · ')}` : ''}`,
    '',
  );
  lines.push(`**Summary:** ${summaryLine(run)}`, '');
  const budget = run.disk.budgetBytes;
  lines.push(`**Warm disk:** ${formatBytes(run.disk.usedBytes)} used${budget !== null ? ` of ${formatBytes(budget)} budget` : ''}`, '');
  const last = lastCompletedAt(ctx);
  if (isSweepMissed(last, ctx.schedule.onCalendar, ctx.now)) {
    lines.push(
      `> **Warning: sweep missed.** The last completed sweep finished ${last ? codeSpan(last) : 'never'}, longer ago than` +
        ` the schedule ${codeSpan(ctx.schedule.onCalendar)} allows. Check \`systemctl list-timers canon-sweep.timer\`.`,
      '',
    );
  }
  return lines;
}

/** The recipes this run did not touch, as their newest run left them: a partial run hides none. */
function elsewhereSection(views: RecipeView[], now: Date): string[] {
  if (views.length === 0) return [];
  const lines = ['## Not in this run', ''];
  for (const v of views) {
    const from = v.entryRunId === null ? 'never swept' : `${v.outcome ?? 'PENDING'} in run ${codeSpan(v.entryRunId)}`;
    lines.push(`- **${md(v.recipe)}**: canonical ${version(v.canonicalVersion)} · newest release ${version(v.latest)} · ${from}${v.reason ? ` — ${md(v.reason)}` : ''}`);
    const e = v.evidence;
    if (e) lines.push(`  - evidence: ${codeSpan(e.log)}${e.line === null ? '' : `: ${codeSpan(e.line)}`}`);
    if (v.lastTest && v.lastTest.verdict !== 'green') lines.push(`  - test verdict: ${md(lastTestText(v.lastTest, now))}`);
  }
  lines.push('');
  return lines;
}

function fleetNotes(ctx: ReportContext, views: RecipeView[]): string[] {
  const lines: string[] = [];
  const progress = inProgressText(ctx);
  if (progress !== null) lines.push(`> ${md(progress)}`, '');
  const disk = diskWarning(ctx);
  if (disk !== null) lines.push(`> **Warning: disk budget.** ${md(disk)}`, '');
  const held = pendingApproval(views);
  if (held.length > 0) {
    lines.push('## Pending approval', '');
    for (const v of held) lines.push(`- **${md(v.recipe)}**: ${version(v.latest)} is a held major — ${md(v.reason)}`);
    lines.push('');
  }
  const known = knownFailures(views);
  if (known.length > 0) {
    lines.push('## Known failures (not re-tested)', '');
    for (const v of known) {
      const test = v.lastTest === null ? '' : ` · test verdict ${md(lastTestText(v.lastTest, ctx.now))}`;
      lines.push(`- **${md(v.recipe)}**: ${version(v.latest)} — ${md(v.reason)}${test}`);
    }
    lines.push('');
  }
  return lines;
}

export function renderMarkdown(ctx: ReportContext): string {
  const run = ctx.run;
  const entries = [...run.recipes].sort((a, b) => compareText(a.recipe, b.recipe));
  const views = buildRecipeViews(ctx);
  const byName = new Map(views.map((v) => [v.recipe, v]));
  const elsewhere = views.filter((v) => v.enrolled && v.entryRunId !== run.runId);
  const lines = [
    ...headerSection(ctx, run), ...fleetNotes(ctx, views), ...changesSection(ctx),
    ...entries.flatMap((e) => recipeSection(e, run.runId, byName.get(e.recipe), ctx.now)), ...elsewhereSection(elsewhere, ctx.now),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

// `canon status`: per recipe the canonical version and its age and the latest outcome,
// as a table for people or JSON for scripts, plus a warning line when a sweep was missed.

import type { ReportContext } from './context.js';
import { OUTCOME_STYLE } from './internal/outcomes.js';
import { formatAge } from './internal/format.js';
import { attemptText, diskWarning, inProgressText, knownFailures, pendingApproval } from './internal/fleet-text.js';
import { pendingApprovalOf } from '../holds/pending-approval.js';
import { buildRecipeViews, lastCompletedAt } from './internal/view.js';
import { lastTestText } from './internal/last-test.js';
import { isSweepMissed, scheduleGraceSeconds, schedulePeriodSeconds } from './schedule.js';

/** Drops control characters so untrusted names cannot move the cursor or recolour a terminal. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

function missedWarning(ctx: ReportContext, last: string | null): string {
  const period = schedulePeriodSeconds(ctx.schedule.onCalendar);
  const allowed =
    period === null ? 'no period systemd would accept' : `${formatAge(period)} + ${formatAge(scheduleGraceSeconds(period))} grace`;
  const when = last ? `the last completed sweep finished ${plain(last)}` : 'no sweep has completed yet';
  return `WARNING: sweep missed: ${when}; schedule "${plain(ctx.schedule.onCalendar)}" allows ${allowed}. Check: systemctl list-timers canon-sweep.timer`;
}

export function renderStatus(ctx: ReportContext, opts: { json: boolean; color: boolean }): string {
  const views = buildRecipeViews(ctx);
  const last = lastCompletedAt(ctx);
  const missed = isSweepMissed(last, ctx.schedule.onCalendar, ctx.now);
  if (opts.json) {
    const status = {
      runId: ctx.run.runId,
      finishedAt: ctx.run.finishedAt,
      lastCompletedAt: last,
      sweepMissed: missed,
      schedule: ctx.schedule.onCalendar,
      inProgress: ctx.inProgress ?? null,
      diskWarning: diskWarning(ctx),
      recipes: views.map((v) => ({
        recipe: v.recipe,
        canonical: v.canonicalVersion,
        canonicalTs: v.canonical?.ts ?? null,
        canonicalAgeSeconds: v.canonicalAgeSeconds,
        latest: v.latest,
        outcome: v.outcome,
        reason: v.reason,
        run: v.entryRunId,
        lastAttempt: v.attempt === null ? null : { version: v.attempt.version, outcome: v.attempt.outcome, ts: v.attempt.ts },
        lastTest: v.lastTest,
        knownFailed: v.knownFailed,
        pendingApproval: pendingApprovalOf(v.entry) !== null,
        evidence: v.evidence,
      })),
    };
    return `${JSON.stringify(status, null, 2)}\n`;
  }
  const header = ['RECIPE', 'CANONICAL', 'AGE', 'LATEST', 'OUTCOME', 'REASON'];
  const rows = views.map((v) => [
    plain(v.recipe),
    plain(v.canonicalVersion ?? '-'),
    v.canonicalVersion ? formatAge(v.canonicalAgeSeconds) : '-',
    plain(v.latest ?? '-'),
    v.outcome ?? '-',
    plain(v.reason),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const paint = (cell: string, i: number, raw: string): string => {
    const style = i === 4 && opts.color ? OUTCOME_STYLE[raw as keyof typeof OUTCOME_STYLE] : undefined;
    return style ? `\u001b[${style.ansi}m${cell}\u001b[0m` : cell;
  };
  const line = (cells: string[], colored: boolean): string =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0);
        return colored ? paint(padded, i, cell) : padded;
      })
      .join('  ')
      .trimEnd();
  const run = ctx.run;
  const neverRan = run.finishedAt === null && run.recipes.length === 0;
  const out = [
    neverRan
      ? 'no sweep recorded yet'
      : `last run ${plain(run.runId)}${run.finishedAt ? ` finished ${plain(run.finishedAt)}` : ' (unfinished)'}${run.interrupted ? ' (interrupted)' : ''}`,
  ];
  const warn = (text: string): string => (opts.color ? `\u001b[1;33m${text}\u001b[0m` : text);
  if (ctx.lastFull !== undefined) out.push(last === null ? 'no full sweep has completed yet' : `last full sweep finished ${plain(last)}`);
  const progress = inProgressText(ctx);
  if (progress !== null) out.push(plain(progress));
  if (missed) out.push(warn(missedWarning(ctx, last)));
  const disk = diskWarning(ctx);
  if (disk !== null) out.push(warn(`WARNING: ${disk}`));
  out.push('', line(header, false));
  views.forEach((v, i) => {
    out.push(line(rows[i] ?? [], true));
    if (v.evidence !== null) out.push(`  ${plain(v.evidence.log)}${v.evidence.line === null ? '' : `: ${plain(v.evidence.line)}`}`);
    const attempt = attemptText(v, ctx.now);
    if (attempt !== null) out.push(`  ${plain(attempt)}`);
    if (v.lastTest !== null && v.lastTest.verdict !== 'green') out.push(`  test verdict ${plain(lastTestText(v.lastTest, ctx.now))}`);
  });
  const held = pendingApproval(views);
  if (held.length > 0) out.push('', `Pending approval: ${held.map((v) => `${plain(v.recipe)} ${plain(v.latest ?? '?')} (${plain(v.pending.approve)})`).join('; ')}`);
  const known = knownFailures(views);
  if (known.length > 0) out.push('', `Known failures (not re-tested): ${known.map((v) => `${plain(v.recipe)} ${plain(v.latest ?? '?')}`).join('; ')}`);
  return `${out.join('\n')}\n`;
}

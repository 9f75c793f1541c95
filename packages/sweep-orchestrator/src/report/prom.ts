// Prometheus text exposition format (0.0.4) for node_exporter's textfile collector.
// Every series of one metric family sits under its HELP and TYPE lines; label values
// are escaped as the format requires (backslash, double quote, newline).

import type { ReportContext } from './context.js';
import { OUTCOME_ORDER } from './internal/outcomes.js';
import { parseTimestamp } from './internal/format.js';
import { diskState, isBehind } from './internal/fleet-text.js';
import { pendingApprovalOf } from '../holds/pending-approval.js';
import { buildRecipeViews, lastCompletedAt, type RecipeView } from './internal/view.js';
import { TEST_VERDICTS, type RunRecord } from '@canon/warm-registry';
import { isSweepMissed } from './schedule.js';

type Sample = { labels: [string, string][]; value: number };
type Family = { name: string; help: string; samples: Sample[] };

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

function renderFamily(family: Family): string[] {
  const lines = [`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} gauge`];
  for (const sample of family.samples) {
    const labels = sample.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
    lines.push(`${family.name}${labels ? `{${labels}}` : ''} ${formatValue(sample.value)}`);
  }
  return lines;
}

type Labels = [string, string][];
const seconds = (ts: string | null | undefined): number | null => {
  const date = parseTimestamp(ts);
  return date === null ? null : date.getTime() / 1000;
};
const perRecipe = (views: RecipeView[], value: (v: RecipeView) => number | null): Sample[] =>
  views.flatMap((v) => {
    const x = value(v);
    return x === null ? [] : [{ labels: [['recipe', v.recipe]] as Labels, value: x }];
  });

/** The newest full sweep: runs/latest-full.json when the context read it, else the newest completed run given. */
function newestFull(ctx: ReportContext): RunRecord | null {
  if (ctx.lastFull !== undefined) return ctx.lastFull;
  return [ctx.run, ctx.previous, ...(ctx.earlier ?? [])].find((r) => r && !r.dryRun && !r.interrupted && r.finishedAt) ?? null;
}

/** What an alert needs per recipe and per fleet, beyond the reported run's outcomes. */
function fleetFamilies(ctx: ReportContext, views: RecipeView[]): Family[] {
  const enrolled = views.filter((v) => v.enrolled);
  const full = newestFull(ctx);
  const start = seconds(full?.startedAt);
  const end = seconds(full?.finishedAt);
  const disk = diskState(ctx);
  return [
    {
      name: 'canon_recipe_canonical_timestamp_seconds',
      help: "Unix time at which each recipe's canonical was recorded (its last advance).",
      samples: perRecipe(enrolled, (v) => seconds(v.canonical?.ts)),
    },
    {
      name: 'canon_recipe_last_attempt_timestamp_seconds',
      help: 'Unix time of the last test of each recipe (recipes/<recipe>/attempt.json).',
      samples: perRecipe(enrolled, (v) => seconds(v.attempt?.ts)),
    },
    {
      name: 'canon_recipe_behind',
      help: '1 when the newest release (as last decided) is not the canonical, else 0.',
      samples: perRecipe(enrolled, (v) => {
        const behind = isBehind(v);
        return behind === null ? null : behind ? 1 : 0;
      }),
    },
    {
      name: 'canon_recipe_test_verdict',
      help: "Verdict of each recipe's last test (verdicts.jsonl): 1 for the verdict it had (green, red, flaky, timed-out, regression, always-failed), 0 for the others.",
      samples: enrolled.flatMap((v) =>
        v.lastTest === null ? [] : TEST_VERDICTS.map((verdict) => ({ labels: [['recipe', v.recipe], ['verdict', verdict]] as Labels, value: v.lastTest?.verdict === verdict ? 1 : 0 })),
      ),
    },
    {
      name: 'canon_recipe_held',
      help: '1 when the newest release is a held major waiting for canon approve, else 0.',
      samples: perRecipe(enrolled, (v) => (pendingApprovalOf(v.entry) === null ? 0 : 1)),
    },
    {
      name: 'canon_sweep_duration_seconds',
      help: 'Wall-clock time of the newest full sweep.',
      samples: start === null || end === null ? [] : [{ labels: [], value: end - start }],
    },
    {
      name: 'canon_sweep_exit_code',
      help: 'Exit code of the newest full sweep.',
      samples: full?.exitCode === null || full?.exitCode === undefined ? [] : [{ labels: [], value: full.exitCode }],
    },
    {
      name: 'canon_build_info',
      help: 'The canon that wrote these metrics; always 1.',
      samples: [{ labels: [['version', ctx.canonVersion ?? ctx.run.canonVersion]], value: 1 }],
    },
    {
      name: 'canon_disk_used_bytes',
      help: "The warm volumes' recorded size, summed over every recipe.",
      samples: [{ labels: [], value: disk.usedBytes }],
    },
    {
      name: 'canon_disk_budget_bytes',
      help: 'diskBudgetGiB in bytes; absent when no budget is set.',
      samples: disk.budgetBytes === null ? [] : [{ labels: [], value: disk.budgetBytes }],
    },
  ];
}

export function renderPrometheus(ctx: ReportContext): string {
  const views = buildRecipeViews(ctx);
  const entries = views.flatMap((v) => (v.entry ? [v.entry] : []));
  const last = lastCompletedAt(ctx);
  const lastDate = parseTimestamp(last);
  const families: Family[] = [
    {
      name: 'canon_recipe_outcome',
      help: "Each recipe's newest outcome (a partial run hides no recipe): 1 for the outcome it had, 0 for the others.",
      samples: entries.flatMap((e) =>
        OUTCOME_ORDER.map((outcome) => ({ labels: [['recipe', e.recipe], ['outcome', outcome]] as [string, string][], value: e.outcome === outcome ? 1 : 0 })),
      ),
    },
    {
      name: 'canon_recipe_canonical_info',
      help: 'The canonical (known-good) version of each recipe in the registry; always 1.',
      samples: views.flatMap((v) => (v.canonicalVersion ? [{ labels: [['recipe', v.recipe], ['version', v.canonicalVersion]] as [string, string][], value: 1 }] : [])),
    },
    {
      name: 'canon_recipe_duration_seconds',
      help: 'Wall-clock time of each phase (sync, test, promote) of each recipe in the reported sweep.',
      samples: entries.flatMap((e) =>
        (['sync', 'test', 'promote'] as const).flatMap((phase) => {
          const ms = e.durationsMs[phase];
          return ms === null || ms === undefined ? [] : [{ labels: [['recipe', e.recipe], ['phase', phase]] as [string, string][], value: ms / 1000 }];
        }),
      ),
    },
    {
      name: 'canon_sweep_last_completed_timestamp_seconds',
      help: 'Unix time at which the last full sweep (every recipe, not dry, not interrupted) finished; 0 if none has.',
      samples: [{ labels: [], value: lastDate ? lastDate.getTime() / 1000 : 0 }],
    },
    {
      name: 'canon_sweep_missed',
      help: '1 when the last completed sweep is older than the schedule allows (period plus grace), else 0.',
      samples: [{ labels: [], value: isSweepMissed(last, ctx.schedule.onCalendar, ctx.now) ? 1 : 0 }],
    },
    {
      name: 'canon_warm_volume_bytes',
      help: 'Size of the warm deployment volumes of each recipe, as measured by the volumeSize command.',
      samples: entries.flatMap((e) => (e.warmVolumeBytes === null ? [] : [{ labels: [['recipe', e.recipe]] as [string, string][], value: e.warmVolumeBytes }])),
    },
    ...fleetFamilies(ctx, views),
  ];
  return `${families.flatMap(renderFamily).join('\n')}\n`;
}

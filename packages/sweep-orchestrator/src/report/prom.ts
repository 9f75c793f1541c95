// Prometheus text exposition format (0.0.4) for node_exporter's textfile collector.
// Every series of one metric family sits under its HELP and TYPE lines; label values
// are escaped as the format requires (backslash, double quote, newline).

import type { ReportContext } from './context.js';
import { OUTCOME_ORDER } from './internal/outcomes.js';
import { parseTimestamp } from './internal/format.js';
import { buildRecipeViews, lastCompletedAt } from './internal/view.js';
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

export function renderPrometheus(ctx: ReportContext): string {
  const views = buildRecipeViews(ctx);
  const entries = views.flatMap((v) => (v.entry ? [v.entry] : []));
  const last = lastCompletedAt(ctx);
  const lastDate = parseTimestamp(last);
  const families: Family[] = [
    {
      name: 'canon_recipe_outcome',
      help: 'Outcome of each recipe in the reported sweep: 1 for the outcome it had, 0 for the others.',
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
      help: 'Unix time at which the last completed (not dry, not interrupted) sweep finished; 0 if none has.',
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
  ];
  return `${families.flatMap(renderFamily).join('\n')}\n`;
}

// Reports are pure renderers: a run record and registry data in, text out. The CLI reads
// the files and writes the result.

import type { ReportContext, ReportFormat } from './context.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderPrometheus } from './prom.js';

export { REPORT_FORMATS, type ReportContext, type ReportFormat } from './context.js';
export { renderStatus } from './status.js';
export { readEvidence } from './evidence.js';
export type { Evidence, FleetContext } from './context.js';
export { isSweepMissed, scheduleGraceSeconds, schedulePeriodSeconds } from './schedule.js';

export function renderReport(format: ReportFormat, ctx: ReportContext): string {
  switch (format) {
    case 'md':
      return renderMarkdown(ctx);
    case 'json':
      return renderJson(ctx.run);
    case 'html':
      return renderHtml(ctx);
    case 'prom':
      return renderPrometheus(ctx);
  }
}

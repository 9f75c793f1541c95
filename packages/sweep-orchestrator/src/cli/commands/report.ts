import { resolve } from 'node:path';
import { writeFileAtomic } from '@canon/warm-registry';
import { loadConfig, REPORT_FORMATS, renderReport, type ReportFormat } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag } from '../flags.js';
import { loadReportContext } from '../report-context.js';
import { usageError } from '../usage-error.js';

export const command = defineCommand({
  usage: 'canon report --format md|json|html|prom [--run ID] [--out F] [--config F]',
  flags: {
    format: {
      type: 'string',
      placeholder: 'FMT',
      description: 'md (the excuses page), json (run.json), html (the dashboard) or prom (node_exporter textfile metrics); required',
    },
    run: { type: 'string', placeholder: 'ID', description: 'the run to report (default: the latest run)' },
    out: { type: 'string', placeholder: 'F', description: 'write to F atomically instead of printing (a reader never sees half a file)' },
    ...configFlag,
  },
  positionals: [],
  examples: [
    'canon report --format prom --out /var/lib/node_exporter/canon.prom',
    'canon report --format html --run 20261127T031500Z-4f2a --out report.html',
  ],
  async run(ctx) {
    const { format } = ctx.flags;
    if (format === undefined || !(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw usageError('report', [`--format must be one of ${REPORT_FORMATS.join(', ')}, got ${format === undefined ? 'nothing' : JSON.stringify(format)}`]);
    }
    const config = await loadConfig(configOptions(ctx), { secrets: false });
    const report = await loadReportContext(config, ctx.flags.run ?? null);
    if (report === null) {
      ctx.stderr(`canon: no run recorded under ${config.stateDir}/runs yet; run \`canon sweep\` first\n`);
      return 1;
    }
    const text = renderReport(format as ReportFormat, report);
    const out = ctx.flags.out;
    if (out === undefined) ctx.stdout(text);
    else await writeFileAtomic(resolve(ctx.cwd, out), text);
    return 0;
  },
});

import { resolve } from 'node:path';
import { writeFileAtomic } from '@canon/warm-registry';
import { loadConfig } from '../../config/index.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../report/index.js';
import { configOptions, stringOption, type CommandContext } from '../context.js';
import { loadReportContext } from '../report-context.js';
import { UsageError } from '../usage-error.js';

export async function run(ctx: CommandContext): Promise<number> {
  const format = stringOption(ctx, 'format');
  if (format === undefined || !(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError('report', [`--format must be one of ${REPORT_FORMATS.join(', ')}, got ${format === undefined ? 'nothing' : JSON.stringify(format)}`]);
  }
  const config = await loadConfig(configOptions(ctx), { secrets: false });
  const runId = stringOption(ctx, 'run') ?? null;
  const report = await loadReportContext(config, runId);
  if (report === null) {
    ctx.stderr(`canon: no run recorded under ${config.stateDir}/runs yet; run \`canon sweep\` first\n`);
    return 1;
  }
  const text = renderReport(format as ReportFormat, report);
  const out = stringOption(ctx, 'out');
  if (out === undefined) ctx.stdout(text);
  else await writeFileAtomic(resolve(ctx.cwd, out), text);
  return 0;
}

import { resolve } from 'node:path';
import { writeFileAtomic } from '@canon/warm-registry';
import { loadConfig } from '../../config/index.js';
import { renderReport } from '../../report/index.js';
import { configOptions, stringOption, type CommandContext } from '../context.js';
import { buildContext, emptyRun, loadReportContext } from '../report-context.js';
import { UsageError } from '../usage-error.js';

/**
 * `canon metrics --out F`: the fleet's metrics for node_exporter's textfile collector, written
 * atomically (the directory created). "Missed" is computed now, so canon-metrics.timer keeps it
 * true even when the sweep timer stopped firing. Local files only, no forge secret.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const out = stringOption(ctx, 'out');
  if (out === undefined) throw new UsageError('metrics', ['--out F is required (e.g. /var/lib/node_exporter/textfile/canon.prom)']);
  const config = await loadConfig(configOptions(ctx), { secrets: false });
  const now = new Date();
  const report = (await loadReportContext(config, null, now)) ?? (await buildContext(config, emptyRun(), now));
  await writeFileAtomic(resolve(ctx.cwd, out), renderReport('prom', report));
  return 0;
}

import { loadConfig } from '../../config/index.js';
import { renderStatus } from '../../report/index.js';
import { boolOption, configOptions, type CommandContext } from '../context.js';
import { buildContext, emptyRun, loadReportContext } from '../report-context.js';

export async function run(ctx: CommandContext): Promise<number> {
  const config = await loadConfig(configOptions(ctx), { secrets: false });
  const now = new Date();
  const report = (await loadReportContext(config, null, now)) ?? (await buildContext(config, emptyRun(), now));
  ctx.stdout(renderStatus(report, { json: boolOption(ctx, 'json'), color: ctx.color }));
  return 0;
}

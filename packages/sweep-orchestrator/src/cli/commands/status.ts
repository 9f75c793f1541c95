import { loadConfig, renderStatus } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, jsonFlag } from '../flags.js';
import { buildContext, emptyRun, loadReportContext } from '../report-context.js';

export const command = defineCommand({
  usage: 'canon status [--json] [--config F]',
  flags: { ...jsonFlag, ...configFlag },
  positionals: [],
  examples: ['canon status --json'],
  async run(ctx) {
    const config = await loadConfig(configOptions(ctx), { secrets: false });
    const now = new Date();
    const report = (await loadReportContext(config, null, now)) ?? (await buildContext(config, emptyRun(), now));
    ctx.stdout(renderStatus(report, { json: ctx.flags.json, color: ctx.color }));
    return 0;
  },
});

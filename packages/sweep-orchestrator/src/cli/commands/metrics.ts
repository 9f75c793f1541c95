import { resolve } from 'node:path';
import { writeFileAtomic } from '@canon/warm-registry';
import { loadConfig, renderReport } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag } from '../flags.js';
import { buildContext, emptyRun, loadReportContext } from '../report-context.js';
import { usageError } from '../usage-error.js';

export const command = defineCommand({
  usage: 'canon metrics --out F [--config F]',
  flags: {
    out: {
      type: 'string',
      placeholder: 'F',
      description: "the .prom file node_exporter's textfile collector reads; written atomically, its directory created; required",
    },
    ...configFlag,
  },
  positionals: [],
  examples: ['canon metrics --out /var/lib/prometheus/node-exporter/canon.prom --config /etc/canon/config.json'],
  notes: [
    '"Missed" is computed when the file is written: run it every few minutes (canon-metrics.timer) so a sweep timer that stopped firing is never silent.',
    'Reads local files only: no forge secret, no network.',
  ],
  async run(ctx) {
    const out = ctx.flags.out;
    if (out === undefined) throw usageError('metrics', ['--out F is required (e.g. /var/lib/node_exporter/textfile/canon.prom)']);
    const config = await loadConfig(configOptions(ctx), { secrets: false });
    const now = new Date();
    const report = (await loadReportContext(config, null, now)) ?? (await buildContext(config, emptyRun(), now));
    await writeFileAtomic(resolve(ctx.cwd, out), renderReport('prom', report));
    return 0;
  },
});

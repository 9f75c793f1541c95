import { loadConfig, startListener, sweepLauncher, watchSignals } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag } from '../flags.js';

export const command = defineCommand({
  usage: 'canon listen [--config F]',
  flags: { ...configFlag },
  positionals: [],
  examples: ['canon listen --config /etc/canon/config.json'],
  notes: [
    "Serves the config's webhook (POST), /metrics, / and /healthz until SIGTERM or SIGINT.",
    'Exit: 0 after a clean shutdown · 2 no webhook section or a config error.',
  ],
  /**
   * On SIGTERM or SIGINT: stops accepting, ends a running sweep (SIGTERM: it records
   * `interrupted: true` and its recipes stay pending for the next listener), exits 0 with no child left.
   */
  async run(ctx) {
    const config = await loadConfig(configOptions(ctx));
    const interrupt = watchSignals();
    const log = (line: string): void => ctx.stderr(`canon listen: ${line}\n`);
    try {
      const listener = await startListener({
        config,
        log,
        launch: sweepLauncher({ cliScript: process.argv[1] ?? '', configPath: config.path, withheldEnv: config.secretEnv ?? [] }),
      });
      log(`listening on ${listener.url} (webhook path ${config.webhook?.path ?? ''})`);
      await new Promise<void>((resolve) => {
        if (interrupt.signal.aborted) resolve();
        else interrupt.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      log(`${interrupt.received() ?? 'signal'} received: stopping`);
      await listener.close();
      log('stopped');
      return 0;
    } finally {
      interrupt.dispose();
    }
  },
});

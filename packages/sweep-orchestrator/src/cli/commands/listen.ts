import { loadConfig } from '../../config/index.js';
import { startListener } from '../../listen/start-listener.js';
import { sweepLauncher } from '../../listen/sweep-child.js';
import { watchSignals } from '../../sweep/interrupt.js';
import { configOptions, type CommandContext } from '../context.js';

/**
 * Serves the forge's webhook, /metrics, / and /healthz until SIGTERM or SIGINT; then stops
 * accepting, ends a running sweep (SIGTERM: it records `interrupted: true` and its recipes
 * stay pending for the next listener) and exits 0 with no child left.
 */
export async function run(ctx: CommandContext): Promise<number> {
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
}

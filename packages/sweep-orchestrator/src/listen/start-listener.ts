import type { AddressInfo } from 'node:net';
import { ConfigError, type ResolvedConfig } from '../config/index.js';
import { renderReport } from '../report/index.js';
import { buildContext, emptyRun, loadReportContext } from '../cli/report-context.js';
import { openDeliveryLog } from './deliveries.js';
import { ListenError } from './errors.js';
import { openPendingSet, type PendingSet } from './pending.js';
import { createScheduler } from './scheduler.js';
import { createListenServer } from './server.js';
import type { SweepLauncher } from './sweep-child.js';

export type Listener = {
  readonly url: string;
  readonly pending: PendingSet;
  /** Stops accepting, hands a running sweep SIGTERM (its recipes stay pending), resolves with no child left. */
  close(): Promise<void>;
};

export type StartListenerOptions = {
  config: ResolvedConfig;
  launch: SweepLauncher;
  log: (line: string) => void;
  /** Overrides webhook.listen's port (0 = a free one, for tests). */
  port?: number;
};

/** The pending set, the delivery log, the scheduler and the HTTP server, wired together and listening. */
export async function startListener(opts: StartListenerOptions): Promise<Listener> {
  const { config } = opts;
  const webhook = config.webhook;
  if (webhook === null) {
    throw new ConfigError('CONFIG_INVALID', {
      path: config.path,
      errors: [{ path: 'webhook', message: 'canon listen needs a webhook section, at least {"secretFile": "..."} (see docs/configuration.md)' }],
    });
  }
  const pending = await openPendingSet(config.stateDir);
  const deliveries = await openDeliveryLog(config.stateDir);
  const scheduler = createScheduler({
    pending,
    stateDir: config.stateDir,
    enrolled: config.recipes.filter((r) => r.enrolled).map((r) => r.name),
    debounceSeconds: webhook.debounceSeconds,
    maxSweepsPerHour: webhook.maxSweepsPerHour,
    launch: opts.launch,
    log: opts.log,
    stopGraceSeconds: config.killGraceSeconds + 30,
  });
  const server = createListenServer({
    config, webhook, pending, deliveries, log: opts.log,
    onPending: () => scheduler.poke(),
    async render(format) {
      const now = new Date();
      const ctx = (await loadReportContext(config, null, now)) ?? (await buildContext(config, emptyRun(), now));
      return renderReport(format, ctx);
    },
  });
  const port = opts.port ?? webhook.listen.port;
  const address = `${webhook.listen.host}:${port}`;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new ListenError('LISTEN_FAILED', { address, problem: error.code ?? error.message }, { cause: error })));
    server.listen(port, webhook.listen.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  // Events that were pending when the last listener stopped are due now (or soon).
  scheduler.poke();
  return {
    url: `http://${host}:${bound.port}`,
    pending,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await scheduler.stop();
      server.closeAllConnections();
      await closed;
    },
  };
}

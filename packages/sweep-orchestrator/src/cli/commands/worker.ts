import { loadConfig, POOL_NAME, runWorker, watchSignals } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { EXIT } from '../exit-codes.js';
import { configFlag } from '../flags.js';
import { usageError } from '../usage-error.js';

const MAX_SLOTS = 64;

export const command = defineCommand({
  usage: 'canon worker [--slots N] [--pool P] [--config F]',
  flags: {
    slots: { type: 'string', placeholder: 'N', description: `cold tests this host runs at once (1 to ${MAX_SLOTS}; default 1)` },
    pool: {
      type: 'string',
      placeholder: 'P',
      description: 'take only jobs of recipes whose test.pool is P (default: the default pool)',
    },
    ...configFlag,
  },
  positionals: [],
  examples: ['canon worker --pool big-disk --config /etc/canon/worker.json'],
  notes: [
    'The config names the same recipes and execution.redis as the sweep, with its own stateDir and workDir; a worker never writes the registry.',
    'Exit: 0 after a clean SIGTERM/SIGINT (running tests are handed back to the queue) · 2 a usage or config error.',
  ],
  async run(ctx) {
    const slotsText = ctx.flags.slots ?? '1';
    const slots = Number(slotsText);
    if (!/^\d+$/.test(slotsText) || slots < 1 || slots > MAX_SLOTS) {
      throw usageError('worker', [`--slots must be a whole number from 1 to ${MAX_SLOTS}, got ${JSON.stringify(slotsText)}`]);
    }
    const pool = ctx.flags.pool ?? null;
    if (pool !== null && !POOL_NAME.test(pool)) {
      throw usageError('worker', [`--pool must match [a-z0-9][a-z0-9._-]* (at most 64 characters), got ${JSON.stringify(pool)}`]);
    }
    const config = await loadConfig(configOptions(ctx));
    const interrupt = watchSignals();
    try {
      await runWorker({ config, slots, pool, signal: interrupt.signal, log: (line) => ctx.stderr(`canon worker: ${line}\n`) });
    } finally {
      interrupt.dispose();
    }
    // A worker is a service: a clean stop on SIGTERM/SIGINT is its normal end.
    return EXIT.ok;
  },
});

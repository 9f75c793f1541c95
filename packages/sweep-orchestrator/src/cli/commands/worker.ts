import { POOL_NAME } from '../../config/schema.js';
import { loadConfig } from '../../config/index.js';
import { runWorker } from '../../queue/index.js';
import { watchSignals } from '../../sweep/interrupt.js';
import { configOptions, stringOption, type CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

const MAX_SLOTS = 64;

export async function run(ctx: CommandContext): Promise<number> {
  const slotsText = stringOption(ctx, 'slots') ?? '1';
  const slots = Number(slotsText);
  if (!/^\d+$/.test(slotsText) || slots < 1 || slots > MAX_SLOTS) {
    throw new UsageError('worker', [`--slots must be a whole number from 1 to ${MAX_SLOTS}, got ${JSON.stringify(slotsText)}`]);
  }
  const pool = stringOption(ctx, 'pool') ?? null;
  if (pool !== null && !POOL_NAME.test(pool)) {
    throw new UsageError('worker', [`--pool must match [a-z0-9][a-z0-9._-]* (at most 64 characters), got ${JSON.stringify(pool)}`]);
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
}

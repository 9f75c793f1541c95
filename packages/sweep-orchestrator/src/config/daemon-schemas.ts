import { z } from 'zod';
import { BUILTIN } from './builtin-defaults.js';
import { listenAddressProblem, redisUrlProblem } from './validators.js';

// The long-running services' settings (`canon listen`, `canon worker`) and the bounds every
// `*Seconds` value shares; schema.ts composes them into the config.

/** SPEC: about 23 days; every timer canon arms works up to it (see internal/long-timeout.ts). */
export const MAX_SECONDS = 2_000_000;

// Grouped by hand: toLocaleString would load ICU's number formatting (~16 ms) in every command.
const MAX_SECONDS_TEXT = String(MAX_SECONDS).replace(/\B(?=(\d{3})+$)/g, ',');

export const seconds = (what: string) =>
  z
    .number()
    .positive(`${what} must be a positive number of seconds (fractions allowed)`)
    .max(MAX_SECONDS, `${what} must be at most ${MAX_SECONDS_TEXT} seconds (about 23 days)`);

/** Pool and queue names become parts of Redis keys and of BullMQ queue names, which forbid ":". */
export const POOL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const webhook = z
  .strictObject({
    listen: z
      .string()
      .superRefine((v, ctx) => {
        const problem = listenAddressProblem(v);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({ description: 'host:port `canon listen` binds ([::1]:8787 for IPv6)', default: BUILTIN.webhookListen })
      .optional(),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'path must start with "/" and hold only URL-safe characters')
      .meta({ description: 'where the forge POSTs its deliveries', default: BUILTIN.webhookPath })
      .optional(),
    secretFile: z.string().min(1).meta({ description: 'file holding the hook secret (read at load, at least 8 characters)' }),
    debounceSeconds: z
      .number()
      .min(0)
      .meta({ description: 'quiet time after the first pending event before the sweep starts', default: BUILTIN.webhookDebounceSeconds })
      .optional(),
    maxSweepsPerHour: z
      .number()
      .int()
      .min(1)
      .meta({ description: 'listen-triggered sweeps per rolling hour', default: BUILTIN.webhookMaxSweepsPerHour })
      .optional(),
  })
  .meta({ description: '`canon listen`: forge webhooks that trigger sweeps' });

export const execution = z
  .strictObject({
    mode: z
      .enum(['local', 'queue'])
      .meta({ description: 'local: tests run on this host; queue: on `canon worker` hosts through BullMQ over Redis', default: BUILTIN.executionMode })
      .optional(),
    redis: z
      .strictObject({
        url: z
          .string()
          .superRefine((u, ctx) => {
            const problem = redisUrlProblem(u);
            if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
          })
          .meta({ description: 'redis://host:port/db or rediss:// (TLS); no password in the URL' }),
        passwordFile: z.string().min(1).meta({ description: 'file holding the Redis password (read at load, never logged)' }).optional(),
        tls: z.boolean().meta({ description: 'TLS to Redis; implied by rediss://', default: false }).optional(),
      })
      .superRefine((r, ctx) => {
        if (r.tls === false && r.url.startsWith('rediss://')) {
          ctx.addIssue({ code: 'custom', path: ['tls'], message: 'rediss:// always uses TLS; drop "tls": false or use redis://' });
        }
      })
      .optional(),
    queue: z
      .string()
      .regex(POOL_NAME, 'a queue name must match [a-z0-9][a-z0-9._-]* (at most 64 characters)')
      .meta({ description: 'BullMQ queue name; a pool P uses <queue>-P', default: BUILTIN.queue })
      .optional(),
    lockSeconds: seconds('execution.lockSeconds').meta({ description: 'job lock a worker renews while it tests', default: BUILTIN.lockSeconds }).optional(),
    stallCheckSeconds: seconds('execution.stallCheckSeconds').meta({ description: 'how often workers look for jobs whose lock expired', default: BUILTIN.stallCheckSeconds }).optional(),
    maxStalls: z
      .number()
      .int()
      .min(0)
      .max(100)
      .meta({ description: 'times a job may lose its worker before it ends ERROR ("worker lost")', default: BUILTIN.maxStalls })
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (e.mode === 'queue' && e.redis === undefined) {
      ctx.addIssue({ code: 'custom', path: ['redis'], message: 'execution.mode "queue" needs execution.redis.url' });
    }
  })
  .meta({ description: 'where cold tests run' });

import type { Redis, RedisOptions } from 'ioredis';
import type { RedisSpec } from '../config/index.js';
import { QueueError } from './errors.js';

/**
 * `command`: the sweep's connection — a command fails at once while Redis is away (no offline
 * queue, one retry), or after `connectTimeoutMs` without a reply, and reconnecting gives up
 * after `giveUpMs`, so the sweep never hangs on it.
 * `blocking`: the same bounds for BullMQ's blocking readers, which need `maxRetriesPerRequest: null`.
 * `worker`: a worker host outlives Redis restarts, so it reconnects for ever (every ≤ 5 s); its
 * lock watch fences its tests meanwhile.
 */
export type RedisRole = 'command' | 'blocking' | 'worker';

export type RedisBounds = { connectTimeoutMs: number; giveUpMs: number };

export const DEFAULT_BOUNDS: RedisBounds = { connectTimeoutMs: 5000, giveUpMs: 10_000 };

export type RedisHandle = { redis: Redis; lastError: () => Error | null };

/**
 * ioredis and bullmq are imported when a queue is first used, never at module load: together
 * they add about 25 MB of resident memory, which `canon plan`, a local sweep and every other
 * command that loads the library would otherwise carry (bench P4).
 */
export async function connectRedis(spec: RedisSpec, role: RedisRole, bounds: RedisBounds = DEFAULT_BOUNDS): Promise<RedisHandle> {
  const { Redis } = await import('ioredis');
  let failingSince: number | null = null;
  let lastError: Error | null = null;
  const options: RedisOptions = {
    connectTimeout: bounds.connectTimeoutMs,
    // A Redis that stops answering on an open connection (paused, partitioned) must not hang
    // the sweep either; blocking reads wait on purpose and get no such timeout.
    ...(role === 'command' ? { commandTimeout: bounds.connectTimeoutMs } : {}),
    maxRetriesPerRequest: role === 'command' ? 1 : null,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (times) => {
      failingSince ??= Date.now();
      if (role !== 'worker' && Date.now() - failingSince > bounds.giveUpMs) return null;
      return Math.min(times * 200, role === 'worker' ? 5000 : 1000);
    },
    ...(spec.password === null ? {} : { password: spec.password }),
    ...(spec.tls ? { tls: {} } : {}),
  };
  const redis = new Redis(spec.url, options);
  // Without a listener ioredis prints every connection error itself; the callers report them.
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  redis.on('ready', () => {
    failingSince = null;
  });
  return { redis, lastError: () => lastError };
}

/** Resolves when the connection is ready; a typed error when it ends or `timeoutMs` passes first. */
export async function waitReady(handle: RedisHandle, spec: RedisSpec, timeoutMs: number): Promise<void> {
  const { redis } = handle;
  if (redis.status === 'ready') return;
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const fail = () => {
      cleanup();
      reject(unreachable(spec, Date.now() - started, handle.lastError()));
    };
    const ok = () => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(fail, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', ok);
      redis.off('end', fail);
    };
    redis.once('ready', ok);
    redis.once('end', fail);
    if (redis.status === 'end') fail();
  });
}

export function unreachable(spec: RedisSpec, waitedMs: number, cause: unknown): QueueError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new QueueError(
    'REDIS_UNREACHABLE',
    { redis: spec.url, waitedMs, detail: `Redis at ${spec.url} did not answer within ${waitedMs} ms${why}` },
    { cause },
  );
}

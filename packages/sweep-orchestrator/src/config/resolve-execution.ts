import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BUILTIN } from './builtin-defaults.js';
import type { ConfigProblem } from './errors.js';
import { redacting } from './redact.js';
import type { RawConfig } from './schema.js';
import type { ExecutionSpec, RedisSpec } from './types.js';

/** SPEC "Config": masking a shorter secret would mangle every message it appears in. */
const MIN_SECRET_LENGTH = 8;

/** `execution` with its defaults; the Redis password is read from its file here, once. */
export async function resolveExecution(
  raw: RawConfig['execution'],
  baseDir: string,
  problems: ConfigProblem[],
  /** false: the Redis password file is not read (status and reports need no secret). */
  readSecrets = true,
): Promise<ExecutionSpec> {
  let redis: RedisSpec | null = null;
  if (raw?.redis !== undefined) {
    const { url, passwordFile, tls } = raw.redis;
    const password = passwordFile === undefined || !readSecrets ? null : await readPassword(resolve(baseDir, passwordFile), problems);
    redis = redacting({ url, password, tls: tls === true || url.startsWith('rediss://') }, 'password');
  }
  return {
    mode: raw?.mode ?? BUILTIN.executionMode,
    redis,
    queue: raw?.queue ?? BUILTIN.queue,
    lockSeconds: raw?.lockSeconds ?? BUILTIN.lockSeconds,
    stallCheckSeconds: raw?.stallCheckSeconds ?? BUILTIN.stallCheckSeconds,
    maxStalls: raw?.maxStalls ?? BUILTIN.maxStalls,
  };
}

async function readPassword(file: string, problems: ConfigProblem[]): Promise<string | null> {
  const at = 'execution.redis.passwordFile';
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    problems.push({
      path: at,
      message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); it must hold the Redis password`,
    });
    return null;
  }
  if (text.length < MIN_SECRET_LENGTH) {
    // The length is said, the password never is.
    problems.push({ path: at, message: `${file} holds ${text.length} characters; a Redis password needs at least ${MIN_SECRET_LENGTH}` });
    return null;
  }
  return text;
}

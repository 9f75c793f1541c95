import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@canon/warm-registry';
import type { z } from 'zod';
import { ListenError } from './errors.js';

/** Reads one of listen's JSON state files: null when absent; anything unparseable is a ListenError. */
export async function readStateFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ListenError('STATE_UNREADABLE', { path, problem: (error as NodeJS.ErrnoException).code ?? String(error) }, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ListenError('STATE_UNREADABLE', { path, problem: 'not JSON' }, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ListenError('STATE_UNREADABLE', { path, problem: parsed.error.issues[0]?.message ?? 'invalid' });
  return parsed.data;
}

export function writeStateFile(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every regular file under `dir`, at any depth (symlinks are not followed): what a test reads to find a leak. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

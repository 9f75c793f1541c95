import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { TimerUnitsError } from './errors.js';
import {
  renderUnits,
  SERVICE_NAME,
  TIMER_NAME,
  type RenderedUnits,
  type RenderInput,
} from './render-units.js';

export type WrittenUnits = RenderedUnits & { servicePath: string; timerPath: string };

/**
 * Renders the units and writes them into `dir` (created if missing). Each file is
 * written atomically (temp file, fsync, rename, fsync of the directory), so systemd never
 * reads half a unit; nothing is written when rendering fails.
 */
export async function writeUnits(dir: string, input: RenderInput): Promise<WrittenUnits> {
  const rendered = renderUnits(input);
  const servicePath = path.join(dir, SERVICE_NAME);
  const timerPath = path.join(dir, TIMER_NAME);
  try {
    await mkdir(dir, { recursive: true });
    await writeAtomic(servicePath, rendered.service);
    await writeAtomic(timerPath, rendered.timer);
    await fsyncDir(dir);
  } catch (error) {
    throw new TimerUnitsError('WRITE_FAILED', { dir }, { cause: error });
  }
  return { ...rendered, servicePath, timerPath };
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

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

export type WrittenUnits = RenderedUnits & {
  servicePath: string;
  timerPath: string;
  /** Every file written, in `files` order. */
  paths: string[];
};

/**
 * Renders the units and writes every one of them into `dir` (created if missing). Each file is
 * written atomically (temp file, fsync, rename, fsync of the directory), so systemd never
 * reads half a unit; nothing is written when rendering fails.
 */
export async function writeUnits(dir: string, input: RenderInput): Promise<WrittenUnits> {
  const rendered = renderUnits(input);
  const servicePath = path.join(dir, SERVICE_NAME);
  const timerPath = path.join(dir, TIMER_NAME);
  const paths = Object.keys(rendered.files).map((name) => path.join(dir, name));
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(rendered.files))
      await writeAtomic(path.join(dir, name), text);
    await fsyncDir(dir);
  } catch (error) {
    throw new TimerUnitsError('WRITE_FAILED', { dir }, { cause: error });
  }
  return { ...rendered, servicePath, timerPath, paths };
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

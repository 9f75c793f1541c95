import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const RECIPES = 6000;

// Sleeps before reading, then reads in small bites with pauses: by the time it has read
// the first 64 KiB, a canon that exits without draining is long gone.
const SLOW_READER = `
const chunks = [];
await new Promise((r) => setTimeout(r, 800));
for await (const chunk of process.stdin) {
  chunks.push(chunk);
  await new Promise((r) => setTimeout(r, 2));
}
process.stdout.write(Buffer.concat(chunks));
`;

// Reads one chunk and leaves, as `head -c 100` does.
const EARLY_EXIT_READER = `
process.stdin.once('data', (chunk) => {
  process.stdout.write(chunk.subarray(0, 100));
  process.exit(0);
});
`;

type Piped = { canonCode: number | null; canonStderr: string; received: Buffer };

/** `canon ARGS | slow-reader`, a real pipe between two processes, no shell. */
function pipeThroughSlowReader(dir: string, args: string[], script = SLOW_READER): Promise<Piped> {
  const reader = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const canon = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', CANON_CONFIG: join(dir, 'canon.config.json') },
    stdio: ['ignore', reader.stdin, 'pipe'],
  });
  // Only canon may hold the pipe's write end, or the reader would never see its end.
  reader.stdin.destroy();
  const out: Buffer[] = [];
  reader.stdout.on('data', (d: Buffer) => out.push(d));
  let canonStderr = '';
  canon.stderr?.on('data', (d: Buffer) => (canonStderr += d.toString()));
  const canonDone = new Promise<number | null>((resolve) => canon.on('close', (code) => resolve(code)));
  const readerDone = new Promise<void>((resolve) => reader.on('close', () => resolve()));
  return Promise.all([canonDone, readerDone]).then(([canonCode]) => ({ canonCode, canonStderr, received: Buffer.concat(out) }));
}

/** The same command with stdout a file: written synchronously, so whole by construction. */
async function toFile(dir: string, args: string[], file: string): Promise<Buffer> {
  const fd = openSync(file, 'w');
  try {
    const canon = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CANON_CONFIG: join(dir, 'canon.config.json') },
      stdio: ['ignore', fd, 'inherit'],
    });
    await new Promise((resolve) => canon.on('close', resolve));
  } finally {
    closeSync(fd);
  }
  return readFile(file);
}

describe('output piped to a slower program arrives whole', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canon-pipe-'));
    const recipes = Object.fromEntries(Array.from({ length: RECIPES }, (_, i) => [`recipe-${String(i).padStart(5, '0')}`, {}]));
    const config = {
      stateDir: join(dir, 'state'),
      workDir: join(dir, 'work'),
      defaults: {
        upstream: 'https://git.example.org/upstream/{recipe}.git',
        mirror: 'https://git.example.org/ci-mirrors/{recipe}.git',
        test: { command: ['/bin/true', '{recipe}'] },
      },
      recipes,
    };
    await writeFile(join(dir, 'canon.config.json'), JSON.stringify(config));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('`canon status --json | reader`: more than 1 MiB, every byte, a document that parses', async () => {
    const piped = await pipeThroughSlowReader(dir, ['status', '--json']);
    expect(piped.canonCode, piped.canonStderr).toBe(0);
    expect(piped.received.length).toBeGreaterThan(1 << 20);
    const status = JSON.parse(piped.received.toString('utf8')) as { recipes: unknown[] };
    expect(status.recipes).toHaveLength(RECIPES);
    const whole = await toFile(dir, ['status', '--json'], join(dir, 'status.json'));
    expect(piped.received.equals(whole)).toBe(true);
  });

  it('`canon status | reader`: the text lines arrive whole too', async () => {
    const piped = await pipeThroughSlowReader(dir, ['status']);
    expect(piped.canonCode, piped.canonStderr).toBe(0);
    const whole = await toFile(dir, ['status'], join(dir, 'status.txt'));
    expect(whole.length).toBeGreaterThan(64 * 1024);
    expect(piped.received.toString('utf8')).toBe(whole.toString('utf8'));
  });

  it('a reader that leaves early (`| head`) ends canon quietly, not with an EPIPE stack trace', async () => {
    const piped = await pipeThroughSlowReader(dir, ['status', '--json'], EARLY_EXIT_READER);
    expect(piped.received.toString('utf8')).toMatch(/^\{/);
    expect(piped.canonCode).toBe(0);
    expect(piped.canonStderr).toBe('');
  });
});

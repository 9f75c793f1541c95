import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessRunning } from './internal/process-group.js';
import { CommandError, runCommand } from './run-command.js';
import type { RunCommandOptions } from './run-command.js';

const node = process.execPath;
const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];

afterAll(() => {
  for (const dir of mounts) execFileSync('umount', [dir]);
});

function options(dir: string, argv: string[], extra: Partial<RunCommandOptions> = {}): RunCommandOptions {
  return {
    argv,
    cwd: dir,
    env: {},
    timeoutMs: 60_000,
    killGraceMs: 1000,
    logFile: join(dir, 'runs', 'r1', 'beta', 'test.log'),
    stateDir: join(dir, 'state'),
    runId: 'r1',
    ...extra,
  };
}

/** A real small disk that fills: a tmpfs mount (root only). */
function smallDisk(bytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'canon-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

describe('runCommand under faults', () => {
  it.skipIf(!isRoot)('fails with LOG_DISK_FULL and stops the command when the log disk fills, instead of crashing (needs root for a tmpfs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canon-run-'));
    const disk = smallDisk(256 * 1024);
    const pidFile = join(dir, 'pid');
    // Prints 64 KiB every 10 ms forever: only canon can end it.
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); const b = Buffer.alloc(65536, 120); setInterval(() => process.stdout.write(b), 10);`;
    const error = await runCommand(options(dir, [node, '-e', script], { logFile: join(disk, 'runs', 'r1', 'beta', 'test.log') })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ code: 'LOG_DISK_FULL', data: { logFile: join(disk, 'runs', 'r1', 'beta', 'test.log') } });
    expect((error as Error).message).toMatch(/is full .*ENOSPC.*Free space/);
    expect(isProcessRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('keeps its memory bounded while a command prints 160 MiB into a log that is written slowly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canon-run-'));
    const opts = options(dir, ['head', '-c', String(160 << 20), '/dev/zero']);
    mkdirSync(join(dir, 'runs', 'r1', 'beta'), { recursive: true });
    execFileSync('mkfifo', [opts.logFile]);
    // The "disk": a reader that takes about 50 MB/s, far slower than head prints.
    const reader = spawn(
      node,
      ['-e', `let n = 0; const s = require('fs').createReadStream(${JSON.stringify(opts.logFile)}, { highWaterMark: 262144 });
s.on('data', (c) => { n += c.length; s.pause(); setTimeout(() => s.resume(), 5); });
s.on('end', () => console.log(n));`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let read = '';
    reader.stdout.on('data', (c: Buffer) => (read += c.toString()));
    const readerDone = new Promise((resolve) => reader.once('exit', resolve));

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const result = await runCommand(opts).finally(() => clearInterval(sampler));
    await readerDone;
    const growthMiB = (peak - baseline) / (1 << 20);
    console.log(`rss growth while logging 160 MiB to a slow reader: ${growthMiB.toFixed(1)} MiB`);
    expect(result.exitCode).toBe(0);
    expect(Number(read.trim())).toBeGreaterThan(160 << 20);
    expect(growthMiB).toBeLessThan(64);
  }, 120_000);

  it('masks every secret in the log, also one split across two writes and one on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canon-run-'));
    const token = 'tok-4f1c9a7e2b';
    const script = `process.stdout.write('token=' + process.argv[1].slice(0, 6));
setTimeout(() => { process.stdout.write(process.argv[1].slice(6) + ' end\\n'); console.error('err ' + process.argv[1]); }, 200);`;
    const opts = options(dir, [node, '-e', script, token], { secrets: [token, 'redis-password-1'], capture: true });
    const result = await runCommand(opts);
    const log = readFileSync(opts.logFile, 'utf8');
    expect(result.exitCode).toBe(0);
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.slice(0, 6) + '\n');
    expect(log).toContain('token=*** end\n');
    expect(log).toContain('err ***\n');
    // canon's own header line names the argv, and the token with it: masked too.
    expect(log).toMatch(/^# .* \$ .* \*\*\* {2}\(cwd /m);
  });

});

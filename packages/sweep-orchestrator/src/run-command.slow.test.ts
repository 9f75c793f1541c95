import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { reapOrphans } from '@canon/warm-registry';
import { expandEnv } from './config/index.js';
import { isProcessRunning } from './internal/process-group.js';
import { canonEnv, CommandError, runCommand } from './run-command.js';
import type { RunCommandOptions } from './run-command.js';

const node = process.execPath;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'canon-run-'));
}

/** A child that starts a grandchild; both ignore SIGTERM and print their pids, then sleep forever. */
function stubbornTree(dir: string): string {
  const grandchild = join(dir, 'grandchild.mjs');
  writeFileSync(grandchild, `process.on('SIGTERM', () => {}); console.log('grandchild ' + process.pid); setInterval(() => {}, 1000);\n`);
  const child = join(dir, 'child.mjs');
  writeFileSync(
    child,
    `import { spawn } from 'node:child_process';
process.on('SIGTERM', () => console.log('child got SIGTERM, ignoring'));
spawn(process.execPath, [${JSON.stringify(grandchild)}], { stdio: 'inherit' });
console.log('child ' + process.pid);
setInterval(() => {}, 1000);
`,
  );
  return child;
}

function options(dir: string, argv: string[], extra: Partial<RunCommandOptions> = {}): RunCommandOptions {
  return {
    argv,
    cwd: dir,
    env: {},
    timeoutMs: 10_000,
    killGraceMs: 1000,
    logFile: join(dir, 'runs', 'r1', 'beta', 'test.log'),
    stateDir: join(dir, 'state'),
    runId: 'r1',
    ...extra,
  };
}

function pidsIn(log: string): number[] {
  return [...log.matchAll(/^(?:child|grandchild) (\d+)$/gm)].map((m) => Number(m[1]));
}

describe('runCommand', () => {
  it('ends a child and a grandchild that both ignore SIGTERM within the grace period after a timeout', async () => {
    const dir = scratch();
    const started = performance.now();
    // 3 s leaves a loaded machine time to start both processes before the timeout.
    const result = await runCommand(options(dir, [node, stubbornTree(dir)], { timeoutMs: 3000, killGraceMs: 1000 }));
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGKILL' });
    expect(elapsed).toBeGreaterThanOrEqual(3900);
    expect(elapsed).toBeLessThan(3000 + 1000 + 1500);
    const log = readFileSync(join(dir, 'runs', 'r1', 'beta', 'test.log'), 'utf8');
    const pids = pidsIn(log);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isProcessRunning(pid), `pid ${pid} still running`).toBe(false);
    expect(log).toContain('child got SIGTERM, ignoring');
    expect(log).toMatch(/# timed out after 3000 ms: SIGTERM to process group \d+/);
    expect(log).toMatch(/# killed by SIGKILL after \d+ ms/);
  });

  it('ends the whole group at once when the run is interrupted through its AbortSignal', async () => {
    const dir = scratch();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const result = await runCommand(
      options(dir, [node, stubbornTree(dir)], { killGraceMs: 300, signal: controller.signal }),
    );
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    expect(result.durationMs).toBeLessThan(3000);
    for (const pid of pidsIn(readFileSync(options(dir, []).logFile, 'utf8'))) expect(isProcessRunning(pid)).toBe(false);
  });

  it('never reports a command it had to stop as exit 0, even when it exits 0 on SIGTERM', async () => {
    const dir = scratch();
    const script = 'process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 1000)';
    const result = await runCommand(options(dir, [node, '-e', script], { timeoutMs: 500 }));
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
    expect(readFileSync(options(dir, []).logFile, 'utf8')).toMatch(/# exit 0 after \d+ ms/);
  });

  it('reports exit codes and signals without throwing, and keeps the tail of stderr', async () => {
    const dir = scratch();
    const failed = await runCommand(options(dir, [node, '-e', 'console.error("boom: disk full"); process.exit(3)']));
    expect(failed).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false });
    expect(failed.stderrTail).toContain('boom: disk full');
    const killed = await runCommand(options(dir, [node, '-e', 'process.kill(process.pid, "SIGSEGV")']));
    expect(killed).toMatchObject({ exitCode: null, signal: 'SIGSEGV' });
  });

  it('leaves nothing running after a normal exit, even a background grandchild', async () => {
    const dir = scratch();
    const script = `const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); c.unref(); console.log('grandchild ' + c.pid);`;
    const result = await runCommand(options(dir, [node, '-e', script], { capture: true }));
    expect(result.exitCode).toBe(0);
    const [pid] = pidsIn(result.stdout);
    await sleep(100);
    expect(isProcessRunning(pid ?? 0)).toBe(false);
  });

  it('appends output to the log file, creating its directory, and captures stdout on request', async () => {
    const dir = scratch();
    const opts = options(dir, [node, '-e', 'console.log("first")'], { capture: true });
    await runCommand(opts);
    const second = await runCommand({ ...opts, argv: [node, '-e', 'console.log("second"); console.error("to stderr")'] });
    expect(second.stdout).toBe('second\n');
    const log = readFileSync(opts.logFile, 'utf8');
    expect(log.indexOf('first')).toBeLessThan(log.indexOf('second'));
    expect(log).toContain('to stderr');
    expect(log).toMatch(/# exit 0 after \d+ ms/);
    const quiet = await runCommand({ ...opts, capture: false, argv: [node, '-e', 'console.log("x")'] });
    expect(quiet.stdout).toBe('');
  });

  it('passes the CANON_* environment and the step env, and runs in the given cwd', async () => {
    const dir = scratch();
    const env = {
      ...canonEnv({ recipe: 'beta', version: '1.2.0+3', tag: 'v1.2.0+3', commit: 'abc', checkout: dir, upgradeBase: null, runId: 'r1', domain: 'warm-beta.test', previousVersion: '1.1.0+3', mode: 'advance' }),
      ...expandEnv({ RECIPE: '{recipe}', UPGRADE_FROM: 'from-{upgradeBase}' }, { recipe: 'beta' }),
    };
    const result = await runCommand(
      options(dir, [node, '-e', 'console.log(JSON.stringify({cwd: process.cwd(), env: process.env}))'], { env, capture: true }),
    );
    const seen = JSON.parse(result.stdout) as { cwd: string; env: Record<string, string> };
    expect(seen.cwd).toBe(dir);
    expect(seen.env).toMatchObject({
      CANON_RECIPE: 'beta',
      CANON_VERSION: '1.2.0+3',
      CANON_TAG: 'v1.2.0+3',
      CANON_COMMIT: 'abc',
      CANON_CHECKOUT: dir,
      CANON_UPGRADE_BASE: '',
      CANON_RUN_ID: 'r1',
      CANON_SKIP_FETCH: '1',
      CANON_DOMAIN: 'warm-beta.test',
      CANON_PREVIOUS_VERSION: '1.1.0+3',
      CANON_MODE: 'advance',
      RECIPE: 'beta',
      UPGRADE_FROM: 'from-',
    });
    expect(seen.env.PATH).toBe(process.env.PATH);
  });

  it('keeps secret variables of canon\'s environment away from the child', async () => {
    const dir = scratch();
    process.env.CANON_TEST_FORGE_TOKEN = 's3cret';
    try {
      const result = await runCommand(
        options(dir, [node, '-e', 'console.log(String(process.env.CANON_TEST_FORGE_TOKEN))'], {
          capture: true,
          withheldEnv: ['CANON_TEST_FORGE_TOKEN'],
        }),
      );
      expect(result.stdout).toBe('undefined\n');
    } finally {
      delete process.env.CANON_TEST_FORGE_TOKEN;
    }
  });

  it('passes on none of canon\'s environment beyond the allow-list and passEnv', async () => {
    const dir = scratch();
    process.env.REF = 'refs/pull/7/head';
    process.env.CCCI_QUICK = '1';
    process.env.CANON_TEST_PASSED = 'yes';
    try {
      const result = await runCommand(
        options(dir, [node, '-e', 'console.log(JSON.stringify(process.env))'], { capture: true, passEnv: ['CANON_TEST_PASSED'] }),
      );
      const seen = JSON.parse(result.stdout) as Record<string, string>;
      expect(seen.REF).toBeUndefined();
      expect(seen.CCCI_QUICK).toBeUndefined();
      expect(seen.CANON_TEST_PASSED).toBe('yes');
      expect(seen.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.REF;
      delete process.env.CCCI_QUICK;
      delete process.env.CANON_TEST_PASSED;
    }
  });

  it('refuses to start when the log file cannot be written', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'runs'), 'a file where the run directory should be');
    const marker = join(dir, 'ran');
    const error = await runCommand(options(dir, [node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`])).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'LOG_UNWRITABLE' });
    expect(() => readFileSync(marker)).toThrow();
  });

  it('throws SPAWN_FAILED naming the program when it cannot start, and logs why', async () => {
    const dir = scratch();
    const opts = options(dir, ['canon-no-such-program', 'x']);
    const error = await runCommand(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ code: 'SPAWN_FAILED', data: { argv: ['canon-no-such-program', 'x'] } });
    expect((error as Error).message).toContain('canon-no-such-program');
    expect(readFileSync(opts.logFile, 'utf8')).toMatch(/# could not start: .*ENOENT/);
  });

  it('does not start anything once the run is already interrupted', async () => {
    const dir = scratch();
    const marker = join(dir, 'ran');
    const result = await runCommand(
      options(dir, [node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`], { signal: AbortSignal.abort() }),
    );
    expect(result.aborted).toBe(true);
    expect(() => readFileSync(marker)).toThrow();
  });

  it('records its process group so that a later sweep can reap it, and forgets it once done', async () => {
    const dir = scratch();
    const opts = options(dir, [node, stubbornTree(dir)], { timeoutMs: 60_000, killGraceMs: 500 });
    const running = runCommand(opts);
    let reaped: Awaited<ReturnType<typeof reapOrphans>> = [];
    for (let i = 0; i < 100 && reaped.length === 0; i += 1) {
      await sleep(100);
      // A sweep with another run id treats r1's children as orphans of a killed sweep.
      reaped = await reapOrphans({ stateDir: opts.stateDir, currentRunId: 'r2', graceMs: 500 });
    }
    expect(reaped).toEqual([expect.objectContaining({ runId: 'r1', signalled: true })]);
    const result = await running;
    expect(result.exitCode).toBeNull();
    expect(await reapOrphans({ stateDir: opts.stateDir, currentRunId: 'r2' })).toEqual([]);
  });
});

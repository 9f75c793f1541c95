import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFleet, startRedisServer, type Fleet, type RedisServer } from '@canon/testkit';
import { resolveConfig, type ResolvedConfig } from '../config/index.js';
import { CLI } from './e2e-harness.js';
import { groupHasLiveMembers } from '../internal/process-group.js';
import type { TestJob } from '../queue/job.js';

/** The suite stand-in: records each call, then follows `behave/<recipe>` (one comma-separated step per call). */
const SUITE = `
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
const [dir, recipe] = process.argv.slice(2);
mkdirSync(join(dir, 'calls'), { recursive: true });
const n = readdirSync(join(dir, 'calls')).filter((f) => f.startsWith(recipe + '.')).length;
const head = execFileSync('git', ['rev-parse', 'HEAD']).toString().trim();
const plan = existsSync(join(dir, 'behave', recipe)) ? readFileSync(join(dir, 'behave', recipe), 'utf8').trim().split(',') : [];
const step = plan[n] ?? plan.at(-1) ?? 'ok';
writeFileSync(join(dir, 'calls', recipe + '.' + n + '.json'), JSON.stringify({
  recipe, n, pid: process.pid, cwd: process.cwd(), head, step,
  commit: process.env.CANON_COMMIT, checkout: process.env.CANON_CHECKOUT, runId: process.env.CANON_RUN_ID,
}));
console.log('suite ' + recipe + ' call ' + n + ': ' + step);
console.error('env ' + JSON.stringify(process.env));
if (step === 'hang') setInterval(() => {}, 1000);
else if (step === 'hang-ignore-term') { process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); }
else if (step.startsWith('sleep')) setTimeout(() => process.exit(0), Number(step.slice(5)) * 1000);
else if (step.startsWith('exit')) process.exit(Number(step.slice(4)));
else if (step === 'move-head') execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--allow-empty', '-qm', 'moved']);
`;

export type SuiteCall = { recipe: string; n: number; pid: number; cwd: string; head: string; step: string; commit: string; checkout: string; runId: string };

export type WorkerProcess = { child: ChildProcess; stateDir: string; stderr: () => string; exited: Promise<number | null> };

export type QueueFixture = {
  dir: string;
  fleet: Fleet;
  redis: RedisServer;
  passwordFile: string;
  /** A config for the sweep side or a worker; each worker gets its own state and work directory. */
  config(queue: string, own?: string, extra?: Record<string, unknown>): Promise<{ path: string; resolved: ResolvedConfig }>;
  startWorker(queue: string, name: string, opts?: { slots?: number; pool?: string; extra?: Record<string, unknown> }): Promise<WorkerProcess>;
  behave(recipe: string, steps: string): Promise<void>;
  calls(recipe?: string): Promise<SuiteCall[]>;
  waitForCalls(recipe: string, count: number, timeoutMs?: number): Promise<SuiteCall[]>;
  job(recipe: string, runId: string, overrides?: Partial<TestJob>): TestJob;
  close(): Promise<void>;
};

export const PASSWORD = 'queue-test-password-1234';
/** Short locks so a lost worker is noticed in seconds, not minutes. */
export const FAST = { lockSeconds: 3, stallCheckSeconds: 1, maxStalls: 1 };

export async function createQueueFixture(recipes: string[]): Promise<QueueFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'canon-queue-'));
  const fleet = await createFleet({ recipes, presynced: true, releases: ['0.1.0+1.0.0'] });
  const redis = await startRedisServer({ password: PASSWORD });
  const passwordFile = join(dir, 'redis.pass');
  await writeFile(passwordFile, `${PASSWORD}\n`);
  await writeFile(join(dir, 'suite.mjs'), SUITE);
  const workers: WorkerProcess[] = [];

  const config: QueueFixture['config'] = async (queue, own = 'sweep', extra = {}) => {
    const home = join(dir, own);
    await mkdir(home, { recursive: true });
    const json = {
      stateDir: join(home, 'state'),
      workDir: join(home, 'work'),
      defaults: {
        upstream: `${fleet.server.baseUrl}/upstream/{recipe}.git`,
        mirror: `${fleet.server.baseUrl}/ci-mirrors/{recipe}.git`,
        test: { command: [process.execPath, join(dir, 'suite.mjs'), dir, '{recipe}'], timeoutSeconds: 120 },
      },
      recipes: Object.fromEntries(recipes.map((r) => [r, {}])),
      killGraceSeconds: 1,
      execution: { mode: 'queue', redis: { url: redis.url, passwordFile }, queue, ...FAST },
      ...extra,
    };
    const path = join(home, 'canon.config.json');
    await writeFile(path, JSON.stringify(json, null, 2));
    return { path, resolved: await resolveConfig(json, { path, env: {} }) };
  };

  const startWorker: QueueFixture['startWorker'] = async (queue, name, opts = {}) => {
    const { path, resolved } = await config(queue, name, opts.extra);
    const pool = opts.pool === undefined ? [] : ['--pool', opts.pool];
    const child = spawn(process.execPath, [CLI, 'worker', '--config', path, '--slots', String(opts.slots ?? 1), ...pool], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const worker = { child, stateDir: resolved.stateDir, stderr: () => stderr, exited };
    workers.push(worker);
    await until(() => stderr.includes('taking jobs'), 30_000, () => `worker ${name} did not start:\n${stderr}`);
    return worker;
  };

  const calls: QueueFixture['calls'] = async (recipe) => {
    const files = await readdir(join(dir, 'calls')).catch(() => [] as string[]);
    const mine = files.filter((f) => recipe === undefined || f.startsWith(`${recipe}.`)).sort();
    return Promise.all(mine.map(async (f) => JSON.parse(await readFile(join(dir, 'calls', f), 'utf8')) as SuiteCall));
  };

  return {
    dir, fleet, redis, passwordFile, config, startWorker, calls,
    async behave(recipe, steps) {
      await mkdir(join(dir, 'behave'), { recursive: true });
      await writeFile(join(dir, 'behave', recipe), steps);
    },
    async waitForCalls(recipe, count, timeoutMs = 60_000) {
      let seen: SuiteCall[] = [];
      await until(async () => (seen = await calls(recipe)).length >= count, timeoutMs, () => `${recipe}: ${seen.length} of ${count} calls`);
      return seen;
    },
    job(recipe, runId, overrides = {}) {
      const r = fleet.recipe(recipe);
      const tag = r.upstream.tags[0];
      if (tag === undefined) throw new Error(`${recipe} has no tag`);
      return {
        schema: 1, runId, recipe, version: tag.name, tag: tag.name, commit: tag.commit, suiteRev: 'suite-rev-1', kind: 'test',
        mirror: r.mirrorUrl, test: { command: [process.execPath, join(dir, 'suite.mjs'), dir, '{recipe}'], timeoutSeconds: 120 },
        upgradeBase: null, previousVersion: null, domain: null, pool: null, ...overrides,
      };
    },
    async close() {
      for (const w of workers) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      for (const call of await calls()) {
        try {
          process.kill(-call.pid, 'SIGKILL');
        } catch {
          // already gone, as it should be
        }
      }
      await redis.stop();
      await fleet.close();
      if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await sleep(50);
  }
}

/** How long until the process group led by `pgid` has no live member (or Infinity past `timeoutMs`). */
export async function groupGoneWithin(pgid: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (groupHasLiveMembers(pgid)) {
    if (Date.now() - started > timeoutMs) return Number.POSITIVE_INFINITY;
    await sleep(25);
  }
  return Date.now() - started;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFleet, startWarmHost, type CreateFleetOptions, type Fleet, type WarmHost } from '@canon/testkit';
import type { RunRecord } from '@canon/warm-registry';
import { BUSY_SCRIPT, SUITE_SCRIPT } from './suite-script.js';

/** The built CLI, exactly what `node_modules/.bin/canon` runs (the test target builds first). */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');

export type CanonResult = { code: number | null; signal: string | null; stdout: string; stderr: string; ms: number };

export type TestCall = {
  recipe: string; version: string; tag: string; commit: string; checkout: string; upgradeBase: string;
  runId: string; skipFetch: string; cwd: string; argv: string[]; pid: number;
  /** When the test started (ISO). */
  at: string;
};

export type Scenario = {
  dir: string;
  fleet: Fleet;
  warm: WarmHost;
  stateDir: string;
  workDir: string;
  configPath: string;
  /** Writes canon.config.json from the scenario defaults with `patch` deep-assigned over them. */
  writeConfig(patch?: Record<string, unknown>): Promise<Record<string, unknown>>;
  behave(plan: Record<string, string>): Promise<void>;
  busy(recipes: string[]): Promise<void>;
  canon(args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CanonResult>;
  start(args: string[], opts?: { env?: NodeJS.ProcessEnv }): { child: ChildProcess; done: Promise<CanonResult> };
  calls(): Promise<TestCall[]>;
  latestRun(): Promise<RunRecord>;
  runIds(): Promise<string[]>;
  canonicalPath(recipe: string): string;
  readCanonical(recipe: string): Promise<Buffer | null>;
  close(): Promise<void>;
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? merge(b, v) : v;
  }
  return out;
}

export type ScenarioOptions = CreateFleetOptions & {
  /** Extra config defaults (e.g. `promote`), deep-merged over the scenario's. */
  config?: Record<string, unknown>;
};

/**
 * A fleet on a loopback git server, a state and work directory, a suite stand-in, and a
 * way to run the built `canon` against them as a subprocess.
 */
export async function createScenario(opts: ScenarioOptions): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), 'canon-e2e-'));
  const { config: extra, ...fleetOpts } = opts;
  const fleet = await createFleet({ presynced: false, ...fleetOpts });
  const warm = await startWarmHost().catch(async (error: unknown) => {
    await fleet.close();
    throw error;
  });
  const abra = (...args: string[]): string[] => [process.execPath, warm.fakeAbra, `--host=${warm.url}`, ...args];
  const stateDir = join(dir, 'state');
  const workDir = join(dir, 'work');
  const configPath = join(dir, 'canon.config.json');
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'bin', 'suite.mjs'), SUITE_SCRIPT);
  await writeFile(join(dir, 'bin', 'busy.mjs'), BUSY_SCRIPT);
  const base: Record<string, unknown> = merge(
    {
      stateDir,
      workDir,
      defaults: {
        upstream: `${fleet.server.baseUrl}/upstream/{recipe}.git`,
        mirror: `${fleet.server.baseUrl}/ci-mirrors/{recipe}.git`,
        busyCheck: [process.execPath, join(dir, 'bin', 'busy.mjs'), dir, '{recipe}'],
        test: { command: [process.execPath, join(dir, 'bin', 'suite.mjs'), dir, '{recipe}', '{version}'], timeoutSeconds: 20 },
        promote: {
          domain: 'warm-{recipe}.ci.test',
          deploy: abra('deploy', '{domain}', '{version}'),
          teardown: abra('teardown', '{domain}'),
          verify: abra('verify', '{domain}'),
          health: { url: warm.healthUrlTemplate, expectStatus: [200], rejectBodyPattern: '404 page not found', timeoutSeconds: 1.5, intervalSeconds: 0.1 },
          snapshot: abra('snapshot', '{domain}', '{version}'),
          park: abra('park', '{domain}'),
          volumeSize: abra('volume-size', '{domain}'),
          timeoutSeconds: 15,
          rollback: true,
        },
      },
      recipes: Object.fromEntries(fleet.recipes.map((r) => [r.name, {}])),
      lockStaleSeconds: 2,
      killGraceSeconds: 0.5,
    },
    extra ?? {},
  );

  const run = (args: string[], o: { env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; done: Promise<CanonResult> } => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CANON_CONFIG: configPath, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<CanonResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
    });
    return { child, done };
  };

  const scenario: Scenario = {
    dir, fleet, warm, stateDir, workDir, configPath,
    async writeConfig(patch = {}) {
      const config = merge(base, patch);
      await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
      return config;
    },
    behave: (plan) => writeFile(join(dir, 'behaviour.json'), JSON.stringify(plan)),
    busy: (recipes) => writeFile(join(dir, 'busy.json'), JSON.stringify(recipes)),
    async canon(args, o = {}) {
      const { child, done } = run(args, o);
      const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
    start: run,
    async calls() {
      const file = join(dir, 'calls.jsonl');
      if (!existsSync(file)) return [];
      return (await readFile(file, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TestCall);
    },
    async latestRun() {
      return JSON.parse(await readFile(join(stateDir, 'runs', 'latest.json'), 'utf8')) as RunRecord;
    },
    async runIds() {
      const runs = join(stateDir, 'runs');
      if (!existsSync(runs)) return [];
      return (await readdir(runs)).filter((n) => !n.endsWith('.json') && !n.startsWith('.')).sort();
    },
    canonicalPath: (recipe) => join(stateDir, 'registry', recipe, 'canonical.json'),
    async readCanonical(recipe) {
      const file = join(stateDir, 'registry', recipe, 'canonical.json');
      return existsSync(file) ? readFile(file) : null;
    },
    async close() {
      await warm.close();
      await fleet.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await scenario.writeConfig();
  return scenario;
}

/** SIGKILLs and forgets the processes a scenario left (a failing test must not leak them into the next). */
export function killLeftovers(pids: number[]): void {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
}

/**
 * True while a process with this pid is running. A zombie counts as gone: it has exited and
 * only waits for whoever adopted it to reap it.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export async function waitFor<T>(probe: () => Promise<T | null> | T | null, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function readPid(file: string): Promise<number | null> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The value, or a test failure naming what was missing. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, found none`);
  return value;
}

/** Live (non-zombie) processes whose environment holds `name=value`, e.g. a run's CANON_RUN_ID. */
export function processesWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (env.includes(needle) && alive(Number(entry))) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

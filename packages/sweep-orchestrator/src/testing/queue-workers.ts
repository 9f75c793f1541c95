import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, type Scenario } from './e2e-harness.js';
import { until } from './queue-fixture.js';
import { startRedisServer, type RedisServer } from '@canon/testkit';

export const REDIS_PASSWORD = 'e2e-queue-password-5678';

export type E2eWorker = { name: string; child: ChildProcess; stateDir: string; workDir: string; stderr: () => string; exited: Promise<number | null> };

export type QueueSide = {
  redis: RedisServer;
  /** The `execution` block of every config: the sweep's and each worker's. */
  execution: Record<string, unknown>;
  /**
   * A `canon worker` on the scenario's current config with its own stateDir and workDir
   * (`<dir>/<name>/…`): the same name again is the same host restarted. `env` is laid over
   * this process's environment (an undefined value removes a variable).
   */
  startWorker(name: string, opts?: { env?: NodeJS.ProcessEnv }): Promise<E2eWorker>;
  close(): Promise<void>;
};

/** A real redis-server and `canon worker` processes beside an e2e scenario; short locks so a lost worker shows in seconds. */
export async function startQueueSide(sc: Scenario, queue = 'canon-e2e'): Promise<QueueSide> {
  const redis = await startRedisServer({ password: REDIS_PASSWORD });
  const passwordFile = join(sc.dir, 'redis.pass');
  await writeFile(passwordFile, `${REDIS_PASSWORD}\n`);
  const workers: E2eWorker[] = [];
  return {
    redis,
    execution: { mode: 'queue', redis: { url: redis.url, passwordFile }, queue, lockSeconds: 3, stallCheckSeconds: 1, maxStalls: 1 },
    async startWorker(name, opts = {}) {
      const home = join(sc.dir, name);
      await mkdir(home, { recursive: true });
      const config = JSON.parse(await readFile(sc.configPath, 'utf8')) as Record<string, unknown>;
      const stateDir = join(home, 'state');
      const workDir = join(home, 'work');
      const path = join(home, 'canon.config.json');
      await writeFile(path, JSON.stringify({ ...config, stateDir, workDir }, null, 2));
      const child = spawn(process.execPath, [CLI, 'worker', '--config', path], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', ...opts.env },
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const worker = { name, child, stateDir, workDir, stderr: () => stderr, exited };
      workers.push(worker);
      await until(() => stderr.includes('taking jobs'), 30_000, () => `worker ${name} did not start:\n${stderr}`);
      return worker;
    },
    async close() {
      for (const w of workers) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await redis.stop();
    },
  };
}

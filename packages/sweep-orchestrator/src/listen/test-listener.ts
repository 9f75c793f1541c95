// Test support (not exported): a listener on a free port over a temp state dir.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../config/index.js';
import { startListener, type Listener } from './start-listener.js';
import type { SweepLauncher } from './sweep-child.js';

export const SECRET = 'hook-secret-for-tests';
export const UPSTREAM_A = 'https://git.example.org/coop-cloud/alpha.git';
export const UPSTREAM_B = 'https://git.example.org/coop-cloud/beta.git';

export type TestListener = {
  listener: Listener;
  config: ResolvedConfig;
  hookUrl: string;
  logs: string[];
  launched: string[][];
  pendingBytes(): Promise<string | null>;
  close(): Promise<void>;
};

/** `launch` defaults to one that fails the test if a sweep is ever started. */
export async function startTestListener(opts: { debounceSeconds?: number; launch?: SweepLauncher } = {}): Promise<TestListener> {
  const dir = await mkdtemp(join(tmpdir(), 'canon-listen-'));
  await writeFile(join(dir, 'hook.secret'), `${SECRET}\n`);
  const config = await resolveConfig(
    {
      stateDir: 'state',
      defaults: { mirror: 'https://git.example.org/mirrors/{recipe}.git', test: { command: ['true'] } },
      recipes: {
        alpha: { upstream: UPSTREAM_A },
        beta: { upstream: UPSTREAM_B },
        gamma: { upstream: 'https://git.example.org/coop-cloud/gamma.git', enrolled: false, reason: 'parked' },
      },
      webhook: { secretFile: 'hook.secret', debounceSeconds: opts.debounceSeconds ?? 3600 },
    },
    { path: join(dir, 'canon.config.json'), env: {} },
  );
  const logs: string[] = [];
  const launched: string[][] = [];
  const launch: SweepLauncher =
    opts.launch ??
    ((recipes) => {
      launched.push([...recipes]);
      throw new Error(`no sweep expected in this test, got one for ${recipes.join(', ')}`);
    });
  const listener = await startListener({ config, launch, log: (l) => logs.push(l), port: 0 });
  const pendingFile = join(config.stateDir, 'listen', 'pending.json');
  return {
    listener, config, logs, launched,
    hookUrl: `${listener.url}/hooks/forge`,
    pendingBytes: () => readFile(pendingFile, 'utf8').catch(() => null),
    async close() {
      await listener.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

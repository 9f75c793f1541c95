import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The built CLI, as `node_modules/.bin/canon` runs it. */
export const CANON_CLI = join(dirname(require.resolve('@canon/sweep-orchestrator/package.json')), 'dist', 'cli.js');

export const TRUE = '/bin/true';

/** A warm host whose every domain is healthy at once: P2 measures canon, not a deploy. */
export async function startInstantHealth(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/{domain}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type BenchConfig = { dir: string; gitBase: string; names: readonly string[]; healthUrl?: string };

/** Writes canon.config.json for a bench fleet: `test` and `deploy` are `true`. */
export async function writeBenchConfig(c: BenchConfig): Promise<{ path: string; stateDir: string }> {
  const stateDir = join(c.dir, 'state');
  await mkdir(stateDir, { recursive: true });
  const config = {
    stateDir,
    workDir: join(c.dir, 'work'),
    defaults: {
      upstream: `${c.gitBase}/upstream/{recipe}.git`,
      mirror: `${c.gitBase}/ci-mirrors/{recipe}.git`,
      test: { command: [TRUE], timeoutSeconds: 60 },
      promote: {
        domain: 'warm-{recipe}.bench.test',
        deploy: [TRUE],
        health: { url: c.healthUrl ?? 'http://127.0.0.1:9/{domain}/', expectStatus: [200], timeoutSeconds: 10, intervalSeconds: 0.05 },
        timeoutSeconds: 60,
        rollback: false,
      },
    },
    recipes: Object.fromEntries(c.names.map((n) => [n, {}])),
  };
  const path = join(c.dir, 'canon.config.json');
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return { path, stateDir };
}

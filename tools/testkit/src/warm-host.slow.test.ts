import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarmHost } from './warm-host.js';
import { HANG_TREE_PATH, startWarmHost } from './warm-host.js';

const run = promisify(execFile);

describe('warm host and fake-abra', () => {
  let host: WarmHost;
  beforeAll(async () => {
    host = await startWarmHost();
  });
  afterAll(async () => {
    await host.close();
  });

  const abra = (args: string[], mode = 'seed') =>
    run(host.fakeAbra, args, { env: { ...process.env, WARM_HOST_URL: host.url, CANON_MODE: mode } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('serves 404 until a version is deployed, then 200; verify prints the deployed version', async () => {
    const domain = 'warm-alpha.test';
    expect((await fetch(host.healthUrl(domain))).status).toBe(404);
    expect((await abra(['deploy', domain, '1.0.0+1'])).code).toBe(0);
    const response = await fetch(host.healthUrl(domain));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('running 1.0.0+1');
    expect((await abra(['verify', domain])).stdout).toBe('1.0.0+1\n');
    expect(host.state(domain)).toMatchObject({ deployed: '1.0.0+1', mode: 'seed', volumes: true });
    expect((await abra(['teardown', domain])).code).toBe(0);
    expect(host.state(domain)).toMatchObject({ deployed: null, volumes: false });
    expect(host.events(domain).map((e) => e.op)).toEqual(['deploy', 'verify', 'teardown']);
  });

  it('fails, answers 503 or the proxy fallback page per domain as configured', async () => {
    host.configure('warm-beta.test', { failDeployVersions: ['2.0.0+1'], unhealthyVersions: ['1.5.0+1'] });
    host.configure('warm-gamma.test', { fallbackVersions: ['1.0.0+1'], faults: { snapshot: 'fail' } });
    expect((await abra(['deploy', 'warm-beta.test', '2.0.0+1'])).code).toBe(1);
    expect(host.state('warm-beta.test').deployed).toBeNull();
    await abra(['deploy', 'warm-beta.test', '1.5.0+1']);
    expect((await fetch(host.healthUrl('warm-beta.test'))).status).toBe(503);
    await abra(['deploy', 'warm-gamma.test', '1.0.0+1']);
    const fallback = await fetch(host.healthUrl('warm-gamma.test'));
    expect([fallback.status, await fallback.text()]).toEqual([200, '404 page not found\n']);
    const snapshot = await abra(['snapshot', 'warm-gamma.test', '1.0.0+1']);
    expect(snapshot.code).toBe(1);
    expect(snapshot.stderr).toContain('simulated failure');
  });
});

describe('hang-tree', () => {
  it('leaves a child and a grandchild that survive SIGTERM and die with a group SIGKILL', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'hang-tree-')), 'pids');
    const child = spawn(HANG_TREE_PATH, [pidFile], { detached: true, stdio: 'ignore' });
    const pids = () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim().split('\n') : []);
    for (let i = 0; i < 100 && pids().length < 2; i += 1) await sleep(50);
    expect(pids()).toEqual([`hang-tree child ${child.pid}`, expect.stringMatching(/^hang-tree grandchild \d+$/)]);
    process.kill(-(child.pid as number), 'SIGTERM');
    await sleep(300);
    expect(child.exitCode).toBeNull();
    process.kill(-(child.pid as number), 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(child.signalCode).toBe('SIGKILL');
  });
});

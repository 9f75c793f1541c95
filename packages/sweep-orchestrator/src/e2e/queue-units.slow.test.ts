import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI, createScenario, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

describe('canon units render for a queue-mode host with a webhook', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: ['custom-html'] });
  });
  afterAll(() => s.close());

  it('writes canon-worker.service and canon-listen.service beside the sweep units, and verify accepts them', async () => {
    await writeFile(join(s.dir, 'redis.pass'), 'units-redis-password-1\n');
    await writeFile(join(s.dir, 'hook.secret'), 'units-hook-secret-1\n');
    await s.writeConfig({
      execution: { mode: 'queue', redis: { url: 'redis://127.0.0.1:6399/0', passwordFile: join(s.dir, 'redis.pass') } },
      webhook: { secretFile: join(s.dir, 'hook.secret') },
    });
    const dir = join(s.dir, 'units');
    const rendered = await s.canon(['units', 'render', '--out', dir]);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual([
      'canon-listen.service', 'canon-metrics.service', 'canon-metrics.timer', 'canon-sweep.service', 'canon-sweep.timer', 'canon-worker.service',
    ]);
    const worker = await readFile(join(dir, 'canon-worker.service'), 'utf8');
    expect(worker).toContain(`ExecStart=${CLI} worker --config ${s.configPath}\n`);
    expect(worker).toContain('Restart=on-failure\n');
    expect(worker).toContain('KillMode=control-group\n');
    expect(await readFile(join(dir, 'canon-listen.service'), 'utf8')).toContain(`ExecStart=${CLI} listen --config ${s.configPath}\n`);
    for (const unit of await readdir(dir)) {
      const text = await readFile(join(dir, unit), 'utf8');
      expect(text, unit).not.toContain('units-redis-password-1');
      expect(text, unit).not.toContain('units-hook-secret-1');
    }

    const verified = await s.canon(['units', 'verify', dir]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`${dir}: units OK`);
    if (existsSync(SYSTEMD_ANALYZE)) {
      // systemd's own reading of the two daemons: it exits non-zero on a unit it cannot load.
      execFileSync(SYSTEMD_ANALYZE, ['verify', '--man=no', join(dir, 'canon-worker.service'), join(dir, 'canon-listen.service')], { stdio: 'pipe' });
    }
  });

  it('renders neither daemon for a local-mode config without a webhook', async () => {
    await s.writeConfig();
    const dir = join(s.dir, 'units-local');
    const rendered = await s.canon(['units', 'render', '--out', dir]);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['canon-metrics.service', 'canon-metrics.timer', 'canon-sweep.service', 'canon-sweep.timer']);
  });
});

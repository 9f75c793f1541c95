import { existsSync, readFileSync } from 'node:fs';
import { acquireAppLock } from '@canon/warm-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessRunning } from '../internal/process-group.js';
import type { PromoteFixture } from '../testing/promote-fixture.js';
import { createPromoteFixture, NEW, OLD } from '../testing/promote-fixture.js';

let fixture: PromoteFixture;
beforeEach(async () => {
  fixture = await createPromoteFixture();
});
afterEach(async () => {
  await fixture.close();
});

describe('promoteRecipe: failures keep the record and roll back', () => {
  it('keeps canonical.json byte-identical when the new version is unhealthy, and rolls back to a healthy canonical', async () => {
    const before = await fixture.haveCanonical();
    fixture.host.configure('warm-alpha.test', { unhealthyVersions: [NEW.version] });
    const result = await fixture.promote(await fixture.configWith());
    expect(result).toMatchObject({ ok: false, reason: 'unhealthy', rollback: { attempted: true, healthy: true, reason: null } });
    expect(result.detail).toMatch(/status 503/);
    expect(readFileSync(fixture.canonicalFile('alpha')).equals(before)).toBe(true);
    expect(fixture.host.state('warm-alpha.test')).toMatchObject({ deployed: OLD.version, mode: 'rollback' });
    expect(fixture.host.events('warm-alpha.test').map((e) => `${e.op}:${e.version}:${e.mode}`)).toEqual([
      `deploy:${NEW.version}:advance`,
      `deploy:${OLD.version}:rollback`,
    ]);
    const history = await fixture.registry.readHistory('alpha');
    expect(history.map((e) => e.type)).toEqual(['advance-failed', 'rolled-back']);
    expect(history[1]).toMatchObject({ version: OLD.version, commit: OLD.commit });
  });

  it('reports a rollback that does not come back healthy', async () => {
    const before = await fixture.haveCanonical();
    fixture.host.configure('warm-alpha.test', { failDeployVersions: [NEW.version], unhealthyVersions: [OLD.version] });
    const result = await fixture.promote(await fixture.configWith());
    expect(result).toMatchObject({ ok: false, reason: 'deploy-failed', rollback: { attempted: true, healthy: false } });
    expect(result.rollback?.reason).toMatch(/^unhealthy: /);
    expect(readFileSync(fixture.canonicalFile('alpha')).equals(before)).toBe(true);
    expect((await fixture.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['advance-failed', 'rollback-failed']);
  });

  it('does not promote when verify prints another version', async () => {
    fixture.host.configure('warm-alpha.test', { verifyOutput: '0.9.0+1.19' });
    const result = await fixture.promote(await fixture.configWith());
    expect(result).toMatchObject({ ok: false, reason: 'verify-mismatch' });
    expect(result.detail).toContain('"0.9.0+1.19"');
    expect(existsSync(fixture.canonicalFile('alpha'))).toBe(false);
    expect(fixture.host.events('warm-alpha.test').map((e) => e.op)).not.toContain('snapshot');
  });

  it('does not promote when the snapshot fails', async () => {
    fixture.host.configure('warm-alpha.test', { faults: { snapshot: 'fail' } });
    const result = await fixture.promote(await fixture.configWith());
    expect(result).toMatchObject({ ok: false, reason: 'snapshot-failed' });
    expect(result.detail).toMatch(/snapshot exited 1: .*simulated failure/);
    expect(existsSync(fixture.canonicalFile('alpha'))).toBe(false);
    expect((await fixture.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['seed-failed']);
  });

  it('bounds the whole promote: a hanging deploy and its SIGTERM-proof grandchild are killed, nothing recorded', async () => {
    fixture.host.configure('warm-alpha.test', { faults: { deploy: 'hang-tree' } });
    const started = performance.now();
    // Long enough for fake-abra, its child and grandchild to start on a busy machine.
    const result = await fixture.promote(await fixture.configWith({ timeoutSeconds: 4 }));
    expect(performance.now() - started).toBeLessThan(4000 + 1000 + 2500);
    expect(result).toMatchObject({ ok: false, timedOut: true, reason: 'timed-out', rollback: null });
    expect(existsSync(fixture.canonicalFile('alpha'))).toBe(false);
    const log = readFileSync(fixture.promoteLog('alpha'), 'utf8');
    const pids = [...log.matchAll(/^hang-tree (?:child|grandchild) (\d+)$/gm)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isProcessRunning(pid), `pid ${pid}`).toBe(false);
    const lock = await acquireAppLock({ stateDir: fixture.stateDir, domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 });
    await lock.release();
  });

  it('stops at once when the sweep is interrupted: no record, no rollback, lock free', async () => {
    const before = await fixture.haveCanonical();
    fixture.host.configure('warm-alpha.test', { faults: { deploy: 'hang' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const result = await fixture.promote(await fixture.configWith(), 'alpha', { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, timedOut: false, reason: 'interrupted', rollback: null });
    expect(readFileSync(fixture.canonicalFile('alpha')).equals(before)).toBe(true);
    expect(fixture.host.events('warm-alpha.test').map((e) => e.op)).toEqual(['deploy']);
    const lock = await acquireAppLock({ stateDir: fixture.stateDir, domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 });
    await lock.release();
  });

  it('times out a health poll the promote budget cut short', async () => {
    fixture.host.configure('warm-alpha.test', { unhealthyVersions: [NEW.version] });
    const result = await fixture.promote(
      await fixture.configWith({ timeoutSeconds: 3, health: { url: fixture.host.healthUrlTemplate, timeoutSeconds: 60, intervalSeconds: 0.2 } }),
    );
    expect(result).toMatchObject({ ok: false, timedOut: true, reason: 'timed-out' });
    expect(result.durationMs).toBeLessThan(6000);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireAppLock } from '@canon/warm-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../config/index.js';
import type { PromoteFixture } from '../testing/promote-fixture.js';
import { createPromoteFixture, NEW, OLD } from '../testing/promote-fixture.js';
import { holdWithPython, probeLockIntoFile, pythonSeesLock } from '../testing/python-flock.js';

const DOMAIN = 'warm-alpha.test';
let fixture: PromoteFixture;
let lockPath: string;
beforeEach(async () => {
  fixture = await createPromoteFixture();
  lockPath = join(fixture.dir, `cc-ci-app-${DOMAIN}.lock`);
});
afterEach(async () => {
  await fixture.close();
});

// Live infrastructure (traefik, keycloak on cc-ci): backed up and restored, with cc-ci's app lock.
const live = (more: Record<string, unknown> = {}) =>
  fixture.configWith({
    mode: 'live',
    park: null,
    backup: [fixture.host.fakeAbra, 'backup', '{domain}'],
    restore: [fixture.host.fakeAbra, 'restore', '{domain}'],
    locks: [join(fixture.dir, 'cc-ci-app-{domain}.lock')],
    ...more,
  });
const withBusyCheck = (config: ResolvedConfig, argv: string[]): ResolvedConfig => ({
  ...config,
  recipes: config.recipes.map((r) => ({ ...r, busyCheck: argv })),
});

describe('the live promoter takes promote.locks and re-checks busy (SPEC "Promote" step 1)', () => {
  it("cc-ci's app lock held by a Python fcntl.flock holder → app-locked: no backup, nothing deployed, the record untouched", async () => {
    const before = await fixture.haveCanonical();
    const holder = await holdWithPython(lockPath);
    try {
      const result = await fixture.promote(await live());
      expect(result).toMatchObject({ ok: false, reason: 'app-locked', rollback: null, mode: 'advance' });
      expect(result.detail).toContain(lockPath);
      expect(result.detail).toContain(`pid ${holder.pid}`);
      expect(fixture.host.events(DOMAIN)).toEqual([]);
      expect(fixture.host.state(DOMAIN)).toMatchObject({ deployed: OLD.version, backups: [] });
      expect(readFileSync(fixture.canonicalFile('alpha'))).toEqual(before);
      expect((await fixture.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['advance-failed']);
      // canon let go of its own app lock too.
      await (await acquireAppLock({ stateDir: fixture.stateDir, domain: DOMAIN, runId: 'next', staleSeconds: 5 })).release();
    } finally {
      await holder.release();
    }
  });

  it('busy after the test → busy: no backup, no restore, no rollback, the record untouched, the lock released', async () => {
    const before = await fixture.haveCanonical();
    const result = await fixture.promote(withBusyCheck(await live(), [process.execPath, '-e', 'process.exit(1)']));
    expect(result).toMatchObject({ ok: false, reason: 'busy', rollback: null, mode: 'advance' });
    expect(result.detail).toMatch(/busyCheck exited 1: another CI run holds alpha \(checked again after the test, before the promote\)/);
    expect(fixture.host.events(DOMAIN)).toEqual([]);
    expect(readFileSync(fixture.canonicalFile('alpha'))).toEqual(before);
    expect(await pythonSeesLock(lockPath)).toBe('free');
  });

  it('waits up to lockWaitSeconds, holds the flock from the backup to the record, and lets go of it after', async () => {
    await fixture.haveCanonical();
    const holder = await holdWithPython(lockPath);
    setTimeout(() => void holder.release(), 500);
    const seen = join(fixture.dir, 'seen-during-snapshot');
    const config = withBusyCheck(
      await live({ lockWaitSeconds: 30, snapshot: probeLockIntoFile(lockPath, seen) }),
      [process.execPath, '-e', 'process.exit(0)'],
    );
    const result = await fixture.promote(config);
    expect(result).toMatchObject({ ok: true, mode: 'advance' });
    expect(fixture.host.events(DOMAIN).map((e) => e.op)).toEqual(['backup', 'deploy', 'verify', 'volume-size']);
    expect(readFileSync(seen, 'utf8')).toBe('held');
    expect(await pythonSeesLock(lockPath)).toBe('free');
    expect(JSON.parse(readFileSync(fixture.canonicalFile('alpha'), 'utf8'))).toMatchObject({ version: NEW.version, commit: NEW.commit, previous: { version: OLD.version } });
  });
});

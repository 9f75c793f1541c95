import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireAppLock } from '@canon/warm-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../config/index.js';
import type { PromoteFixture } from '../testing/promote-fixture.js';
import { createPromoteFixture, NEW } from '../testing/promote-fixture.js';
import { holdWithPython, probeLockIntoFile, pythonSeesLock } from '../testing/python-flock.js';

let fixture: PromoteFixture;
let lockPath: string;
beforeEach(async () => {
  fixture = await createPromoteFixture();
  lockPath = join(fixture.dir, 'cc-ci-app-warm-alpha.test.lock');
});
afterEach(async () => {
  await fixture.close();
});

const ccciLocks = () => ({ locks: [join(fixture.dir, 'cc-ci-app-{domain}.lock')] });
const withBusyCheck = (config: ResolvedConfig, argv: string[]): ResolvedConfig => ({
  ...config,
  recipes: config.recipes.map((r) => ({ ...r, busyCheck: argv })),
});

describe('promote locks (SPEC "Promote" step 1)', () => {
  it('a promote.locks file a Python fcntl.flock holder keeps → app-locked, nothing run, the lock never taken from it', async () => {
    const holder = await holdWithPython(lockPath);
    try {
      const result = await fixture.promote(await fixture.configWith(ccciLocks()));
      expect(result).toMatchObject({ ok: false, reason: 'app-locked', rollback: null });
      expect(result.detail).toContain(lockPath);
      expect(result.detail).toContain(`pid ${holder.pid}`);
      expect(fixture.host.events('warm-alpha.test')).toEqual([]);
      expect(existsSync(fixture.canonicalFile('alpha'))).toBe(false);
      expect((await fixture.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['seed-failed']);
      // canon let go of its own app lock too.
      await (await acquireAppLock({ stateDir: fixture.stateDir, domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 })).release();
    } finally {
      await holder.release();
    }
  });

  it('waits up to lockWaitSeconds, holds the flock for the whole promote, and lets go of it after', async () => {
    const holder = await holdWithPython(lockPath);
    setTimeout(() => void holder.release(), 500);
    const seen = join(fixture.dir, 'seen-during-snapshot');
    const result = await fixture.promote(
      await fixture.configWith({ ...ccciLocks(), lockWaitSeconds: 30, snapshot: probeLockIntoFile(lockPath, seen) }),
    );
    expect(result).toMatchObject({ ok: true, mode: 'seed' });
    expect(readFileSync(seen, 'utf8')).toBe('held');
    expect(await pythonSeesLock(lockPath)).toBe('free');
  });

  it.each(['timeout', 'interrupt'] as const)('lets go of every promote.locks flock when the promote ends by %s (SPEC "Promote" step 9)', async (how) => {
    fixture.host.configure('warm-alpha.test', { faults: { deploy: 'hang' } });
    const controller = new AbortController();
    if (how === 'interrupt') setTimeout(() => controller.abort(), 700);
    const config = await fixture.configWith({ ...ccciLocks(), timeoutSeconds: how === 'timeout' ? 1 : 60 });
    const result = await fixture.promote(config, 'alpha', { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, reason: how === 'timeout' ? 'timed-out' : 'interrupted' });
    expect(await pythonSeesLock(lockPath)).toBe('free');
    await (await acquireAppLock({ stateDir: fixture.stateDir, domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 })).release();
  });

  it('a lock file whose directory is missing → lock-failed naming it; canon creates no directory', async () => {
    const missing = join(fixture.dir, 'run', 'lock');
    const result = await fixture.promote(await fixture.configWith({ locks: [join(missing, 'cc-ci-app-{domain}.lock')] }));
    expect(result).toMatchObject({ ok: false, reason: 'lock-failed' });
    expect(result.detail).toContain(missing);
    expect(existsSync(missing)).toBe(false);
    expect(fixture.host.events('warm-alpha.test')).toEqual([]);
  });
});

describe('busy re-check (SPEC "Promote" step 1)', () => {
  it('busy when the promote starts → busy, no command run, no rollback, the canonical untouched', async () => {
    const before = await fixture.haveCanonical();
    const config = withBusyCheck(await fixture.configWith(), [process.execPath, '-e', 'process.exit(1)']);
    const result = await fixture.promote(config);
    expect(result).toMatchObject({ ok: false, reason: 'busy', rollback: null, mode: 'advance' });
    expect(result.detail).toMatch(/busyCheck exited 1: another CI run holds alpha/);
    expect(fixture.host.events('warm-alpha.test')).toEqual([]);
    expect(readFileSync(fixture.canonicalFile('alpha'))).toEqual(before);
  });

  it('free → the promote goes on', async () => {
    const config = withBusyCheck(await fixture.configWith(), [process.execPath, '-e', 'process.exit(0)']);
    expect(await fixture.promote(config)).toMatchObject({ ok: true });
  });
});

describe('seed safety (SPEC "Promote" step 2)', () => {
  it('a seed where something already answers healthy → domain-in-use naming canon adopt; no command runs against it', async () => {
    fixture.host.setDeployed('warm-alpha.test', 'live-warm');
    const result = await fixture.promote(await fixture.configWith());
    expect(result).toMatchObject({ ok: false, reason: 'domain-in-use', rollback: null, mode: 'seed' });
    expect(result.detail).toContain('canon adopt --recipe alpha');
    expect(fixture.host.events('warm-alpha.test')).toEqual([]);
    expect(fixture.host.state('warm-alpha.test')).toMatchObject({ deployed: 'live-warm', volumes: true });
    expect(existsSync(fixture.canonicalFile('alpha'))).toBe(false);
    expect((await fixture.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['seed-refused']);
  });
});

describe('snapshotAfterPark (SPEC "Promote" step 7)', () => {
  it('parks before the snapshot and records after both', async () => {
    const result = await fixture.promote(await fixture.configWith({ snapshotAfterPark: true }));
    expect(result).toMatchObject({ ok: true, warnings: [] });
    expect(fixture.host.events('warm-alpha.test').map((e) => e.op)).toEqual(['teardown', 'deploy', 'verify', 'park', 'snapshot', 'volume-size']);
    expect(fixture.host.state('warm-alpha.test')).toMatchObject({ deployed: null, snapshots: [NEW.version] });
    expect(JSON.parse(readFileSync(fixture.canonicalFile('alpha'), 'utf8'))).toMatchObject({ version: NEW.version });
  });

  it('a park failure then fails the promote: nothing recorded', async () => {
    fixture.host.configure('warm-alpha.test', { faults: { park: 'fail' } });
    const result = await fixture.promote(await fixture.configWith({ snapshotAfterPark: true }));
    expect(result).toMatchObject({ ok: false, reason: 'park-failed' });
    expect(fixture.host.events('warm-alpha.test').map((e) => e.op)).not.toContain('snapshot');
    expect(existsSync(fixture.canonicalFile('alpha'))).toBe(false);
  });
});

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireAppLock } from '@canon/warm-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PromoteFixture } from '../testing/promote-fixture.js';
import { createPromoteFixture, NEW, OLD } from '../testing/promote-fixture.js';

let fixture: PromoteFixture;
beforeEach(async () => {
  fixture = await createPromoteFixture();
});
afterEach(async () => {
  await fixture.close();
});

describe('promoteRecipe: promotions and refusals', () => {
  it('seeds: tears residue down first, deploys, checks, records, parks, measures volumes', async () => {
    // Residue of a failed earlier seed: it no longer answers healthy (a healthy one is refused, see promote-guards).
    fixture.host.setDeployed('warm-alpha.test', 'residue');
    fixture.host.configure('warm-alpha.test', { volumeBytes: 73_400_320, unhealthyVersions: ['residue'] });
    const result = await fixture.promote(await fixture.configWith());
    expect(result).toMatchObject({ ok: true, mode: 'seed', reason: null, timedOut: false, rollback: null, warnings: [], warmVolumeBytes: 73_400_320 });
    expect(fixture.host.events('warm-alpha.test').map((e) => `${e.op}:${e.outcome}`)).toEqual([
      'teardown:ok',
      'deploy:ok',
      'verify:ok',
      'snapshot:ok',
      'park:ok',
      'volume-size:ok',
    ]);
    expect(fixture.host.events('warm-alpha.test')[1]).toMatchObject({ version: NEW.version, mode: 'seed' });
    const record = JSON.parse(readFileSync(fixture.canonicalFile('alpha'), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({
      schema: 1,
      recipe: 'alpha',
      ...NEW,
      status: 'canonical',
      domain: 'warm-alpha.test',
      runId: '20261127T031500Z-test',
      previous: null,
    });
    expect(new Date(record.ts as string).toISOString()).toBe(record.ts);
    expect((await fixture.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['promoted']);
    const lock = await acquireAppLock({ stateDir: fixture.stateDir, domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 });
    await lock.release();
  });

  it('advances with the previous canonical recorded and CANON_MODE=advance', async () => {
    await fixture.haveCanonical();
    const result = await fixture.promote(await fixture.configWith());
    expect(result).toMatchObject({ ok: true, mode: 'advance' });
    expect(fixture.host.events('warm-alpha.test').map((e) => e.op)).not.toContain('teardown');
    expect(fixture.host.events('warm-alpha.test')[0]).toMatchObject({ op: 'deploy', version: NEW.version, mode: 'advance' });
    expect(JSON.parse(readFileSync(fixture.canonicalFile('alpha'), 'utf8'))).toMatchObject({
      version: NEW.version,
      commit: NEW.commit,
      previous: { version: OLD.version, commit: OLD.commit },
    });
  });

  it('refuses to seed a protected domain and never runs teardown or deploy there', async () => {
    fixture.host.setDeployed('warm-keycloak.test', 'live');
    const result = await fixture.promote(await fixture.configWith(), 'keycloak');
    expect(result).toMatchObject({ ok: false, reason: 'protected-domain', rollback: null });
    expect(fixture.host.events('warm-keycloak.test')).toEqual([]);
    expect(fixture.host.state('warm-keycloak.test').deployed).toBe('live');
    expect(existsSync(fixture.canonicalFile('keycloak'))).toBe(false);
    expect((await fixture.registry.readHistory('keycloak')).map((e) => e.type)).toEqual(['seed-refused']);
  });

  it('keeps the promotion when park fails, with a warning', async () => {
    fixture.host.configure('warm-alpha.test', { faults: { park: 'fail' } });
    const result = await fixture.promote(await fixture.configWith());
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.stringMatching(/^park failed \(the promotion stands\)/)]);
    expect(JSON.parse(readFileSync(fixture.canonicalFile('alpha'), 'utf8'))).toMatchObject({ version: NEW.version });
    expect((await fixture.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['promoted', 'park-failed']);
  });

  it('advances over a legacy record, leaving out a previous commit that is not a full object id', async () => {
    mkdirSync(join(fixture.stateDir, 'registry', 'alpha'), { recursive: true });
    writeFileSync(
      fixture.canonicalFile('alpha'),
      JSON.stringify({ recipe: 'alpha', version: OLD.version, commit: 'abc1234', status: 'canonical', ts: '20260617T050314Z' }),
    );
    fixture.host.setDeployed('warm-alpha.test', OLD.version);
    const result = await fixture.promote(await fixture.configWith({ verify: null, snapshot: null, park: null, volumeSize: null }));
    expect(result).toMatchObject({ ok: true, mode: 'advance' });
    expect(result.warnings).toEqual([expect.stringContaining('"abc1234" is not a full object id')]);
    expect(JSON.parse(readFileSync(fixture.canonicalFile('alpha'), 'utf8'))).toMatchObject({ schema: 1, version: NEW.version, previous: null });
  });

  it('refuses to touch a warm domain whose app lock another run holds', async () => {
    const held = await acquireAppLock({ stateDir: fixture.stateDir, domain: 'warm-alpha.test', runId: 'other-ci-run', staleSeconds: 30 });
    try {
      const result = await fixture.promote(await fixture.configWith());
      expect(result).toMatchObject({ ok: false, reason: 'app-locked', rollback: null });
      expect(result.detail).toContain('other-ci-run');
      expect(fixture.host.events('warm-alpha.test')).toEqual([]);
      expect(existsSync(fixture.canonicalFile('alpha'))).toBe(false);
    } finally {
      await held.release();
    }
  });
});

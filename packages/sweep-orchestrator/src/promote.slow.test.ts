import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireAppLock } from '@canon/warm-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PromoteBench } from './internal/testing/promote-bench.js';
import { createPromoteBench, NEW, OLD } from './internal/testing/promote-bench.js';

let bench: PromoteBench;
beforeEach(async () => {
  bench = await createPromoteBench();
});
afterEach(async () => {
  await bench.close();
});

describe('promoteRecipe: promotions and refusals', () => {
  it('seeds: tears residue down first, deploys, checks, records, parks, measures volumes', async () => {
    bench.host.setDeployed('warm-alpha.test', 'residue');
    bench.host.configure('warm-alpha.test', { volumeBytes: 73_400_320 });
    const result = await bench.promote(await bench.configWith());
    expect(result).toMatchObject({ ok: true, mode: 'seed', reason: null, timedOut: false, rollback: null, warnings: [], warmVolumeBytes: 73_400_320 });
    expect(bench.host.events('warm-alpha.test').map((e) => `${e.op}:${e.outcome}`)).toEqual([
      'teardown:ok',
      'deploy:ok',
      'verify:ok',
      'snapshot:ok',
      'park:ok',
      'volume-size:ok',
    ]);
    expect(bench.host.events('warm-alpha.test')[1]).toMatchObject({ version: NEW.version, mode: 'seed' });
    const record = JSON.parse(readFileSync(bench.canonicalFile('alpha'), 'utf8')) as Record<string, unknown>;
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
    expect((await bench.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['promoted']);
    const lock = await acquireAppLock({ stateDir: bench.stateDir, domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 });
    await lock.release();
  });

  it('advances with the previous canonical recorded and CANON_MODE=advance', async () => {
    await bench.haveCanonical();
    const result = await bench.promote(await bench.configWith());
    expect(result).toMatchObject({ ok: true, mode: 'advance' });
    expect(bench.host.events('warm-alpha.test').map((e) => e.op)).not.toContain('teardown');
    expect(bench.host.events('warm-alpha.test')[0]).toMatchObject({ op: 'deploy', version: NEW.version, mode: 'advance' });
    expect(JSON.parse(readFileSync(bench.canonicalFile('alpha'), 'utf8'))).toMatchObject({
      version: NEW.version,
      commit: NEW.commit,
      previous: { version: OLD.version, commit: OLD.commit },
    });
  });

  it('refuses to seed a protected domain and never runs teardown or deploy there', async () => {
    bench.host.setDeployed('warm-keycloak.test', 'live');
    const result = await bench.promote(await bench.configWith(), 'keycloak');
    expect(result).toMatchObject({ ok: false, reason: 'protected-domain', rollback: null });
    expect(bench.host.events('warm-keycloak.test')).toEqual([]);
    expect(bench.host.state('warm-keycloak.test').deployed).toBe('live');
    expect(existsSync(bench.canonicalFile('keycloak'))).toBe(false);
    expect((await bench.registry.readHistory('keycloak')).map((e) => e.type)).toEqual(['seed-refused']);
  });

  it('keeps the promotion when park fails, with a warning', async () => {
    bench.host.configure('warm-alpha.test', { faults: { park: 'fail' } });
    const result = await bench.promote(await bench.configWith());
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.stringMatching(/^park failed \(the promotion stands\)/)]);
    expect(JSON.parse(readFileSync(bench.canonicalFile('alpha'), 'utf8'))).toMatchObject({ version: NEW.version });
    expect((await bench.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['promoted', 'park-failed']);
  });

  it('advances over a legacy record, leaving out a previous commit that is not a full object id', async () => {
    mkdirSync(join(bench.stateDir, 'registry', 'alpha'), { recursive: true });
    writeFileSync(
      bench.canonicalFile('alpha'),
      JSON.stringify({ recipe: 'alpha', version: OLD.version, commit: 'abc1234', status: 'canonical', ts: '20260617T050314Z' }),
    );
    bench.host.setDeployed('warm-alpha.test', OLD.version);
    const result = await bench.promote(await bench.configWith({ verify: null, snapshot: null, park: null, volumeSize: null }));
    expect(result).toMatchObject({ ok: true, mode: 'advance' });
    expect(result.warnings).toEqual([expect.stringContaining('"abc1234" is not a full object id')]);
    expect(JSON.parse(readFileSync(bench.canonicalFile('alpha'), 'utf8'))).toMatchObject({ schema: 1, version: NEW.version, previous: null });
  });

  it('refuses to touch a warm domain whose app lock another run holds', async () => {
    const held = await acquireAppLock({ stateDir: bench.stateDir, domain: 'warm-alpha.test', runId: 'other-ci-run', staleSeconds: 30 });
    try {
      const result = await bench.promote(await bench.configWith());
      expect(result).toMatchObject({ ok: false, reason: 'app-locked', rollback: null });
      expect(result.detail).toContain('other-ci-run');
      expect(bench.host.events('warm-alpha.test')).toEqual([]);
      expect(existsSync(bench.canonicalFile('alpha'))).toBe(false);
    } finally {
      await held.release();
    }
  });
});

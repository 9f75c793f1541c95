import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openRegistry } from '@canon/warm-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PromoteFixture } from '../testing/promote-fixture.js';
import { createPromoteFixture, NEW } from '../testing/promote-fixture.js';

let fixture: PromoteFixture;
beforeEach(async () => {
  fixture = await createPromoteFixture();
});
afterEach(async () => {
  await fixture.close();
});

// A dangling symlink planted where canonical.json belongs: it reads as no record (a seed), and
// the registry refuses to write through it.
function plantSymlink(): void {
  mkdirSync(dirname(fixture.canonicalFile('alpha')), { recursive: true });
  symlinkSync(join(fixture.dir, 'elsewhere.json'), fixture.canonicalFile('alpha'));
}

describe('promoteRecipe: a record that cannot be written', () => {
  it('tears down a seed whose record cannot be written, with rollback off', async () => {
    plantSymlink();
    const result = await fixture.promote(await fixture.configWith({ rollback: false }));
    expect(result).toMatchObject({ ok: false, reason: 'record-write-failed', rollback: { attempted: true, healthy: null, reason: null } });
    expect(fixture.host.state('warm-alpha.test')).toMatchObject({ deployed: null, volumes: false });
    expect(fixture.host.events('warm-alpha.test').map((e) => e.op)).toEqual(['teardown', 'deploy', 'verify', 'snapshot', 'teardown']);
    expect((await fixture.registry.readHistory('alpha')).map((e) => e.type)).toEqual(['seed-failed', 'rolled-back']);
  });

  it('leaves a seed it cannot undo (no teardown configured) running, and says so', async () => {
    plantSymlink();
    const result = await fixture.promote(await fixture.configWith({ teardown: null }));
    expect(result).toMatchObject({ ok: false, reason: 'record-write-failed', rollback: { attempted: false, healthy: null } });
    expect(result.rollback?.reason).toMatch(/no teardown is configured/);
    expect(fixture.host.state('warm-alpha.test')).toMatchObject({ deployed: NEW.version });
    expect(readFileSync(fixture.promoteLog('alpha'), 'utf8')).toMatch(/no teardown is configured: the unrecorded seed of 1\.1\.0\+1\.21 is left on warm-alpha\.test/);
  });

  it('ci-warm: when only last_good fails after canonical.json landed, the promotion stands and nothing is undone', async () => {
    const registry = openRegistry({ stateDir: fixture.stateDir, registryFormat: 'ci-warm' });
    const lastGood = join(fixture.stateDir, 'registry', 'alpha', 'last_good');
    mkdirSync(join(lastGood, 'in-the-way'), { recursive: true });
    writeFileSync(join(lastGood, 'in-the-way', 'keep'), 'x');
    const result = await fixture.promote(await fixture.configWith(), 'alpha', { registry });
    expect(result.ok).toBe(true);
    expect(result.warnings.join('\n')).toMatch(/canonical\.json names 1\.1\.0\+1\.21, but the rest of the record could not be written/);
    expect(await registry.readCanonical('alpha')).toMatchObject({ version: NEW.version, commit: NEW.commit });
    expect(fixture.host.events('warm-alpha.test').map((e) => e.op)).toEqual(['teardown', 'deploy', 'verify', 'snapshot', 'park', 'volume-size']);
    expect(existsSync(fixture.canonicalFile('alpha'))).toBe(true);
  });
});

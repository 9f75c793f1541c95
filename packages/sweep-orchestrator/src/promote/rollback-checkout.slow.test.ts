import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
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

describe('a rollback checks out the previous canonical\'s recorded commit', () => {
  it('redeploys from <workDir>/checkouts/<recipe>@previous at the recorded commit', async () => {
    await fixture.haveCanonical();
    fixture.host.configure('warm-alpha.test', { unhealthyVersions: [NEW.version] });
    const config = await fixture.configWith();
    const result = await fixture.promote(config);
    expect(result.rollback).toEqual({ attempted: true, healthy: true, reason: null });
    const checkout = join(config.workDir, 'checkouts', 'alpha@previous');
    expect(checkout.startsWith(fixture.dir)).toBe(true);
    expect(String((await execa('git', ['rev-parse', 'HEAD'], { cwd: checkout })).stdout)).toBe(OLD.commit);
    expect(readFileSync(join(checkout, 'VERSION'), 'utf8')).toBe(`${OLD.version}\n`);
  });

  it('refuses the rollback before anything runs when the mirror cannot give the recorded commit', async () => {
    const gone = 'c'.repeat(40);
    await fixture.registry.writeCanonical({
      schema: 1, recipe: 'alpha', ...OLD, commit: gone, status: 'canonical', ts: '2026-11-20T03:15:00.000Z',
      domain: 'warm-alpha.test', runId: '20261120T031500Z-old', previous: null,
    });
    fixture.host.setDeployed('warm-alpha.test', OLD.version);
    const before = readFileSync(fixture.canonicalFile('alpha'));
    fixture.host.configure('warm-alpha.test', { unhealthyVersions: [NEW.version] });
    const result = await fixture.promote(await fixture.configWith());
    expect(result).toMatchObject({ ok: false, reason: 'unhealthy', rollback: { attempted: false, healthy: null } });
    expect(result.rollback?.reason).toMatch(new RegExp(`^rollback to ${OLD.version.replaceAll('+', '\\+')} refused, nothing was redeployed: .*${gone}`));
    expect(fixture.host.events('warm-alpha.test').map((e) => `${e.op}:${e.version}:${e.mode}`)).toEqual([`deploy:${NEW.version}:advance`]);
    expect(readFileSync(fixture.canonicalFile('alpha')).equals(before)).toBe(true);
    const history = await fixture.registry.readHistory('alpha');
    expect(history.map((e) => e.type)).toEqual(['advance-failed', 'rollback-failed']);
    expect(history[1]?.detail).toContain(gone);
    expect(readFileSync(fixture.promoteLog('alpha'), 'utf8')).toContain(`refused, nothing was redeployed`);
  });
});

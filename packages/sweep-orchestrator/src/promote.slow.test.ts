import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WarmHost } from '@canon/testkit';
import { startWarmHost } from '@canon/testkit';
import { acquireAppLock, openRegistry } from '@canon/warm-registry';
import type { Registry } from '@canon/warm-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from './config/index.js';
import type { ResolvedConfig } from './config/index.js';
import { isProcessRunning } from './internal/process-group.js';
import type { PromoteInput } from './promote.js';
import { promoteRecipe } from './promote.js';

const OLD = { version: '1.0.0+1.20', tag: '1.0.0+1.20', commit: 'a'.repeat(40) };
const NEW = { version: '1.1.0+1.21', tag: '1.1.0+1.21', commit: 'b'.repeat(40) };

let host: WarmHost;
let dir: string;
let registry: Registry;

beforeEach(async () => {
  host = await startWarmHost();
  dir = mkdtempSync(join(tmpdir(), 'canon-promote-'));
  registry = openRegistry({ stateDir: join(dir, 'state') });
});
afterEach(async () => {
  await host.close();
});

async function configWith(promote: Record<string, unknown> = {}): Promise<ResolvedConfig> {
  const abra = (...args: string[]) => [host.fakeAbra, ...args];
  return resolveConfig(
    {
      stateDir: 'state',
      killGraceSeconds: 1,
      protectedDomains: ['warm-keycloak.test'],
      defaults: {
        upstream: 'https://git.example.org/up/{recipe}.git',
        mirror: 'https://git.example.org/ci/{recipe}.git',
        test: { command: ['true'] },
        promote: {
          domain: 'warm-{recipe}.test',
          deploy: abra('deploy', '{domain}', '{version}'),
          teardown: abra('teardown', '{domain}'),
          verify: abra('verify', '{domain}'),
          health: { url: host.healthUrlTemplate, rejectBodyPattern: '404 page not found', timeoutSeconds: 1.5, intervalSeconds: 0.1 },
          snapshot: abra('snapshot', '{domain}', '{version}'),
          park: abra('park', '{domain}'),
          volumeSize: abra('volume-size', '{domain}'),
          timeoutSeconds: 30,
          rollback: true,
          env: { WARM_HOST_URL: host.url },
          ...promote,
        },
      },
      recipes: { alpha: {}, keycloak: {} },
    },
    { path: join(dir, 'canon.config.json'), env: {} },
  );
}

async function promote(config: ResolvedConfig, recipe = 'alpha', extra: Partial<PromoteInput> = {}) {
  const checkout = join(dir, 'work', recipe);
  mkdirSync(checkout, { recursive: true });
  const resolved = config.recipes.find((r) => r.name === recipe);
  if (resolved === undefined) throw new Error(`no recipe ${recipe}`);
  return promoteRecipe({
    config,
    recipe: resolved,
    registry,
    runId: '20261127T031500Z-test',
    runDir: join(dir, 'state', 'runs', '20261127T031500Z-test'),
    tested: { ...NEW, checkout },
    upgradeBase: null,
    canonicalBefore: await registry.readCanonical(recipe),
    ...extra,
  });
}

const canonicalFile = (recipe: string) => join(dir, 'state', 'registry', recipe, 'canonical.json');

/** A warm canonical from an earlier run: record written and OLD deployed on the warm host. */
async function haveCanonical(recipe = 'alpha') {
  await registry.writeCanonical({
    schema: 1,
    recipe,
    ...OLD,
    status: 'canonical',
    ts: '2026-11-20T03:15:00.000Z',
    domain: `warm-${recipe}.test`,
    runId: '20261120T031500Z-old',
    previous: null,
  });
  host.setDeployed(`warm-${recipe}.test`, OLD.version);
  return readFileSync(canonicalFile(recipe));
}

describe('promoteRecipe', () => {
  it('seeds: tears residue down first, deploys, checks, records, parks, measures volumes', async () => {
    host.setDeployed('warm-alpha.test', 'residue');
    host.configure('warm-alpha.test', { volumeBytes: 73_400_320 });
    const result = await promote(await configWith());
    expect(result).toMatchObject({ ok: true, mode: 'seed', reason: null, timedOut: false, rollback: null, warnings: [], warmVolumeBytes: 73_400_320 });
    expect(host.events('warm-alpha.test').map((e) => `${e.op}:${e.outcome}`)).toEqual([
      'teardown:ok',
      'deploy:ok',
      'verify:ok',
      'snapshot:ok',
      'park:ok',
      'volume-size:ok',
    ]);
    expect(host.events('warm-alpha.test')[1]).toMatchObject({ version: NEW.version, mode: 'seed' });
    const record = JSON.parse(readFileSync(canonicalFile('alpha'), 'utf8')) as Record<string, unknown>;
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
    expect((await registry.readHistory('alpha')).map((e) => e.type)).toEqual(['promoted']);
    const lock = await acquireAppLock({ stateDir: join(dir, 'state'), domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 });
    await lock.release();
  });

  it('advances with the previous canonical recorded and CANON_MODE=advance', async () => {
    await haveCanonical();
    const result = await promote(await configWith());
    expect(result).toMatchObject({ ok: true, mode: 'advance' });
    expect(host.events('warm-alpha.test').map((e) => e.op)).not.toContain('teardown');
    expect(host.events('warm-alpha.test')[0]).toMatchObject({ op: 'deploy', version: NEW.version, mode: 'advance' });
    expect(JSON.parse(readFileSync(canonicalFile('alpha'), 'utf8'))).toMatchObject({
      version: NEW.version,
      commit: NEW.commit,
      previous: { version: OLD.version, commit: OLD.commit },
    });
  });

  it('refuses to seed a protected domain and never runs teardown or deploy there', async () => {
    host.setDeployed('warm-keycloak.test', 'live');
    const result = await promote(await configWith(), 'keycloak');
    expect(result).toMatchObject({ ok: false, reason: 'protected-domain', rollback: null });
    expect(host.events('warm-keycloak.test')).toEqual([]);
    expect(host.state('warm-keycloak.test').deployed).toBe('live');
    expect(existsSync(canonicalFile('keycloak'))).toBe(false);
    expect((await registry.readHistory('keycloak')).map((e) => e.type)).toEqual(['seed-refused']);
  });

  it('keeps canonical.json byte-identical when the new version is unhealthy, and rolls back to a healthy canonical', async () => {
    const before = await haveCanonical();
    host.configure('warm-alpha.test', { unhealthyVersions: [NEW.version] });
    const result = await promote(await configWith());
    expect(result).toMatchObject({ ok: false, reason: 'unhealthy', rollback: { attempted: true, healthy: true, reason: null } });
    expect(result.detail).toMatch(/status 503/);
    expect(readFileSync(canonicalFile('alpha')).equals(before)).toBe(true);
    expect(host.state('warm-alpha.test')).toMatchObject({ deployed: OLD.version, mode: 'rollback' });
    expect(host.events('warm-alpha.test').map((e) => `${e.op}:${e.version}:${e.mode}`)).toEqual([
      `deploy:${NEW.version}:advance`,
      `deploy:${OLD.version}:rollback`,
    ]);
    const history = await registry.readHistory('alpha');
    expect(history.map((e) => e.type)).toEqual(['advance-failed', 'rolled-back']);
    expect(history[1]).toMatchObject({ version: OLD.version, commit: OLD.commit });
  });

  it('reports a rollback that does not come back healthy', async () => {
    const before = await haveCanonical();
    host.configure('warm-alpha.test', { failDeployVersions: [NEW.version], unhealthyVersions: [OLD.version] });
    const result = await promote(await configWith());
    expect(result).toMatchObject({ ok: false, reason: 'deploy-failed', rollback: { attempted: true, healthy: false } });
    expect(result.rollback?.reason).toMatch(/^unhealthy: /);
    expect(readFileSync(canonicalFile('alpha')).equals(before)).toBe(true);
    expect((await registry.readHistory('alpha')).map((e) => e.type)).toEqual(['advance-failed', 'rollback-failed']);
  });

  it('does not promote when verify prints another version', async () => {
    host.configure('warm-alpha.test', { verifyOutput: '0.9.0+1.19' });
    const result = await promote(await configWith());
    expect(result).toMatchObject({ ok: false, reason: 'verify-mismatch' });
    expect(result.detail).toContain('"0.9.0+1.19"');
    expect(existsSync(canonicalFile('alpha'))).toBe(false);
    expect(host.events('warm-alpha.test').map((e) => e.op)).not.toContain('snapshot');
  });

  it('does not promote when the snapshot fails', async () => {
    host.configure('warm-alpha.test', { faults: { snapshot: 'fail' } });
    const result = await promote(await configWith());
    expect(result).toMatchObject({ ok: false, reason: 'snapshot-failed' });
    expect(result.detail).toMatch(/snapshot exited 1: .*simulated failure/);
    expect(existsSync(canonicalFile('alpha'))).toBe(false);
    expect((await registry.readHistory('alpha')).map((e) => e.type)).toEqual(['seed-failed']);
  });

  it('keeps the promotion when park fails, with a warning', async () => {
    host.configure('warm-alpha.test', { faults: { park: 'fail' } });
    const result = await promote(await configWith());
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.stringMatching(/^park failed \(the promotion stands\)/)]);
    expect(JSON.parse(readFileSync(canonicalFile('alpha'), 'utf8'))).toMatchObject({ version: NEW.version });
    expect((await registry.readHistory('alpha')).map((e) => e.type)).toEqual(['promoted', 'park-failed']);
  });

  it('bounds the whole promote: a hanging deploy and its SIGTERM-proof grandchild are killed, nothing recorded', async () => {
    host.configure('warm-alpha.test', { faults: { deploy: 'hang-tree' } });
    const started = performance.now();
    // Long enough for fake-abra, its child and grandchild to start on a busy machine.
    const result = await promote(await configWith({ timeoutSeconds: 4 }));
    expect(performance.now() - started).toBeLessThan(4000 + 1000 + 2500);
    expect(result).toMatchObject({ ok: false, timedOut: true, reason: 'timed-out', rollback: null });
    expect(existsSync(canonicalFile('alpha'))).toBe(false);
    const log = readFileSync(join(dir, 'state', 'runs', '20261127T031500Z-test', 'alpha', 'promote.log'), 'utf8');
    const pids = [...log.matchAll(/^hang-tree (?:child|grandchild) (\d+)$/gm)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isProcessRunning(pid), `pid ${pid}`).toBe(false);
    const lock = await acquireAppLock({ stateDir: join(dir, 'state'), domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 });
    await lock.release();
  });

  it('stops at once when the sweep is interrupted: no record, no rollback, lock free', async () => {
    const before = await haveCanonical();
    host.configure('warm-alpha.test', { faults: { deploy: 'hang' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const result = await promote(await configWith(), 'alpha', { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, timedOut: false, reason: 'interrupted', rollback: null });
    expect(readFileSync(canonicalFile('alpha')).equals(before)).toBe(true);
    expect(host.events('warm-alpha.test').map((e) => e.op)).toEqual(['deploy']);
    const lock = await acquireAppLock({ stateDir: join(dir, 'state'), domain: 'warm-alpha.test', runId: 'next', staleSeconds: 5 });
    await lock.release();
  });

  it('times out a health poll the promote budget cut short', async () => {
    host.configure('warm-alpha.test', { unhealthyVersions: [NEW.version] });
    const result = await promote(
      await configWith({ timeoutSeconds: 3, health: { url: host.healthUrlTemplate, timeoutSeconds: 60, intervalSeconds: 0.2 } }),
    );
    expect(result).toMatchObject({ ok: false, timedOut: true, reason: 'timed-out' });
    expect(result.durationMs).toBeLessThan(6000);
  });

  it('advances over a legacy record, leaving out a previous commit that is not a full object id', async () => {
    mkdirSync(join(dir, 'state', 'registry', 'alpha'), { recursive: true });
    writeFileSync(
      canonicalFile('alpha'),
      JSON.stringify({ recipe: 'alpha', version: OLD.version, commit: 'abc1234', status: 'canonical', ts: '20260617T050314Z' }),
    );
    host.setDeployed('warm-alpha.test', OLD.version);
    const result = await promote(await configWith({ verify: null, snapshot: null, park: null, volumeSize: null }));
    expect(result).toMatchObject({ ok: true, mode: 'advance' });
    expect(result.warnings).toEqual([expect.stringContaining('"abc1234" is not a full object id')]);
    expect(JSON.parse(readFileSync(canonicalFile('alpha'), 'utf8'))).toMatchObject({ schema: 1, version: NEW.version, previous: null });
  });
});

import { CanonError } from '@canon/errors';
import * as mirrorSync from '@canon/mirror-sync';
import * as promoteGate from '@canon/promote-gate';
import * as timerUnits from '@canon/timer-units';
import * as trigger from '@canon/trigger';
import * as warmRegistry from '@canon/warm-registry';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_BY_ERROR } from './cli/error-exit.js';
import * as orchestrator from './index.js';

type ErrorClass = (new (code: string, data: unknown, options?: { cause?: unknown }) => CanonError) & {
  brand: string;
  codes: readonly string[];
  is(x: unknown): boolean;
};

const packages = { mirrorSync, promoteGate, timerUnits, trigger, warmRegistry, orchestrator };

/** Every error class any package exports, found by looking, so a new one cannot slip past. */
const exported: [string, ErrorClass][] = Object.entries(packages).flatMap(([pkg, mod]) =>
  Object.entries(mod)
    .filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error)
    .map(([name, v]): [string, ErrorClass] => [`${pkg}.${name}`, v as ErrorClass]),
);

const holder = { pid: 7, host: 'ci', runId: 'r', startedAt: '2026-11-29T03:00:00Z', recipe: null, phase: null };

/** A valid `data` for one code of each class: enough to build its message. */
const sample: Record<string, { code: string; data: unknown }> = {
  MirrorSyncError: { code: 'PUSH_REJECTED', data: { recipe: 'gitea', remote: 'https://git.example/m.git', stage: 'push', detail: 'the mirror refused the push' } },
  RegistryError: { code: 'NO_SPACE', data: { path: '/var/lib/canon/registry/gitea/canonical.json', detail: 'the disk is full' } },
  LockedError: { code: 'LOCKED', data: { holder, lockPath: '/var/lib/canon/sweep.lock' } },
  TimerUnitsError: { code: 'WRITE_FAILED', data: { dir: '/etc/systemd/system' } },
  ConfigError: { code: 'CONFIG_NOT_FOUND', data: { path: '/etc/canon/config.json', errors: [] } },
  CommandError: { code: 'SPAWN_FAILED', data: { argv: ['./suite'], cwd: '/tmp', logFile: '/tmp/log' } },
  SweepError: { code: 'SWEEP_LOCK_LOST', data: { runId: 'r' } },
  HollowSweepError: { code: 'HOLLOW', data: { configPath: '/c.json', recipes: [] } },
  UsageError: { code: 'USAGE', data: { command: 'sweep', problems: ['bad'] } },
  ListenError: { code: 'LISTEN_FAILED', data: { address: '127.0.0.1:8787', problem: 'EADDRINUSE' } },
};

describe('every exported error class has the one shape', () => {
  it('finds the classes the docs list', () => {
    expect(exported.map(([, c]) => c.brand).sort()).toEqual(Object.keys(sample).sort());
  });

  it.each(exported)('%s takes (code, data, {cause}), builds its message, has toJSON and a brand', (_name, Class) => {
    const { code, data } = sample[Class.brand] ?? { code: '', data: null };
    const cause = new Error('the underlying failure');
    const error = new Class(code, data, { cause });
    expect(error).toBeInstanceOf(CanonError);
    expect(error.name).toBe(Class.brand);
    expect(error.code).toBe(code);
    expect(error.data).toBe(data);
    expect(error.cause).toBe(cause);
    expect(error.message.length).toBeGreaterThan(10);
    expect(new Class(code, data, { cause }).message).toBe(error.message);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: Class.brand, code, message: error.message, data: JSON.parse(JSON.stringify(data)),
      cause: { name: 'Error', message: 'the underlying failure' },
    });
    expect(Class.is(error)).toBe(true);
    expect(CanonError.is(error)).toBe(true);
    expect(Class.is(new Error(error.message))).toBe(false);
    for (const [, other] of exported) if (other !== Class) expect(other.is(error)).toBe(false);
    expect(Class.codes).toContain(code);
  });

  it('codes are unique across every class, so a code alone names the failure', () => {
    const all = exported.flatMap(([, c]) => c.codes);
    expect(all.length).toBeGreaterThan(exported.length);
    expect(new Set(all).size).toBe(all.length);
  });

  it("the CLI's exit table lists exactly each class's codes", () => {
    const table = Object.fromEntries(Object.entries(EXIT_CODE_BY_ERROR).map(([brand, codes]) => [brand, Object.keys(codes).sort()]));
    expect(table).toEqual(Object.fromEntries(exported.map(([, c]) => [c.brand, [...c.codes].sort()])));
  });
});

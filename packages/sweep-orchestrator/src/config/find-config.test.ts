import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { findConfigPath } from './find-config.js';

function dirWith(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'canon-find-'));
  for (const f of files) writeFileSync(join(dir, f), '{}');
  return dir;
}

describe('findConfigPath', () => {
  it('searches --config, $CANON_CONFIG, ./canon.config.json, then the system file, in that order', () => {
    const dir = dirWith('flag.json', 'env.json', 'canon.config.json', 'system.json');
    const systemPath = join(dir, 'system.json');
    const env = { CANON_CONFIG: 'env.json' };
    expect(findConfigPath({ flag: 'flag.json', env, cwd: dir, systemPath })).toBe(join(dir, 'flag.json'));
    expect(findConfigPath({ env, cwd: dir, systemPath })).toBe(join(dir, 'env.json'));
    expect(findConfigPath({ env: {}, cwd: dir, systemPath })).toBe(join(dir, 'canon.config.json'));
    expect(findConfigPath({ env: {}, cwd: dirWith(), systemPath })).toBe(systemPath);
  });

  it('fails on an explicit path that does not exist instead of falling through', () => {
    const dir = dirWith('canon.config.json');
    const attempt = () => findConfigPath({ flag: 'missing.json', env: {}, cwd: dir });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/--config names .*missing\.json, which does not exist/);
    expect(() => findConfigPath({ env: { CANON_CONFIG: '/nope.json' }, cwd: dir })).toThrow(/\$CANON_CONFIG names \/nope\.json/);
  });

  it('says where it looked when nothing is found', () => {
    const dir = dirWith();
    try {
      findConfigPath({ env: {}, cwd: dir, systemPath: join(dir, 'sys.json') });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).code).toBe('CONFIG_NOT_FOUND');
      expect((error as ConfigError).message).toContain(join(dir, 'canon.config.json'));
    }
  });
});

import { expect, it } from 'vitest';
import { commandEnv } from './command-env.js';

const parent = {
  PATH: '/usr/bin',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  LANG: 'C.UTF-8',
  LC_ALL: 'C',
  LC_TIME: 'en_GB.UTF-8',
  TZ: 'UTC',
  TMPDIR: '/tmp',
  REF: 'refs/pull/7/head',
  CCCI_QUICK: '1',
  CANON_CONFIG: '/etc/canon/canon.config.json',
  FORGE_TOKEN: 's3cret',
  ABRA_DIR: '/root/.abra',
};

it('passes on only the fixed allow-list and LC_* from canon\'s environment', () => {
  expect(commandEnv(parent, {})).toEqual({
    PATH: '/usr/bin',
    HOME: '/root',
    USER: 'root',
    LOGNAME: 'root',
    LANG: 'C.UTF-8',
    LC_ALL: 'C',
    LC_TIME: 'en_GB.UTF-8',
    TZ: 'UTC',
    TMPDIR: '/tmp',
  });
});

it('adds the passEnv names and the command\'s own values, which win', () => {
  const env = commandEnv(parent, { CANON_RECIPE: 'gitea', HOME: '/srv/runner' }, { passEnv: ['ABRA_DIR', 'NOT_SET'] });
  expect(env).toMatchObject({ ABRA_DIR: '/root/.abra', CANON_RECIPE: 'gitea', HOME: '/srv/runner' });
  expect(Object.keys(env)).not.toContain('NOT_SET');
  expect(Object.keys(env)).not.toContain('REF');
  expect(Object.keys(env)).not.toContain('CCCI_QUICK');
  expect(Object.keys(env)).not.toContain('CANON_CONFIG');
});

it('never passes a withheld name, even when passEnv lists it', () => {
  expect(commandEnv(parent, {}, { passEnv: ['FORGE_TOKEN'], withheld: ['FORGE_TOKEN'] })).not.toHaveProperty('FORGE_TOKEN');
});

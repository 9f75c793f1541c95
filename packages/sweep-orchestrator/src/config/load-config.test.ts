import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig } from './load-config.js';
import { programsOf } from './programs.js';

function writeConfig(config: unknown): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'canon-config-'));
  const path = join(dir, 'canon.config.json');
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return { dir, path };
}

const base = {
  defaults: {
    upstream: 'https://git.coopcloud.tech/coop-cloud/{recipe}.git',
    mirror: 'https://git.example.org/ci-mirrors/{recipe}.git',
    test: { command: ['run-recipe-ci', '{recipe}'], timeoutSeconds: 3600, env: { CI: '1', RECIPE: '{recipe}' } },
    promote: {
      domain: 'warm-{recipe}.ci.example.org',
      deploy: ['abra', 'app', 'deploy', '{domain}', '{version}', '--no-input'],
      health: { rejectBodyPattern: '404 page not found', timeoutSeconds: 600 },
      rollback: true,
    },
  },
  recipes: { 'custom-html': {}, gitea: { test: { timeoutSeconds: 5400 } }, keycloak: { enrolled: false, reason: 'live OIDC' } },
};

async function problemsOf(config: unknown): Promise<string[]> {
  const { path } = writeConfig(config);
  const error = await loadConfig({ flag: path, env: {}, cwd: '/' }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  return (error as ConfigError).data.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('loadConfig', () => {
  it('reads registryFormat ("canon" by default, "ci-warm" for a cc-ci registry) and refuses any other', async () => {
    const load = async (config: unknown) => loadConfig({ flag: writeConfig(config).path, env: {}, cwd: '/' });
    expect((await load(base)).registryFormat).toBe('canon');
    expect((await load({ ...base, registryFormat: 'ci-warm' })).registryFormat).toBe('ci-warm');
    expect(await problemsOf({ ...base, registryFormat: 'cc-ci' })).toEqual([expect.stringMatching(/^registryFormat: .*"canon".*"ci-warm"/)]);
  });

  it('reads passEnv and the promote lock keys, and refuses a bad name, placeholder or the token\'s variable', async () => {
    const load = async (config: unknown) => loadConfig({ flag: writeConfig(config).path, env: { FORGE_TOKEN: 'long-enough-t0ken' }, cwd: '/' });
    const plain = await load(base);
    expect(plain.passEnv).toEqual([]);
    expect(plain.recipes[0]?.promote).toMatchObject({ locks: [], lockWaitSeconds: 0, snapshotAfterPark: false });
    const ccci = await load({
      ...base,
      passEnv: ['ABRA_DIR'],
      defaults: { ...base.defaults, promote: { ...base.defaults.promote, locks: ['/run/lock/cc-ci-app-{domain}.lock'], lockWaitSeconds: 30, snapshotAfterPark: true } },
    });
    expect(ccci.passEnv).toEqual(['ABRA_DIR']);
    expect(ccci.recipes[0]?.promote).toMatchObject({ locks: ['/run/lock/cc-ci-app-{domain}.lock'], lockWaitSeconds: 30, snapshotAfterPark: true });
    expect(
      await problemsOf({
        ...base,
        passEnv: ['NOT-A-NAME'],
        defaults: { ...base.defaults, promote: { ...base.defaults.promote, locks: ['/run/lock/{version}.lock'], lockWaitSeconds: -1 } },
      }),
    ).toEqual([
      expect.stringMatching(/^defaults\.promote\.lockWaitSeconds: /),
      expect.stringMatching(/^defaults\.promote\.locks\[0\]: unknown placeholder \{version\}; allowed here: \{recipe\} \{domain\}/),
      expect.stringMatching(/^passEnv\[0\]: passEnv holds environment variable names/),
    ]);
    const forge = { type: 'gitea', url: 'https://git.example.org', tokenEnv: 'FORGE_TOKEN' };
    const { path } = writeConfig({ ...base, forge, passEnv: ['FORGE_TOKEN'] });
    const error = (await loadConfig({ flag: path, env: { FORGE_TOKEN: 'long-enough-t0ken' }, cwd: '/' }).catch((e: unknown) => e)) as ConfigError;
    expect(error.data.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([expect.stringMatching(/^passEnv: FORGE_TOKEN holds the forge token/)]);
  });

  it('resolves the SPEC example with built-in defaults and recipes sorted by name', async () => {
    const { path, dir } = writeConfig(base);
    const config = await loadConfig({ flag: path, env: {}, cwd: '/' });
    expect(config.recipes.map((r) => r.name)).toEqual(['custom-html', 'gitea', 'keycloak']);
    const gitea = config.recipes[1];
    expect(gitea?.upstream).toBe('https://git.coopcloud.tech/coop-cloud/gitea.git');
    expect(gitea?.test).toEqual({
      command: ['run-recipe-ci', '{recipe}'],
      timeoutSeconds: 5400,
      env: { CI: '1', RECIPE: '{recipe}' },
      revision: null,
      retries: 0,
      flaky: 'promote',
      baseline: null,
      cwd: '{checkout}',
      checkoutDir: null,
      timeoutExitCodes: [],
    });
    expect(gitea?.branch).toBe('HEAD');
    expect(gitea?.promote?.domain).toBe('warm-gitea.ci.example.org');
    expect(gitea?.promote?.health).toEqual({
      url: 'https://{domain}/',
      expectStatus: [200, 301, 302],
      rejectBodyPattern: '404 page not found',
      timeoutSeconds: 600,
      intervalSeconds: 10,
      also: [],
    });
    expect(config.recipes[2]).toMatchObject({ enrolled: false, reason: 'live OIDC' });
    expect(config).toMatchObject({
      path,
      stateDir: '/var/lib/canon',
      workDir: '/var/cache/canon',
      registryDir: null,
      forge: null,
      lockStaleSeconds: 120,
      killGraceSeconds: 30,
      concurrency: 1,
      includePrereleases: false,
      schedule: { onCalendar: 'Sun *-*-* 03:00:00', persistent: true },
      diskBudgetGiB: null,
    });
    expect(dir).not.toBe('');
  });

  it('deep-merges a recipe over defaults: objects key by key, arrays and null replace', async () => {
    const { path } = writeConfig({
      ...base,
      defaults: { ...base.defaults, busyCheck: ['flock', '-n', '/run/lock/{recipe}', 'true'] },
      recipes: {
        beta: {
          busyCheck: null,
          test: { env: { EXTRA: 'x' } },
          promote: { health: { expectStatus: [204] }, deploy: ['deploy-beta'] },
        },
      },
    });
    const [beta] = (await loadConfig({ flag: path, env: {}, cwd: '/' })).recipes;
    expect(beta?.busyCheck).toBeNull();
    expect(beta?.test.env).toEqual({ CI: '1', RECIPE: '{recipe}', EXTRA: 'x' });
    expect(beta?.test.command).toEqual(['run-recipe-ci', '{recipe}']);
    expect(beta?.promote?.deploy).toEqual(['deploy-beta']);
    expect(beta?.promote?.health.expectStatus).toEqual([204]);
    expect(beta?.promote?.health.rejectBodyPattern).toBe('404 page not found');
    expect(beta?.promote?.rollback).toBe(true);
  });

  it('resolves relative paths against the config file directory', async () => {
    const { path, dir } = writeConfig({ ...base, stateDir: 'state', workDir: './work', registryDir: '../reg' });
    const config = await loadConfig({ flag: path, env: {}, cwd: '/' });
    expect(config.stateDir).toBe(join(dir, 'state'));
    expect(config.workDir).toBe(join(dir, 'work'));
    expect(config.registryDir).toBe(join(dir, '..', 'reg'));
  });

  it.each([
    [{ recipes: { beta: { tset: {} } } }, 'recipes.beta.tset: unknown key'],
    [{ recipes: { beta: { upstream: 'ext::sh -c touch% /tmp/pwned' } } }, 'recipes.beta.upstream: '],
    [{ recipes: { beta: { mirror: 'file::/etc' } } }, 'recipes.beta.mirror: '],
    [{ recipes: { beta: { mirror: '-uhttps://x/y' } } }, 'recipes.beta.mirror: "-uhttps://x/y" starts with "-"'],
    [{ recipes: { beta: { upstream: 'file:///srv/git/x' } } }, 'recipes.beta.upstream: scheme "file" is not allowed'],
    [{ recipes: { beta: { upstream: 'deploy@git.example.org:x/{recipe}.git' } } }, 'recipes.beta.upstream: not a URL'],
    [{ recipes: { beta: { upstream: 'git@git.example.org:-x.git' } } }, 'recipes.beta.upstream: the host or path starts with "-"'],
    [{ recipes: { beta: { mirror: 'https://bot:s3cret@m.example.org/x.git' } } }, 'recipes.beta.mirror: URL carries a password'],
    [{ recipes: { '../x': {} } }, 'recipes["../x"]: a recipe name must match'],
    [{ recipes: { Beta: {} } }, 'recipes.Beta: a recipe name must match'],
    [{ recipes: { beta: { test: { command: ['ci', '{recipie}'] } } } }, 'recipes.beta.test.command[1]: unknown placeholder {recipie}'],
    [{ recipes: { beta: { test: { env: { V: '{nope}' } } } } }, 'recipes.beta.test.env.V: unknown placeholder {nope}'],
    [{ recipes: { beta: { upstream: 'https://h/{version}.git' } } }, 'recipes.beta.upstream: unknown placeholder {version}'],
    [{ recipes: { beta: { promote: { domain: 'bad_domain.example' } } } }, 'recipes.beta.promote.domain: '],
    [{ recipes: { beta: { promote: { health: { url: 'ftp://{domain}/' } } } } }, 'recipes.beta.promote.health.url: scheme "ftp"'],
    [{ recipes: { beta: { test: { env: { CANON_MODE: 'x' } } } } }, 'recipes.beta.test.env.CANON_MODE: CANON_* variables'],
    [{ recipes: { beta: { test: { command: [] } } } }, 'recipes.beta.test.command: '],
    [{ recipes: { beta: { test: { command: 'run-ci {recipe} && deploy' } } } }, 'recipes.beta.test.command: Invalid input: expected array'],
    [{ recipes: { beta: { promote: { deploy: 'abra app deploy {domain}' } } } }, 'recipes.beta.promote.deploy: Invalid input: expected array'],
    [{ recipes: { beta: { branch: '--upload-pack=x' } } }, 'recipes.beta.branch: '],
    [{ recipes: { beta: {} }, concurrency: 0 }, 'concurrency: '],
    [{ recipes: { beta: {} }, schedule: { onCalendar: 'Fri..Mon 04:00' } }, 'schedule.onCalendar: "Fri..Mon 04:00" weekday range runs backwards'],
    [{ recipes: { beta: {} }, schedule: { onCalendar: 'every sunday' } }, 'schedule.onCalendar: "every sunday" expected'],
    [{ recipes: { a: { promote: { domain: 'warm.example.org' } }, b: { promote: { domain: 'warm.example.org' } } } }, 'recipes.b.promote.domain: warm.example.org is also the warm domain of recipe a'],
    [{ recipes: { beta: {} }, protectedDomains: ['not a domain'] }, 'protectedDomains[0]: '],
    [{ recipes: { beta: {} }, forge: { type: 'gitea', url: 'https://git.example.org' } }, 'forge: set exactly one of'],
  ])('reports %j as a problem at its JSON path', async (patch, expected) => {
    const config = { ...base, ...patch };
    const problems = await problemsOf(config);
    expect(problems.some((p) => p.startsWith(expected)), problems.join('\n')).toBe(true);
  });

  it('lists every problem of a file at once, including those only the merge reveals', async () => {
    const problems = await problemsOf({
      defaults: { test: { command: ['ci'] } },
      recipes: {
        beta: { tset: {}, upstream: 'ext::sh', mirror: 'https://m/{recipe}.git' },
        '../x': {},
        gamma: { test: { command: ['ci', '{nope}'] }, mirror: 'https://m/g.git', upstream: 'https://u/g.git' },
        delta: { mirror: 'https://m/d.git' },
      },
      extra: 1,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'recipes.beta.tset: unknown key',
        expect.stringMatching(/^recipes\.beta\.upstream: .*transport helper/),
        expect.stringMatching(/^recipes\["\.\.\/x"\]: a recipe name must match/),
        expect.stringMatching(/^recipes\.gamma\.test\.command\[1\]: unknown placeholder \{nope\}/),
        'recipes.delta.upstream: required; set it here or in defaults.upstream',
        'extra: unknown key',
      ]),
    );
  });

  it('reads the forge token from a file and never shows it when printed', async () => {
    const { dir, path } = writeConfig({ ...base, forge: { type: 'gitea', url: 'https://git.example.org', tokenFile: 'token' } });
    writeFileSync(join(dir, 'token'), 's3cret-token\n');
    const config = await loadConfig({ flag: path, env: {}, cwd: '/' });
    expect(config.forge?.token).toBe('s3cret-token');
    expect(JSON.stringify(config)).not.toContain('s3cret');
    expect(inspect(config, { depth: 10 })).not.toContain('s3cret');
  });

  it('names the key, not the token, when the token is missing', async () => {
    const fromFile = await problemsOf({ ...base, forge: { type: 'gitea', url: 'https://g.example', tokenFile: 'absent' } });
    expect(fromFile).toEqual([expect.stringMatching(/^forge\.tokenFile: cannot read .*absent \(ENOENT\)/)]);
    const { path } = writeConfig({ ...base, forge: { type: 'gitea', url: 'https://g.example', tokenEnv: 'FORGE_TOKEN' } });
    const error = await loadConfig({ flag: path, env: {}, cwd: '/' }).then(
      () => null,
      (e: unknown) => e as ConfigError,
    );
    expect(error?.data.errors).toEqual([{ path: 'forge.tokenEnv', message: 'environment variable FORGE_TOKEN is unset or empty' }]);
    const ok = await loadConfig({ flag: path, env: { FORGE_TOKEN: 'tok-4f1c9a7e' }, cwd: '/' });
    expect(ok.forge?.token).toBe('tok-4f1c9a7e');
    expect(ok.secretEnv).toEqual(['FORGE_TOKEN']);
  });

  it('rejects a file that is not JSON with CONFIG_INVALID', async () => {
    expect(await problemsOf('{"recipes": ')).toEqual([expect.stringMatching(/^: not valid JSON/)]);
  });

  it('names the line and column of a JSON syntax error, not a byte position', async () => {
    expect(await problemsOf('{\n  "stateDir": "/var/lib/canon"\n  "recipes": {}\n}')).toEqual([
      ": not valid JSON at line 3, column 3: Expected ',' or '}' after property value",
    ]);
  });
});

describe('programsOf', () => {
  it('lists argv[0] of every configured command once', async () => {
    const { path } = writeConfig({
      ...base,
      defaults: { ...base.defaults, busyCheck: ['flock', '-n', '/run/lock/{recipe}', 'true'] },
      recipes: { a: {}, b: { promote: { verify: ['deployed-version', '{domain}'], park: ['abra', 'app', 'undeploy'] } } },
    });
    expect(programsOf(await loadConfig({ flag: path, env: {}, cwd: '/' }))).toEqual([
      'flock',
      'run-recipe-ci',
      'abra',
      'deployed-version',
    ]);
  });
});

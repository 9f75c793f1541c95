// The units that passed `canon units verify` and then failed at run time (issue 15): each
// is rendered, seeded with one defect, and must fail verify by its problem code.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFleetHost, type FleetHost } from './testing/fleet-host.js';
import { verifyUnits, type VerifyExpected } from './verify-units.js';
import { writeUnits } from './write-units.js';

let host: FleetHost;
let unitsDir: string;
let expected: VerifyExpected;

beforeEach(async () => {
  host = await createFleetHost();
  unitsDir = path.join(host.root, 'units');
  await writeUnits(unitsDir, host.renderInput);
  expected = {
    programs: host.programs,
    enrolledCount: 1,
    configPath: host.configPath,
    schedule: host.renderInput.schedule,
    systemdAnalyze: null,
  };
});
afterEach(async () => {
  await host.cleanup();
});

async function addToService(...lines: string[]): Promise<void> {
  const file = path.join(unitsDir, 'canon-sweep.service');
  const text = await readFile(file, 'utf8');
  await writeFile(
    file,
    text.replace('KillMode=control-group', ['KillMode=control-group', ...lines].join('\n')),
  );
}

async function setService(key: string, value: string): Promise<void> {
  const file = path.join(unitsDir, 'canon-sweep.service');
  const text = await readFile(file, 'utf8');
  const next = text.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${value}`);
  expect(next).not.toBe(text);
  await writeFile(file, next);
}

async function codes(opts: Partial<VerifyExpected>): Promise<string[]> {
  const result = await verifyUnits(unitsDir, { ...expected, ...opts });
  return result.problems.map((p) => p.code);
}

describe('a script whose #! interpreter does not exist', () => {
  it('fails MISSING_INTERPRETER for an absolute interpreter that is not installed', async () => {
    const runner = path.join(host.toolsDir, 'run-recipe-py');
    await writeFile(runner, '#!/opt/python3.99/bin/python3 -u\nprint("hi")\n');
    await chmod(runner, 0o755);
    const result = await verifyUnits(unitsDir, {
      ...expected,
      programs: [...host.programs, 'run-recipe-py'],
    });
    expect(result.problems).toEqual([
      {
        code: 'MISSING_INTERPRETER',
        message: expect.stringContaining(`${runner} starts with "#!/opt/python3.99/bin/python3"`),
      },
    ]);
  });

  it('accepts an absolute interpreter that exists', async () => {
    const runner = path.join(host.toolsDir, 'run-recipe-sh');
    await writeFile(runner, '#!/bin/sh\necho hi\n');
    await chmod(runner, 0o755);
    expect(await codes({ programs: [...host.programs, 'run-recipe-sh'] })).toEqual([]);
  });
});

describe('a relative program path in a command', () => {
  it.each(['./run.sh', 'runner/run_recipe_ci.py'])(
    'fails RELATIVE_PROGRAM for %s',
    async (program) => {
      const result = await verifyUnits(unitsDir, {
        ...expected,
        programs: [...host.programs, program],
      });
      expect(result.problems).toEqual([
        {
          code: 'RELATIVE_PROGRAM',
          message: expect.stringContaining(`"${program}", a relative path`),
        },
      ]);
    },
  );

  it('leaves a placeholder path alone', async () => {
    expect(await codes({ programs: [...host.programs, '{checkout}/ci/run.sh'] })).toEqual([]);
  });
});

describe('an environment variable the config reads that the unit does not set', () => {
  it('fails MISSING_ENVIRONMENT for forge.tokenEnv and passEnv names', async () => {
    const result = await verifyUnits(unitsDir, {
      ...expected,
      env: ['CANON_FORGE_TOKEN', 'ABRA_DIR'],
    });
    expect(
      result.problems.map((p) => [p.code, /environment variable (\w+)/.exec(p.message)?.[1]]),
    ).toEqual([
      ['MISSING_ENVIRONMENT', 'CANON_FORGE_TOKEN'],
      ['MISSING_ENVIRONMENT', 'ABRA_DIR'],
    ]);
  });

  it('accepts Environment= and an EnvironmentFile= that sets them', async () => {
    const envFile = path.join(host.root, 'etc', 'canon', 'env');
    await writeFile(envFile, '# canon secrets\nexport CANON_FORGE_TOKEN=abcdefgh12345678\n');
    await addToService('Environment=ABRA_DIR=/home/ci/.abra', `EnvironmentFile=${envFile}`);
    expect(await codes({ env: ['CANON_FORGE_TOKEN', 'ABRA_DIR'] })).toEqual([]);
  });

  it('still fails when the EnvironmentFile= does not set the variable', async () => {
    const envFile = path.join(host.root, 'etc', 'canon', 'env');
    await writeFile(envFile, 'OTHER=1\n');
    await addToService(`EnvironmentFile=-${envFile}`);
    expect(await codes({ env: ['CANON_FORGE_TOKEN'] })).toEqual(['MISSING_ENVIRONMENT']);
  });

  it('fails when a required EnvironmentFile= does not exist (the service would not start)', async () => {
    await addToService(`EnvironmentFile=${path.join(host.root, 'nowhere.env')}`);
    const result = await verifyUnits(unitsDir, { ...expected, env: ['CANON_FORGE_TOKEN'] });
    expect(result.problems).toEqual([
      {
        code: 'MISSING_ENVIRONMENT',
        message: expect.stringContaining('nowhere.env does not exist'),
      },
      { code: 'MISSING_ENVIRONMENT', message: expect.stringContaining('CANON_FORGE_TOKEN') },
    ]);
  });
});

describe('a secret file in the credentials directory that the unit does not load', () => {
  const tokenFile = '/run/credentials/canon-sweep.service/forge-token';

  it('fails MISSING_CREDENTIAL without LoadCredential=', async () => {
    const result = await verifyUnits(unitsDir, { ...expected, secretFiles: [tokenFile] });
    expect(result.problems).toEqual([
      {
        code: 'MISSING_CREDENTIAL',
        message: expect.stringContaining('add LoadCredential=forge-token:'),
      },
    ]);
  });

  it('fails MISSING_CREDENTIAL for another unit’s credentials directory', async () => {
    await addToService('LoadCredential=forge-token:/etc/canon/forge-token');
    expect(
      await codes({ secretFiles: ['/run/credentials/canon-listen.service/forge-token'] }),
    ).toEqual(['MISSING_CREDENTIAL']);
  });

  it.each([
    'LoadCredential=forge-token:/etc/canon/forge-token',
    'SetCredential=forge-token:abcdefgh12345678',
  ])('accepts %s', async (line) => {
    await addToService(line);
    expect(await codes({ secretFiles: [tokenFile, '/etc/canon/other-secret'] })).toEqual([]);
  });
});

describe('a path canon must write that the hardening makes read-only', () => {
  it('fails READ_ONLY_PATH for a path under /etc with ProtectSystem=full', async () => {
    const result = await verifyUnits(unitsDir, {
      ...expected,
      writePaths: [host.stateDir, '/etc/canon/registry'],
    });
    expect(result.problems).toEqual([
      {
        code: 'READ_ONLY_PATH',
        message: expect.stringContaining(
          '/etc/canon/registry, but ProtectSystem=full makes /etc read-only',
        ),
      },
    ]);
  });

  it('accepts it once ReadWritePaths= reopens it', async () => {
    await addToService('ReadWritePaths=-/etc/canon');
    expect(await codes({ writePaths: ['/etc/canon/registry'] })).toEqual([]);
  });

  it('fails a path under ReadOnlyPaths=', async () => {
    await addToService(`ReadOnlyPaths=${path.dirname(host.stateDir)}`);
    expect(await codes({ writePaths: [host.stateDir] })).toEqual(['READ_ONLY_PATH']);
  });

  it('with ProtectSystem=strict, only StateDirectory=/CacheDirectory=/ReadWritePaths= stay writable', async () => {
    await setService('ProtectSystem', 'strict');
    await addToService('StateDirectory=canon', 'CacheDirectory=canon');
    const result = await verifyUnits(unitsDir, {
      ...expected,
      writePaths: ['/var/lib/canon', '/var/cache/canon/checkouts', '/var/lib/ci-warm'],
    });
    expect(result.problems).toEqual([
      {
        code: 'READ_ONLY_PATH',
        message: expect.stringContaining(
          '/var/lib/ci-warm, but ProtectSystem=strict makes / read-only',
        ),
      },
    ]);
  });
});

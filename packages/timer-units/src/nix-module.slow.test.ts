import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUnitFile, type UnitFile } from './internal/unit-syntax.js';
import { renderUnits } from './render-units.js';
import { resolveOnPath, splitPath } from './resolve-on-path.js';
import { unless } from './testing/skip-reason.js';

const nixDir = fileURLToPath(new URL('../../../nix/', import.meta.url));
const nixInstantiate = resolveOnPath('nix-instantiate', splitPath(process.env.PATH));
const hostPath = splitPath(process.env.PATH);
const NO_NIX = "nix-instantiate not on PATH (CI installs Debian's nix-bin)";

// As root or not, without a Nix daemon: a dummy store is enough to evaluate.
async function nix(args: readonly string[]): Promise<string> {
  const result = await execa(
    nixInstantiate ?? 'nix-instantiate',
    ['--store', 'dummy://', ...args],
    { reject: false, timeout: 60_000 },
  );
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout;
}

type NixUnits = {
  service: {
    description: string;
    wants: string[];
    after: string[];
    restartIfChanged: boolean;
    serviceConfig: Record<string, string | number | boolean>;
    pathBin: string;
  };
  timer: {
    description: string;
    wantedBy: string[];
    timerConfig: Record<string, string | number | boolean>;
  };
  tmpfiles: string[];
  configJson: string;
  users: string[];
};

function section(unit: UnitFile, name: string): Record<string, string> {
  return Object.fromEntries(
    [...(unit.get(name) ?? new Map<string, string[]>())].map(([key, vals]) => [
      key,
      vals.join('\n'),
    ]),
  );
}

function asUnitValues(attrs: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs).map(([key, value]) => [key, String(value)]));
}

describe('nix/', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'canon-nix-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it.skipIf(nixInstantiate === null)(
    `package.nix and module.nix parse${unless(nixInstantiate, NO_NIX)}`,
    async () => {
      for (const file of [
        'package.nix',
        'module.nix',
        'tests/stub-lib.nix',
        'tests/eval-module.nix',
      ]) {
        expect(await nix(['--parse', path.join(nixDir, file)])).not.toBe('');
      }
    },
  );

  it.skipIf(nixInstantiate === null)(
    `module.nix renders the same service and timer as renderUnits${unless(nixInstantiate, NO_NIX)}`,
    async () => {
      // Directories standing in for store paths, holding the programs each package provides.
      const pkg = async (name: string, programs: Record<string, string>): Promise<string> => {
        const bin = path.join(root, 'store', name, 'bin');
        await mkdir(bin, { recursive: true });
        for (const [program, target] of Object.entries(programs)) {
          if (target.startsWith('/')) await symlink(target, path.join(bin, program));
          else {
            await writeFile(path.join(bin, program), target);
            await chmod(path.join(bin, program), 0o755);
          }
        }
        return path.dirname(bin);
      };
      const host = (program: string): string =>
        resolveOnPath(program, hostPath) ?? `/missing/${program}`;
      const canon = await pkg('canon', { canon: '#!/bin/sh\nexit 0\n' });
      const bash = await pkg('bash', { bash: host('bash') });
      const git = await pkg('git', { git: host('git') });
      const utilLinux = await pkg('util-linux', { flock: host('flock') });
      const abra = await pkg('abra', { abra: '#!/usr/bin/env bash\nexit 0\n' });
      const ciTools = await pkg('ci-tools', {
        'run-recipe-ci': '#!/usr/bin/env bash\nexit 0\n',
      });

      const settings = {
        schedule: { onCalendar: 'Mon..Fri *-*-* 04:30:00', persistent: true },
        killGraceSeconds: 20,
        defaults: {
          busyCheck: ['flock', '-n', '/run/lock/ci-recipe-{recipe}.lock', 'true'],
          test: { command: ['run-recipe-ci', '{recipe}'], timeoutSeconds: 3000 },
          promote: {
            domain: 'warm-{recipe}.ci.example.org',
            deploy: ['abra', 'app', 'deploy', '{domain}', '{version}'],
            timeoutSeconds: 600,
          },
        },
        recipes: {
          'custom-html': {},
          gitea: { test: { timeoutSeconds: 5400 } },
          keycloak: { enrolled: false, reason: 'live OIDC' },
        },
      };
      const fixture = path.join(root, 'fixture.json');
      await writeFile(
        fixture,
        JSON.stringify({
          package: canon,
          bash,
          git,
          'util-linux': utilLinux,
          runtimeInputs: [abra, ciTools],
          settings,
          user: 'ci',
          stateDir: '/var/lib/canon',
          randomizedDelaySec: 900,
        }),
      );
      const fromNix = JSON.parse(
        await nix([
          '--eval',
          '--strict',
          '--json',
          path.join(nixDir, 'tests', 'eval-module.nix'),
          '--argstr',
          'fixture',
          fixture,
        ]),
      ) as NixUnits;

      // The same settings as the CLI hands them to renderUnits (enrolled recipes' limits).
      const rendered = renderUnits({
        schedule: { ...settings.schedule, randomizedDelaySec: 900 },
        programs: ['flock', 'run-recipe-ci', 'abra'],
        execPath: path.join(canon, 'bin', 'canon'),
        configPath: '/etc/canon/config.json',
        workingDirectory: '/var/lib/canon',
        user: 'ci',
        limits: {
          recipes: [
            { testSeconds: 3000, promoteSeconds: 600 },
            { testSeconds: 5400, promoteSeconds: 600 },
          ],
          killGraceSeconds: 20,
        },
        pathDirs: [bash, git, utilLinux, abra, ciTools].map((p) => path.join(p, 'bin')),
        searchPath: [],
      });
      const service = parseUnitFile(rendered.service);
      const timer = parseUnitFile(rendered.timer);

      const { Environment: _path, ...serviceFields } = section(service, 'Service');
      expect(asUnitValues(fromNix.service.serviceConfig)).toEqual(serviceFields);
      expect(serviceFields.TimeoutStartSec).toBe('10100');
      expect(fromNix.service.pathBin).toBe(rendered.path.join(':'));
      expect(section(service, 'Unit')).toEqual({
        Description: fromNix.service.description,
        Wants: fromNix.service.wants.join(' '),
        After: fromNix.service.after.join(' '),
      });
      expect(asUnitValues(fromNix.timer.timerConfig)).toEqual(section(timer, 'Timer'));
      expect(section(timer, 'Unit')).toEqual({ Description: fromNix.timer.description });
      expect(section(timer, 'Install')).toEqual({ WantedBy: fromNix.timer.wantedBy.join(' ') });

      expect(fromNix.service.restartIfChanged).toBe(false);
      expect(JSON.parse(fromNix.configJson)).toEqual({ ...settings, stateDir: '/var/lib/canon' });
      expect(fromNix.tmpfiles).toEqual([
        'd /var/lib/canon 0750 ci - - -',
        'd /var/cache/canon 0750 ci - - -',
        // canon-metrics.timer is on by default and writes <stateDir>/metrics/canon.prom.
        'd /var/lib/canon/metrics 0755 ci - - -',
      ]);
      expect(fromNix.users).toEqual([]);
    },
  );

  it.skipIf(nixInstantiate === null)(
    `module.nix defaults: user canon (created), /var/lib/canon, Sunday 03:00, no delay, 3600 s tests, no promote${unless(nixInstantiate, NO_NIX)}`,
    async () => {
      const fixture = path.join(root, 'defaults.json');
      const canon = path.join(root, 'store', 'canon');
      await writeFile(
        fixture,
        JSON.stringify({
          package: canon,
          bash: '/stand-in/bash',
          git: '/stand-in/git',
          'util-linux': '/stand-in/util-linux',
          settings: {
            defaults: { test: { command: ['run-recipe-ci', '{recipe}'] } },
            recipes: { 'custom-html': {} },
          },
        }),
      );
      const fromNix = JSON.parse(
        await nix([
          '--eval',
          '--strict',
          '--json',
          path.join(nixDir, 'tests', 'eval-module.nix'),
          '--argstr',
          'fixture',
          fixture,
        ]),
      ) as NixUnits;
      expect(fromNix.service.serviceConfig).toMatchObject({
        User: 'canon',
        WorkingDirectory: '/var/lib/canon',
        TimeoutStartSec: 300 + 3600 + 0 + 2 * 30 + 60,
      });
      expect(fromNix.timer.timerConfig).toEqual({
        OnCalendar: 'Sun *-*-* 03:00:00',
        Persistent: true,
        Unit: 'canon-sweep.service',
      });
      expect(fromNix.users).toEqual(['canon']);
      // flock(1) holds promote.locks, so util-linux is on PATH even when no command names flock.
      expect(fromNix.service.pathBin).toBe(
        '/stand-in/bash/bin:/stand-in/git/bin:/stand-in/util-linux/bin',
      );
    },
  );

  it.skipIf(nixInstantiate === null)(
    `module.nix refuses a wrongly typed option${unless(nixInstantiate, NO_NIX)}`,
    async () => {
      const fixture = path.join(root, 'bad.json');
      await writeFile(
        fixture,
        JSON.stringify({
          package: '/stand-in/canon',
          bash: '/stand-in/bash',
          git: '/stand-in/git',
          'util-linux': '/stand-in/util-linux',
          timeoutStartSec: 'soon',
        }),
      );
      const result = await execa(
        nixInstantiate ?? 'nix-instantiate',
        [
          '--store',
          'dummy://',
          '--eval',
          '--strict',
          '--json',
          path.join(nixDir, 'tests', 'eval-module.nix'),
          '--argstr',
          'fixture',
          fixture,
        ],
        { reject: false },
      );
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain('services.canon-sweep.timeoutStartSec is not a nullOr int');
    },
  );
});

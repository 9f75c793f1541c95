// nix/module.nix beyond the weekly sweep: the metrics timer, canon-worker, canon-listen,
// the forge token as a credential, the environment file and the build-time settings check,
// each compared field by field with renderUnits for the same settings.
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvironment, parseUnitFile, values } from './internal/unit-syntax.js';
import { renderUnits, type RenderInput } from './render-units.js';
import { resolveOnPath, splitPath } from './resolve-on-path.js';
import { unless } from './testing/skip-reason.js';

const nixDir = fileURLToPath(new URL('../../../nix/', import.meta.url));
const nixInstantiate = resolveOnPath('nix-instantiate', splitPath(process.env.PATH));
const NO_NIX = "nix-instantiate not on PATH (CI installs Debian's nix-bin)";

type NixUnit = {
  description: string;
  wants: string[];
  after: string[];
  wantedBy: string[];
  serviceConfig: Record<string, string | number | boolean>;
  pathBin: string;
  environment: Record<string, string>;
};
type NixOut = {
  services: Record<string, NixUnit>;
  timers: Record<
    string,
    {
      description: string;
      wantedBy: string[];
      timerConfig: Record<string, string | number | boolean>;
    }
  >;
  tmpfiles: string[];
  configFiles: Record<string, string>;
  settingsCheck: {
    script: string;
    env: { checkConfig: string; nativeBuildInputs: string[] };
  } | null;
};

async function evalModule(fixture: string): Promise<NixOut> {
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
    { reject: false, timeout: 60_000 },
  );
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as NixOut;
}

function section(text: string | undefined, name: string): Record<string, string> {
  const unit = parseUnitFile(text ?? '');
  return Object.fromEntries(
    [...(unit.get(name) ?? new Map<string, string[]>())].map(([k, v]) => [k, v.join('\n')]),
  );
}

function asUnitValues(attrs: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs).map(([key, value]) => [key, String(value)]));
}

describe.skipIf(nixInstantiate === null)(
  `nix/module.nix: metrics, worker, listen${unless(nixInstantiate, NO_NIX)}`,
  () => {
    let root = '';
    let canon = '';
    let pathDirs: string[] = [];
    const settings = {
      killGraceSeconds: 20,
      forge: { type: 'gitea', url: 'https://git.example.org', tokenEnv: 'CANON_FORGE_TOKEN' },
      defaults: { test: { command: ['run-recipe-ci', '{recipe}'], timeoutSeconds: 3000 } },
      recipes: { 'custom-html': {} },
    };

    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'canon-nix-daemons-'));
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
        resolveOnPath(program, splitPath(process.env.PATH)) ?? `/missing/${program}`;
      canon = await pkg('canon', { canon: '#!/bin/sh\nexit 0\n' });
      const bash = await pkg('bash', { bash: host('bash') });
      const git = await pkg('git', { git: host('git') });
      const utilLinux = await pkg('util-linux', { flock: host('flock') });
      const ci = await pkg('ci-tools', { 'run-recipe-ci': '#!/usr/bin/env bash\nexit 0\n' });
      pathDirs = [bash, git, utilLinux, ci].map((p) => path.join(p, 'bin'));
      await writeFile(
        path.join(root, 'fixture.json'),
        JSON.stringify({
          package: canon,
          bash,
          git,
          'util-linux': utilLinux,
          runtimeInputs: [ci],
          settings,
          user: 'ci',
          forgeTokenFile: '/etc/canon/secrets/forge-token',
          environmentFile: '/etc/canon/secrets/env',
          metrics: { textfileDir: '/var/lib/node-exporter-text' },
          worker: { enable: true, slots: 2, pool: 'big' },
          listen: { enable: true },
        }),
      );
    });
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });

    const rendered = (configPath: string): ReturnType<typeof renderUnits> => {
      const input: RenderInput = {
        schedule: { onCalendar: 'Sun *-*-* 03:00:00', persistent: true },
        programs: ['run-recipe-ci'],
        execPath: path.join(canon, 'bin', 'canon'),
        configPath,
        workingDirectory: '/var/lib/canon',
        user: 'ci',
        limits: { recipes: [{ testSeconds: 3000, promoteSeconds: 0 }], killGraceSeconds: 20 },
        pathDirs,
        searchPath: [],
        metrics: { out: '/var/lib/node-exporter-text/canon.prom' },
        worker: { slots: 2, pool: 'big' },
        listen: {},
      };
      return renderUnits(input);
    };

    // What renderUnits leaves to the host: the credential, the environment file (nix only).
    const HOST_ONLY = {
      LoadCredential: 'forge-token:/etc/canon/secrets/forge-token',
      EnvironmentFile: '/etc/canon/secrets/env',
    };

    it.each([
      ['canon-sweep', '/etc/canon/config.json'],
      ['canon-metrics', '/etc/canon/canon-metrics.json'],
      ['canon-worker', '/etc/canon/canon-worker.json'],
      ['canon-listen', '/etc/canon/canon-listen.json'],
    ])(
      '%s.service matches renderUnits, plus the token credential and the environment file',
      async (unit, configPath) => {
        const fromNix = await evalModule(path.join(root, 'fixture.json'));
        const { files, path: unitPath } = rendered(configPath);
        const text = files[`${unit}.service`];
        const { Environment: _path, ...fields } = section(text, 'Service');
        const nixUnit = fromNix.services[unit];
        expect(asUnitValues(nixUnit?.serviceConfig ?? {})).toEqual({ ...fields, ...HOST_ONLY });
        expect(nixUnit?.pathBin).toBe(unitPath.join(':'));
        const { PATH: _unitPath, ...unitEnv } = Object.fromEntries(parseEnvironment(values(parseUnitFile(text ?? ''), 'Service', 'Environment')));
        expect(nixUnit?.environment).toEqual(unitEnv);
        const unitSection = section(text, 'Unit');
        expect(nixUnit?.description).toBe(unitSection.Description);
        expect((nixUnit?.wants ?? []).join(' ')).toBe(unitSection.Wants ?? '');
        expect((nixUnit?.after ?? []).join(' ')).toBe(unitSection.After ?? '');
        if (unit !== 'canon-sweep' && unit !== 'canon-metrics')
          expect(nixUnit?.wantedBy.join(' ')).toBe(section(text, 'Install').WantedBy);
        // Each unit reads its own credentials directory: /run/credentials/<unit>.service/.
        const config = JSON.parse(fromNix.configFiles[configPath.replace('/etc/', '')] ?? '{}') as {
          forge: Record<string, string>;
        };
        expect(config.forge).toEqual({
          type: 'gitea',
          url: 'https://git.example.org',
          tokenFile: `/run/credentials/${unit}.service/forge-token`,
        });
      },
    );

    it('renders canon-metrics.timer as renderUnits does, and the textfile directory', async () => {
      const fromNix = await evalModule(path.join(root, 'fixture.json'));
      const timer = rendered('/etc/canon/canon-metrics.json').files['canon-metrics.timer'];
      expect(asUnitValues(fromNix.timers['canon-metrics']?.timerConfig ?? {})).toEqual(
        section(timer, 'Timer'),
      );
      expect(fromNix.timers['canon-metrics']?.description).toBe(section(timer, 'Unit').Description);
      expect(fromNix.tmpfiles).toContain('d /var/lib/node-exporter-text 0755 ci - - -');
    });

    it('checks the settings at build time with the package’s own canon doctor --offline, on a stand-in token', async () => {
      const { settingsCheck } = await evalModule(path.join(root, 'fixture.json'));
      expect(settingsCheck?.script).toContain('canon doctor --offline --config canon.config.json');
      expect(settingsCheck?.env.nativeBuildInputs).toEqual([
        canon,
        ...pathDirs.map((d) => path.dirname(d)),
      ]);
      expect(JSON.parse(settingsCheck?.env.checkConfig ?? '{}')).toEqual({
        ...settings,
        forge: { type: 'gitea', url: 'https://git.example.org', tokenFile: 'forge-token' },
        stateDir: '/var/lib/canon',
      });
    });

    it('a worker-only host gets canon-worker and no sweep, timer or metrics', async () => {
      const fixture = path.join(root, 'worker-only.json');
      await writeFile(
        fixture,
        JSON.stringify({
          enable: false,
          package: canon,
          bash: '/stand-in/bash',
          git: '/stand-in/git',
          'util-linux': '/stand-in/util-linux',
          settings,
          worker: { enable: true },
        }),
      );
      const fromNix = await evalModule(fixture);
      expect(Object.keys(fromNix.services)).toEqual(['canon-worker']);
      expect(fromNix.timers).toEqual({});
      expect(fromNix.services['canon-worker']?.serviceConfig.ExecStart).toBe(
        `${canon}/bin/canon worker --config /etc/canon/config.json`,
      );
    });
  },
);

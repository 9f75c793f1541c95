import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveOnPath, splitPath } from './resolve-on-path.js';
import { unless } from './testing/skip-reason.js';
import { createFleetHost, type FleetHost } from './testing/fleet-host.js';
import { verifyUnits, type VerifyExpected } from './verify-units.js';
import { writeUnits } from './write-units.js';

const systemdAnalyze = resolveOnPath('systemd-analyze', splitPath(process.env.PATH));

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
  };
});
afterEach(async () => {
  await host.cleanup();
});

async function edit(unit: 'service' | 'timer', change: (text: string) => string): Promise<void> {
  const file = path.join(unitsDir, `canon-sweep.${unit}`);
  const before = await readFile(file, 'utf8');
  const after = change(before);
  expect(after, 'the seeded defect must change the file').not.toBe(before);
  await writeFile(file, after);
}

/** Codes found by canon's own checks (systemd-analyze's SYSTEMD_ANALYZE lines are checked separately). */
async function ownCodes(opts: Partial<VerifyExpected> = {}): Promise<string[]> {
  const result = await verifyUnits(unitsDir, { ...expected, ...opts });
  expect(result.ok).toBe(false);
  return [
    ...new Set(result.problems.map((p) => p.code).filter((c) => c !== 'SYSTEMD_ANALYZE')),
  ].sort();
}

describe('verifyUnits on rendered units', () => {
  it('finds nothing wrong with freshly rendered units', async () => {
    expect(await verifyUnits(unitsDir, { ...expected, systemdAnalyze: null })).toEqual({
      ok: true,
      problems: [],
      notes: [expect.stringContaining('systemd-analyze not found')],
    });
  });

  it('notes, but does not fail, programs that exist only when the sweep runs', async () => {
    const result = await verifyUnits(unitsDir, {
      ...expected,
      programs: [...host.programs, '{checkout}/ci/run.sh'],
      systemdAnalyze: null,
    });
    expect(result.ok).toBe(true);
    expect(result.notes).toContain(
      '{checkout}/ci/run.sh exists only when the sweep runs (placeholder or relative path): not checked',
    );
  });

  it.skipIf(systemdAnalyze === null)(
    `finds nothing wrong with them with systemd-analyze calendar and verify too${unless(systemdAnalyze, 'no systemd-analyze on PATH')}`,
    async () => {
      expect(await verifyUnits(unitsDir, expected)).toEqual({ ok: true, problems: [], notes: [] });
    },
  );
});

describe('verifyUnits on units written by NixOS', () => {
  it('finds nothing wrong with the form nixos/module.nix produces', async () => {
    const bashDir = path.dirname(
      resolveOnPath('bash', splitPath(process.env.PATH)) ?? '/usr/bin/bash',
    );
    const flockDir = path.dirname(
      resolveOnPath('flock', splitPath(process.env.PATH)) ?? '/usr/bin/flock',
    );
    await writeFile(
      path.join(unitsDir, 'canon-sweep.service'),
      [
        '[Unit]',
        'After=network-online.target',
        'Description=canon: weekly sweep of the enrolled Co-op Cloud recipes',
        'Wants=network-online.target',
        'X-RestartIfChanged=false',
        '',
        '[Service]',
        `Environment="PATH=${host.toolsDir}:${bashDir}:${flockDir}:${host.toolsDir.replace(/bin$/, 'sbin')}"`,
        'Environment="TZDIR=/usr/share/zoneinfo"',
        `ExecStart=${host.execPath} sweep --config ${host.configPath}`,
        'KillMode=control-group',
        'ProtectControlGroups=true',
        'ProtectSystem=full',
        'SyslogIdentifier=canon-sweep',
        'TimeoutStartSec=4920',
        'TimeoutStopSec=60',
        'Type=oneshot',
        `WorkingDirectory=${host.stateDir}`,
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(unitsDir, 'canon-sweep.timer'),
      [
        '[Unit]',
        'Description=canon: weekly sweep timer',
        '',
        '[Timer]',
        'OnCalendar=Sun *-*-* 03:00:00',
        'Persistent=true',
        'Unit=canon-sweep.service',
        '',
      ].join('\n'),
    );
    expect(await verifyUnits(unitsDir, expected)).toMatchObject({ ok: true, problems: [] });
  });
});

describe('verifyUnits catches each seeded defect by name', () => {
  it('bash missing from PATH while the configured scripts need it', async () => {
    // The unit of the system canon replaces: the tools are on PATH, bash is not.
    await edit('service', (t) =>
      t.replace(/^Environment=.*$/m, `Environment=PATH=${host.toolsDir}`),
    );
    const result = await verifyUnits(unitsDir, { ...expected, systemdAnalyze: null });
    const messages = result.problems
      .filter((p) => p.code === 'PROGRAM_NOT_ON_PATH')
      .map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"bash" is not on PATH'),
        expect.stringContaining(
          `${path.join(host.toolsDir, 'abra')} starts with "#!/usr/bin/env bash"`,
        ),
        expect.stringContaining('"flock" is not on PATH'),
        expect.stringContaining('"node" is not on PATH'),
      ]),
    );
    expect(new Set(result.problems.map((p) => p.code))).toEqual(new Set(['PROGRAM_NOT_ON_PATH']));
  });

  it('a program the config names that is installed nowhere', async () => {
    const result = await verifyUnits(unitsDir, {
      ...expected,
      programs: [...host.programs, 'warm-snapshot'],
      systemdAnalyze: null,
    });
    expect(result.problems).toEqual([
      {
        code: 'PROGRAM_NOT_ON_PATH',
        message: expect.stringContaining('"warm-snapshot" is not on PATH='),
      },
    ]);
  });

  it('a relative ExecStart', async () => {
    await edit('service', (t) => t.replace(/^ExecStart=\S+/m, 'ExecStart=canon'));
    expect(await ownCodes()).toEqual(['EXECSTART_NOT_ABSOLUTE']);
  });

  it('an ExecStart that is not there', async () => {
    await rm(host.execPath);
    expect(await ownCodes({ systemdAnalyze: null })).toEqual(['EXECSTART_NOT_EXECUTABLE']);
  });

  it('a missing config file', async () => {
    await rm(host.configPath);
    expect(await ownCodes()).toEqual(['MISSING_CONFIG']);
  });

  it('a missing working directory', async () => {
    await rm(host.stateDir, { recursive: true });
    expect(await ownCodes({ systemdAnalyze: null })).toEqual(['MISSING_WORKING_DIRECTORY']);
  });

  it('zero enrolled recipes', async () => {
    expect(await ownCodes({ enrolledCount: 0 })).toEqual(['HOLLOW']);
  });

  it.each(['Sunday at three', 'Sun 25:00'])('OnCalendar=%s', async (spec) => {
    await edit('timer', (t) => t.replace(/^OnCalendar=.*$/m, `OnCalendar=${spec}`));
    // Without the config's schedule, so only the spec itself is judged (no SCHEDULE_MISMATCH).
    const { schedule: _schedule, ...withoutSchedule } = expected;
    expected = withoutSchedule;
    const result = await verifyUnits(unitsDir, expected);
    expect(result.problems).toContainEqual({
      code: 'BAD_ON_CALENDAR',
      message: expect.stringContaining(`OnCalendar=${spec} does not parse`),
    });
    expect(await ownCodes()).toEqual(['BAD_ON_CALENDAR']);
    if (systemdAnalyze !== null) {
      expect(result.problems).toContainEqual({
        code: 'SYSTEMD_ANALYZE',
        message: expect.stringContaining('Failed to parse calendar specification'),
      });
    }
  });

  it('Persistent= absent', async () => {
    await edit('timer', (t) => t.replace(/^Persistent=.*\n/m, ''));
    expect(await ownCodes()).toEqual(['MISSING_PERSISTENT']);
  });

  it.skipIf(systemdAnalyze === null)(
    `a unit key systemd does not know, through systemd-analyze verify${unless(systemdAnalyze, 'no systemd-analyze on PATH')}`,
    async () => {
      await edit('service', (t) =>
        t.replace('KillMode=control-group', 'KillMode=control-group\nProtectSytem=full'),
      );
      const result = await verifyUnits(unitsDir, expected);
      expect(result.problems).toEqual([
        {
          code: 'SYSTEMD_ANALYZE',
          message: expect.stringMatching(/canon-sweep\.service:\d+: Unknown key 'ProtectSytem'/),
        },
      ]);
      expect(result.problems[0]?.message).toContain(unitsDir);
    },
  );

  it('every defect at once, not just the first', async () => {
    await edit('service', (t) =>
      t
        .replace(/^Environment=.*\n/m, '')
        .replace(/^ExecStart=\S+/m, 'ExecStart=canon')
        .replace(/^Type=.*$/m, 'Type=simple'),
    );
    await edit('timer', (t) =>
      t.replace(/^Persistent=.*\n/m, '').replace(/^OnCalendar=.*$/m, 'OnCalendar=Sun 25:00'),
    );
    await rm(host.configPath);
    expect(
      await ownCodes({ enrolledCount: 0, programs: [...host.programs, 'warm-snapshot'] }),
    ).toEqual([
      'BAD_ON_CALENDAR',
      'EXECSTART_NOT_ABSOLUTE',
      'HOLLOW',
      'MISSING_CONFIG',
      'MISSING_PATH',
      'MISSING_PERSISTENT',
      'NOT_ONESHOT',
      'PROGRAM_NOT_ON_PATH',
      'SCHEDULE_MISMATCH',
    ]);
  });

  it('both unit files missing', async () => {
    await rm(unitsDir, { recursive: true });
    const result = await verifyUnits(unitsDir, expected);
    expect(result.problems.map((p) => p.code)).toEqual(['MISSING_UNIT', 'MISSING_UNIT']);
  });
});

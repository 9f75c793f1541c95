import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TimerUnitsError } from './errors.js';
import { parseEnvironment, parseUnitFile, splitExecStart, values } from './internal/unit-syntax.js';
import { renderUnits } from './render-units.js';
import { resolveOnPath, splitPath } from './resolve-on-path.js';
import { createFleetHost, type FleetHost } from './testing/fleet-host.js';
import { writeUnits } from './write-units.js';

let host: FleetHost;
beforeEach(async () => {
  host = await createFleetHost();
});
afterEach(async () => {
  await host.cleanup();
});

function field(text: string, section: string, key: string): string[] {
  return values(parseUnitFile(text), section, key);
}

describe('renderUnits', () => {
  it('renders a oneshot service that runs canon sweep with an explicit PATH, and a persistent weekly timer', () => {
    const { service, timer, path: unitPath } = renderUnits(host.renderInput);
    expect(field(service, 'Service', 'Type')).toEqual(['oneshot']);
    expect(splitExecStart(field(service, 'Service', 'ExecStart')[0] ?? '').argv).toEqual([
      host.execPath,
      'sweep',
      '--config',
      host.configPath,
      // The whole start timeout: a listen-triggered sweep never costs the weekly one.
      '--wait',
      '4920',
    ]);
    expect(field(service, 'Service', 'WorkingDirectory')).toEqual([host.stateDir]);
    expect(field(service, 'Service', 'KillMode')).toEqual(['control-group']);
    // 300 for the sweep + (3600 + 900 + 2 × 30 + 60) for its one recipe.
    expect(field(service, 'Service', 'TimeoutStartSec')).toEqual(['4920']);
    expect(field(service, 'Service', 'User')).toEqual([]);
    const envPath = parseEnvironment(field(service, 'Service', 'Environment')).get('PATH');
    expect(envPath).toBe(unitPath.join(':'));
    expect(field(timer, 'Timer', 'OnCalendar')).toEqual(['Sun *-*-* 03:00:00']);
    expect(field(timer, 'Timer', 'Persistent')).toEqual(['true']);
    expect(field(timer, 'Timer', 'RandomizedDelaySec')).toEqual([]);
    expect(field(timer, 'Install', 'WantedBy')).toEqual(['timers.target']);
  });

  it("puts the directory of every configured program, bash, git and canon's node on PATH, and nothing else", () => {
    const { path: unitPath, resolved } = renderUnits(host.renderInput);
    const systemPath = splitPath(process.env.PATH);
    const expected = new Set([host.toolsDir]);
    for (const program of ['bash', 'flock', 'node']) {
      expected.add(path.dirname(resolveOnPath(program, systemPath) ?? 'missing/missing'));
    }
    expect(new Set(unitPath)).toEqual(expected);
    expect(unitPath[0]).toBe(host.toolsDir);
    // git is found first in the tools directory (a pathDir), as it will be under the unit.
    expect(resolved.git).toBe(path.join(host.toolsDir, 'git'));
    for (const [program, file] of Object.entries(resolved)) {
      if (!program.includes('/')) expect(resolveOnPath(program, unitPath)).toBe(file);
    }
  });

  it('takes user, RandomizedDelaySec, a non-persistent schedule and an explicit timeout', () => {
    const { service, timer } = renderUnits({
      ...host.renderInput,
      user: 'ci',
      schedule: { onCalendar: 'Mon..Fri *-*-* 04:30', persistent: false, randomizedDelaySec: 900 },
      limits: { timeoutStartSec: 7200.5 },
    });
    expect(field(service, 'Service', 'User')).toEqual(['ci']);
    expect(field(service, 'Service', 'TimeoutStartSec')).toEqual(['7201']);
    expect(field(timer, 'Timer', 'OnCalendar')).toEqual(['Mon..Fri *-*-* 04:30']);
    expect(field(timer, 'Timer', 'Persistent')).toEqual(['false']);
    expect(field(timer, 'Timer', 'RandomizedDelaySec')).toEqual(['900']);
  });

  it('quotes paths with spaces, % and $ so they read back exactly', () => {
    const { service } = renderUnits({
      ...host.renderInput,
      configPath: '/etc/canon/my 100% $HOME config.json',
    });
    const argv = splitExecStart(field(service, 'Service', 'ExecStart')[0] ?? '').argv;
    expect(argv[3]).toBe('/etc/canon/my 100% $HOME config.json');
  });

  it('leaves programs that exist only at run time (placeholders, paths relative to the checkout) unresolved', () => {
    const { unchecked, path: unitPath } = renderUnits({
      ...host.renderInput,
      programs: [...host.programs, '{checkout}/ci/run.sh', './run-tests'],
    });
    expect(unchecked).toEqual(['{checkout}/ci/run.sh', './run-tests']);
    expect(unitPath).toEqual(renderUnits(host.renderInput).path);
  });

  it('refuses to render a unit whose programs would not resolve, naming each one', () => {
    const attempt = (): unknown =>
      renderUnits({ ...host.renderInput, programs: ['abra', 'warm-snapshot', 'no-such-tool'] });
    expect(attempt).toThrow(TimerUnitsError);
    try {
      attempt();
    } catch (error) {
      expect((error as TimerUnitsError).code).toBe('PROGRAM_NOT_ON_PATH');
      expect((error as Error).message).toContain('"warm-snapshot"');
      expect((error as Error).message).toContain('"no-such-tool"');
    }
  });

  it('reports every invalid input at once', () => {
    try {
      renderUnits({
        ...host.renderInput,
        schedule: { onCalendar: 'Sunday at three', persistent: true, randomizedDelaySec: -1 },
        execPath: 'canon',
        workingDirectory: 'var/lib/canon',
        user: 'bad user',
        limits: { timeoutStartSec: Number.NaN },
      });
      expect.unreachable('renderUnits accepted invalid input');
    } catch (error) {
      expect(error).toBeInstanceOf(TimerUnitsError);
      expect((error as TimerUnitsError).code).toBe('INVALID_INPUT');
      const problems = (error as TimerUnitsError<'INVALID_INPUT'>).data.problems;
      expect(problems).toHaveLength(6);
      expect(problems.join('\n')).toMatch(/schedule\.onCalendar "Sunday at three"/);
    }
  });
});

describe('writeUnits', () => {
  it('writes both files into a new directory, leaving no temp files behind', async () => {
    const out = path.join(host.root, 'units', 'out');
    const written = await writeUnits(out, host.renderInput);
    expect((await readdir(out)).sort()).toEqual(['canon-sweep.service', 'canon-sweep.timer']);
    expect(await readFile(written.servicePath, 'utf8')).toBe(written.service);
    expect(await readFile(written.timerPath, 'utf8')).toBe(written.timer);
  });

  it('writes nothing when rendering fails', async () => {
    const out = path.join(host.root, 'units', 'never');
    await expect(
      writeUnits(out, { ...host.renderInput, programs: ['no-such-tool'] }),
    ).rejects.toMatchObject({ code: 'PROGRAM_NOT_ON_PATH' });
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TimerUnitsError } from './errors.js';
import { analyzeVerify } from './internal/systemd-analyze.js';
import { parseEnvironment, parseUnitFile, splitExecStart, values } from './internal/unit-syntax.js';
import { parseOnCalendar } from './parse-on-calendar.js';
import { renderUnits, type RenderInput } from './render-units.js';
import { resolveOnPath, splitPath } from './resolve-on-path.js';
import { unless } from './testing/skip-reason.js';
import { createFleetHost, type FleetHost } from './testing/fleet-host.js';
import { writeUnits } from './write-units.js';

const systemdAnalyze = resolveOnPath('systemd-analyze', splitPath(process.env.PATH));

let host: FleetHost;
let input: RenderInput;
beforeEach(async () => {
  host = await createFleetHost();
  input = {
    ...host.renderInput,
    user: 'ci',
    metrics: { out: path.join(host.stateDir, 'metrics', 'canon.prom') },
    worker: { slots: 2, pool: 'big' },
    listen: {},
  };
});
afterEach(async () => {
  await host.cleanup();
});

function field(text: string | undefined, section: string, key: string): string[] {
  return values(parseUnitFile(text ?? ''), section, key);
}

function argv(text: string | undefined): string[] {
  return splitExecStart(field(text, 'Service', 'ExecStart')[0] ?? '').argv;
}

describe('renderUnits with metrics, worker and listen', () => {
  it('renders canon-metrics.service and a 5-minute canon-metrics.timer writing the textfile', () => {
    const { files } = renderUnits(input);
    const service = files['canon-metrics.service'];
    expect(argv(service)).toEqual([
      host.execPath,
      'metrics',
      '--out',
      path.join(host.stateDir, 'metrics', 'canon.prom'),
      '--config',
      host.configPath,
    ]);
    expect(field(service, 'Service', 'Type')).toEqual(['oneshot']);
    expect(field(service, 'Service', 'User')).toEqual(['ci']);
    const timer = files['canon-metrics.timer'];
    expect(field(timer, 'Timer', 'OnCalendar')).toEqual(['*:0/5']);
    expect(parseOnCalendar('*:0/5').ok).toBe(true);
    expect(field(timer, 'Timer', 'Unit')).toEqual(['canon-metrics.service']);
    expect(field(timer, 'Install', 'WantedBy')).toEqual(['timers.target']);
  });

  it('renders canon-worker.service and canon-listen.service as restarting daemons with the sweep’s PATH', () => {
    const { files, path: unitPath } = renderUnits(input);
    const worker = files['canon-worker.service'];
    expect(argv(worker)).toEqual([
      host.execPath,
      'worker',
      '--slots',
      '2',
      '--pool',
      'big',
      '--config',
      host.configPath,
    ]);
    const listen = files['canon-listen.service'];
    expect(argv(listen)).toEqual([host.execPath, 'listen', '--config', host.configPath]);
    for (const unit of [worker, listen]) {
      expect(field(unit, 'Service', 'Type')).toEqual(['simple']);
      expect(field(unit, 'Service', 'Restart')).toEqual(['on-failure']);
      expect(field(unit, 'Service', 'KillMode')).toEqual(['control-group']);
      expect(field(unit, 'Service', 'TimeoutStopSec')).toEqual(['60']);
      expect(field(unit, 'Service', 'WorkingDirectory')).toEqual([host.stateDir]);
      expect(parseEnvironment(field(unit, 'Service', 'Environment')).get('PATH')).toBe(
        unitPath.join(':'),
      );
      expect(field(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
    }
    // Only the listener gets the memory settings P8 measured (docs/operations.md).
    const listenEnv = parseEnvironment(field(listen, 'Service', 'Environment'));
    expect([listenEnv.get('NODE_OPTIONS'), listenEnv.get('MALLOC_MMAP_THRESHOLD_')]).toEqual(['--max-semi-space-size=1', '16384']);
    const workerEnv = parseEnvironment(field(worker, 'Service', 'Environment'));
    expect([...workerEnv.keys()]).toEqual(['PATH']);
  });

  it('renders only the sweep’s two units without the optional inputs', () => {
    expect(Object.keys(renderUnits(host.renderInput).files)).toEqual([
      'canon-sweep.service',
      'canon-sweep.timer',
    ]);
  });

  it('refuses bad metrics and worker inputs, naming each', () => {
    const attempt = (): unknown =>
      renderUnits({
        ...input,
        metrics: { out: 'canon.prom', onCalendar: 'every five' },
        worker: { slots: 0, pool: 'a b' },
      });
    expect(attempt).toThrow(TimerUnitsError);
    try {
      attempt();
    } catch (error) {
      expect(((error as TimerUnitsError).data as { problems: string[] }).problems).toEqual([
        'metrics.out must be an absolute path, got "canon.prom"',
        expect.stringContaining('metrics.onCalendar "every five"'),
        'worker.slots must be an integer >= 1, got 0',
        'worker.pool must be a pool name ([A-Za-z0-9._-]), got "a b"',
      ]);
    }
  });

  it('writeUnits writes all six files', async () => {
    const out = path.join(host.root, 'units');
    const written = await writeUnits(out, input);
    expect((await readdir(out)).sort()).toEqual([
      'canon-listen.service',
      'canon-metrics.service',
      'canon-metrics.timer',
      'canon-sweep.service',
      'canon-sweep.timer',
      'canon-worker.service',
    ]);
    for (const file of written.paths)
      expect(await readFile(file, 'utf8')).toBe(written.files[path.basename(file)]);
  });

  it.skipIf(systemdAnalyze === null)(
    `every rendered unit passes systemd-analyze verify${unless(systemdAnalyze, 'no systemd-analyze on PATH')}`,
    async () => {
      // Without User=: systemd-analyze verify rejects a user this machine does not have.
      const { user: _user, ...withoutUser } = input;
      const written = await writeUnits(path.join(host.root, 'units'), withoutUser);
      expect(written.paths).toHaveLength(6);
      expect(await analyzeVerify(systemdAnalyze ?? '', written.paths)).toEqual([]);
    },
  );
});

import path from 'node:path';
import { checkPrograms, REQUIRED_PROGRAMS } from './check-programs.js';
import { deriveTimeoutStartSec, deriveTimeoutStopSec, type UnitLimits } from './derive-timeout.js';
import { TimerUnitsError } from './errors.js';
import { envInterpreter, splitPath } from './resolve-on-path.js';
import { parseOnCalendar } from './parse-on-calendar.js';
import { escapePathValue, hasControlCharacter, quoteWord } from './internal/unit-syntax.js';
import {
  LISTEN_ENVIRONMENT,
  LISTEN_SERVICE_NAME,
  METRICS_SERVICE_NAME,
  METRICS_TIMER_NAME,
  renderListenService,
  renderMetricsUnits,
  renderWorkerService,
  WORKER_SERVICE_NAME,
  type ListenUnitInput,
  type MetricsUnitInput,
  type ServiceBase,
  type WorkerUnitInput,
} from './internal/render-daemons.js';

export type { ListenUnitInput, MetricsUnitInput, WorkerUnitInput };
export { LISTEN_ENVIRONMENT, LISTEN_SERVICE_NAME, METRICS_SERVICE_NAME, METRICS_TIMER_NAME, WORKER_SERVICE_NAME };

export type Schedule = { onCalendar: string; persistent: boolean; randomizedDelaySec?: number };

export type RenderInput = {
  schedule: Schedule;
  /** argv[0] of every command the config names (bare names or absolute paths). */
  programs: readonly string[];
  /** Absolute path of the `canon` executable the service runs. */
  execPath: string;
  configPath: string;
  workingDirectory: string;
  user?: string;
  limits: UnitLimits;
  /** Extra directories put first on the unit's PATH (and searched first). */
  pathDirs?: readonly string[];
  /** Where programs are looked up besides `pathDirs`; default: this process's PATH. */
  searchPath?: readonly string[];
  /** Adds canon-metrics.service and canon-metrics.timer. */
  metrics?: MetricsUnitInput;
  /** Adds canon-worker.service (the config's execution.mode is "queue"). */
  worker?: WorkerUnitInput;
  /** Adds canon-listen.service (the config has a webhook). */
  listen?: ListenUnitInput;
};

export type RenderedUnits = {
  service: string;
  timer: string;
  /** The PATH the service gets. */
  path: string[];
  /** Program → the file it resolved to at render time. */
  resolved: Record<string, string>;
  /** Programs that exist only at run time (placeholders, relative paths): not resolved. */
  unchecked: string[];
  /** Every unit rendered, file name → text: the sweep's two, then those of `metrics`, `worker`, `listen`. */
  files: Record<string, string>;
};

export const SERVICE_NAME = 'canon-sweep.service';
export const TIMER_NAME = 'canon-sweep.timer';

/**
 * Hardening that abra and docker survive, and why each stronger option is left out:
 * - NoNewPrivileges= stays off: test scripts may use sudo, and rootless docker needs the
 *   setuid newuidmap. PrivateDevices=, ProtectKernel*=, ProtectClock=, RestrictSUIDSGID=,
 *   LockPersonality=, SystemCallFilter= and friends are left out because for a non-root
 *   User= systemd turns them into NoNewPrivileges=yes.
 * - ProtectSystem=full, not strict: /usr, /boot and /etc become read-only; /var (stateDir,
 *   workDir, docker's socket) stays writable. `strict` would need ReadWritePaths= for every
 *   directory a recipe's test writes, which canon cannot know.
 * - No ProtectHome=: abra keeps its servers and recipes in ~/.abra, ssh its keys in ~/.ssh.
 * - No PrivateTmp=: busyCheck locks shared with other CI runs may live in /tmp.
 */
const HARDENING: readonly (readonly [string, string])[] = [
  ['ProtectSystem', 'full'],
  ['ProtectControlGroups', 'true'],
];

/** Renders canon-sweep.service and canon-sweep.timer; throws TimerUnitsError listing every problem. */
export function renderUnits(input: RenderInput): RenderedUnits {
  const problems = validateInput(input);
  if (problems.length > 0) {
    throw new TimerUnitsError('INVALID_INPUT', { problems });
  }
  const { unitPath, resolved, unchecked } = buildPath(input);
  const base = serviceBase(input, unitPath);
  const service = renderService(input, base);
  const timer = renderTimer(input.schedule);
  const files: Record<string, string> = { [SERVICE_NAME]: service, [TIMER_NAME]: timer };
  if (input.metrics !== undefined) {
    const metrics = renderMetricsUnits(base, input.metrics);
    files[METRICS_SERVICE_NAME] = metrics.service;
    files[METRICS_TIMER_NAME] = metrics.timer;
  }
  if (input.worker !== undefined)
    files[WORKER_SERVICE_NAME] = renderWorkerService(base, input.worker);
  if (input.listen !== undefined) files[LISTEN_SERVICE_NAME] = renderListenService(base);
  return { service, timer, path: unitPath, resolved, unchecked, files };
}

function validateInput(input: RenderInput): string[] {
  const problems: string[] = [];
  const calendar = parseOnCalendar(input.schedule.onCalendar);
  if (!calendar.ok)
    problems.push(`schedule.onCalendar "${input.schedule.onCalendar}" ${calendar.reason}`);
  const delay = input.schedule.randomizedDelaySec;
  if (delay !== undefined && !(Number.isFinite(delay) && delay >= 0)) {
    problems.push(`schedule.randomizedDelaySec must be a number >= 0, got ${String(delay)}`);
  }
  for (const [field, value] of [
    ['execPath', input.execPath],
    ['configPath', input.configPath],
    ['workingDirectory', input.workingDirectory],
  ] as const) {
    if (!path.isAbsolute(value) || hasControlCharacter(value))
      problems.push(`${field} must be an absolute path, got ${JSON.stringify(value)}`);
  }
  if (input.user !== undefined && !/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(input.user)) {
    problems.push(`user must be a user name, got ${JSON.stringify(input.user)}`);
  }
  for (const dir of input.pathDirs ?? []) {
    if (!path.isAbsolute(dir) || dir.includes(':') || hasControlCharacter(dir)) {
      problems.push(
        `pathDirs entries must be absolute paths without ":", got ${JSON.stringify(dir)}`,
      );
    }
  }
  problems.push(...validateExtras(input));
  for (const program of input.programs) {
    if (program === '' || hasControlCharacter(program))
      problems.push(`programs holds an empty or unprintable name: ${JSON.stringify(program)}`);
  }
  const { timeoutStartSec, recipes, killGraceSeconds } = input.limits;
  const numbers: [string, number | undefined][] = [
    ['limits.timeoutStartSec', timeoutStartSec],
    ['limits.killGraceSeconds', killGraceSeconds],
    ...(recipes ?? []).flatMap((r, i): [string, number][] => [
      [`limits.recipes[${i}].testSeconds`, r.testSeconds],
      [`limits.recipes[${i}].promoteSeconds`, r.promoteSeconds],
    ]),
  ];
  for (const [field, value] of numbers) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      problems.push(`${field} must be a number >= 0, got ${String(value)}`);
  }
  return problems;
}

function validateExtras(input: RenderInput): string[] {
  const problems: string[] = [];
  const { metrics, worker } = input;
  if (metrics !== undefined) {
    if (!path.isAbsolute(metrics.out) || hasControlCharacter(metrics.out))
      problems.push(`metrics.out must be an absolute path, got ${JSON.stringify(metrics.out)}`);
    const calendar = metrics.onCalendar === undefined ? null : parseOnCalendar(metrics.onCalendar);
    if (calendar !== null && !calendar.ok)
      problems.push(`metrics.onCalendar "${metrics.onCalendar ?? ''}" ${calendar.reason}`);
  }
  if (worker?.slots !== undefined && !(Number.isInteger(worker.slots) && worker.slots >= 1))
    problems.push(`worker.slots must be an integer >= 1, got ${String(worker.slots)}`);
  if (worker?.pool !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(worker.pool))
    problems.push(
      `worker.pool must be a pool name ([A-Za-z0-9._-]), got ${JSON.stringify(worker.pool)}`,
    );
  return problems;
}

/**
 * The unit's PATH: `pathDirs`, then the directory of every program (and of every
 * `#!/usr/bin/env X` interpreter, canon's own `node` included) in search order, so each
 * name resolves under the unit exactly as it did here.
 */
function buildPath(input: RenderInput): {
  unitPath: string[];
  resolved: Record<string, string>;
  unchecked: string[];
} {
  const pathDirs = (input.pathDirs ?? []).map((d) => path.resolve(d));
  const search = [
    ...pathDirs,
    ...(input.searchPath ?? splitPath(process.env.PATH))
      .filter((d) => path.isAbsolute(d))
      .map((d) => path.resolve(d)),
  ];
  const wanted = [...input.programs, ...REQUIRED_PROGRAMS];
  const canonInterpreter = envInterpreter(input.execPath);
  if (canonInterpreter !== null) wanted.push(canonInterpreter);
  const check = checkPrograms(wanted, search);
  if (!check.ok) {
    throw new TimerUnitsError('PROGRAM_NOT_ON_PATH', { problems: check.problems, searchPath: search });
  }
  const bareDirs: string[] = [];
  const absoluteDirs: string[] = [];
  for (const [program, file] of Object.entries(check.resolved)) {
    (program.includes('/') ? absoluteDirs : bareDirs).push(path.dirname(file));
  }
  bareDirs.sort((a, b) => search.indexOf(a) - search.indexOf(b));
  return {
    unitPath: [...new Set([...pathDirs, ...bareDirs, ...absoluteDirs])],
    resolved: check.resolved,
    unchecked: check.unchecked,
  };
}

function serviceBase(input: RenderInput, unitPath: readonly string[]): ServiceBase {
  return {
    execPath: input.execPath,
    configPath: input.configPath,
    placement: [
      `WorkingDirectory=${escapePathValue(input.workingDirectory)}`,
      ...(input.user === undefined ? [] : [`User=${input.user}`]),
    ],
    // Explicit, never inherited: every program the config names must resolve here.
    environmentPath: `Environment=${quoteWord(`PATH=${unitPath.join(':')}`)}`,
    hardening: HARDENING.map(([key, value]) => `${key}=${value}`),
    limits: input.limits,
  };
}

function renderService(input: RenderInput, base: ServiceBase): string {
  const timeoutStartSec = deriveTimeoutStartSec(input.limits);
  // --wait: a sweep started by `canon listen` may hold the mutex; the weekly sweep waits
  // for it (its whole start timeout) instead of exiting 75 and skipping a week.
  const argv = [
    input.execPath,
    'sweep',
    '--config',
    input.configPath,
    '--wait',
    String(timeoutStartSec),
  ];
  const execStart = argv.map((w) => quoteWord(w, { exec: true })).join(' ');
  const lines = [
    '# Rendered by @canon/timer-units (`canon units render`); check with `canon units verify`.',
    '[Unit]',
    'Description=canon: weekly sweep of the enrolled Co-op Cloud recipes',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${execStart}`,
    ...base.placement,
    base.environmentPath,
    // A stopped or timed-out sweep takes every process group it started with it.
    'KillMode=control-group',
    `TimeoutStartSec=${timeoutStartSec}`,
    `TimeoutStopSec=${deriveTimeoutStopSec(input.limits)}`,
    ...base.hardening,
    'SyslogIdentifier=canon-sweep',
  ];
  return `${lines.join('\n')}\n`;
}

function renderTimer(schedule: Schedule): string {
  const lines = [
    '# Rendered by @canon/timer-units (`canon units render`); check with `canon units verify`.',
    '[Unit]',
    'Description=canon: weekly sweep timer',
    '',
    '[Timer]',
    `OnCalendar=${schedule.onCalendar}`,
    // Persistent: a sweep missed while the host was down runs at the next boot.
    `Persistent=${schedule.persistent ? 'true' : 'false'}`,
    ...(schedule.randomizedDelaySec === undefined
      ? []
      : [`RandomizedDelaySec=${schedule.randomizedDelaySec}`]),
    `Unit=${SERVICE_NAME}`,
    '',
    '[Install]',
    'WantedBy=timers.target',
  ];
  return `${lines.join('\n')}\n`;
}

// The units beside the weekly sweep: the metrics refresh (so a timer that stopped firing
// shows in the metrics), the queue worker and the webhook listener.
import { deriveTimeoutStopSec, type UnitLimits } from '../derive-timeout.js';
import { quoteWord } from './unit-syntax.js';

export type MetricsUnitInput = {
  /** The textfile collector's file `canon metrics --out` writes. */
  out: string;
  /** OnCalendar= of the refresh; default every 5 minutes. */
  onCalendar?: string;
};
export type WorkerUnitInput = { slots?: number; pool?: string };
export type ListenUnitInput = Record<string, never>;

/** What every canon service shares with the sweep's: how it runs canon, as whom, with which PATH. */
export type ServiceBase = {
  execPath: string;
  configPath: string;
  /** `WorkingDirectory=…` and `User=…` lines, already escaped. */
  placement: string[];
  environmentPath: string;
  hardening: string[];
  limits: UnitLimits;
};

export const METRICS_SERVICE_NAME = 'canon-metrics.service';
export const METRICS_TIMER_NAME = 'canon-metrics.timer';
export const WORKER_SERVICE_NAME = 'canon-worker.service';
export const LISTEN_SERVICE_NAME = 'canon-listen.service';
export const DEFAULT_METRICS_ON_CALENDAR = '*:0/5';
// Reading the registry and writing one file: a minute is plenty, and a hung refresh must
// not pile up behind the next timer fire.
const METRICS_TIMEOUT_SECONDS = 120;
// The refresh only reads the registry and writes one file: unlike the sweep, it runs no
// recipe command, needs no sudo, docker or network, so it gets the full sandbox.
// MemoryDenyWriteExecute= stays off (node's JIT); ProtectHome= too (stateDir may be in a
// home directory).
const METRICS_HARDENING = [
  'NoNewPrivileges=true',
  'PrivateTmp=true',
  'PrivateDevices=true',
  'PrivateNetwork=true',
  'ProtectProc=invisible',
  'ProtectKernelTunables=true',
  'ProtectKernelModules=true',
  'ProtectKernelLogs=true',
  'ProtectClock=true',
  'ProtectHostname=true',
  'RestrictNamespaces=true',
  'RestrictRealtime=true',
  'RestrictSUIDSGID=true',
  'RestrictAddressFamilies=AF_UNIX',
  'LockPersonality=true',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'CapabilityBoundingSet=',
];
const HEADER =
  '# Rendered by @canon/timer-units (`canon units render`); check with `canon units verify`.';

function execLine(base: ServiceBase, args: readonly string[]): string {
  return `ExecStart=${[base.execPath, ...args, '--config', base.configPath].map((w) => quoteWord(w, { exec: true })).join(' ')}`;
}

export function renderMetricsUnits(
  base: ServiceBase,
  metrics: MetricsUnitInput,
): { service: string; timer: string } {
  const service = [
    HEADER,
    '[Unit]',
    'Description=canon: refresh the fleet metrics (node_exporter textfile collector)',
    '',
    '[Service]',
    'Type=oneshot',
    execLine(base, ['metrics', '--out', metrics.out]),
    ...base.placement,
    base.environmentPath,
    `TimeoutStartSec=${METRICS_TIMEOUT_SECONDS}`,
    ...base.hardening,
    ...METRICS_HARDENING,
    'SyslogIdentifier=canon-metrics',
  ];
  const timer = [
    HEADER,
    '[Unit]',
    'Description=canon: metrics refresh timer (a missed sweep shows within minutes)',
    '',
    '[Timer]',
    `OnCalendar=${metrics.onCalendar ?? DEFAULT_METRICS_ON_CALENDAR}`,
    // A refresh missed while the host was down is worth nothing: the next one replaces it.
    'Persistent=false',
    `Unit=${METRICS_SERVICE_NAME}`,
    '',
    '[Install]',
    'WantedBy=timers.target',
  ];
  return { service: `${service.join('\n')}\n`, timer: `${timer.join('\n')}\n` };
}

/**
 * What `canon listen` runs with, measured against a flood of 10,000 requests it must turn away
 * (docs/performance.md, P8): a young generation capped at 1 MB per semi-space (V8 otherwise
 * grows it to 16 MB under a burst, and a daemon keeps what a burst grew), and glibc serving
 * allocations of 16 KiB and more (node's copies of body pieces) by mmap, so that a freed one goes
 * back to the system instead of staying in a heap that a flood of uploads grew.
 */
export const LISTEN_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_OPTIONS: '--max-semi-space-size=1',
  MALLOC_MMAP_THRESHOLD_: '16384',
};

function renderDaemon(
  base: ServiceBase,
  opts: { description: string; args: string[]; identifier: string; environment?: Readonly<Record<string, string>> },
): string {
  const lines = [
    HEADER,
    '[Unit]',
    `Description=${opts.description}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    execLine(base, opts.args),
    ...base.placement,
    base.environmentPath,
    ...Object.entries(opts.environment ?? {}).map(([name, value]) => `Environment=${quoteWord(`${name}=${value}`)}`),
    'Restart=on-failure',
    'RestartSec=10',
    // A stopped daemon takes every test or sweep it started with it.
    'KillMode=control-group',
    `TimeoutStopSec=${deriveTimeoutStopSec(base.limits)}`,
    ...base.hardening,
    `SyslogIdentifier=${opts.identifier}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
  return `${lines.join('\n')}\n`;
}

export function renderWorkerService(base: ServiceBase, worker: WorkerUnitInput): string {
  return renderDaemon(base, {
    description: 'canon: queue worker running cold tests for the sweep host',
    args: [
      'worker',
      ...(worker.slots === undefined ? [] : ['--slots', String(worker.slots)]),
      ...(worker.pool === undefined ? [] : ['--pool', worker.pool]),
    ],
    identifier: 'canon-worker',
  });
}

export function renderListenService(base: ServiceBase): string {
  return renderDaemon(base, {
    description: 'canon: forge webhook listener (tag events start a sweep of that recipe)',
    args: ['listen'],
    identifier: 'canon-listen',
    environment: LISTEN_ENVIRONMENT,
  });
}

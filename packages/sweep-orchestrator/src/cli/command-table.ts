import type { CommandDefinition } from './define-command.js';

/** What `canon --help` shows of a command without loading it, and how to load it. */
export type CommandEntry = {
  name: string;
  summary: string;
  /** The headline example, shown in `canon --help` and first in `canon <command> --help`. */
  example: string;
  load: () => Promise<CommandDefinition>;
};

// Only names, summaries and loaders: each command's module (and what it imports) is loaded
// when that command runs or shows its help, so `canon --version` loads neither git nor zod.
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'sweep',
    summary: 'sync, decide, test and promote every enrolled recipe (one sweep at a time)',
    example: 'canon sweep',
    load: async () => (await import('./commands/sweep.js')).command,
  },
  {
    name: 'plan',
    summary: "decide from upstream's refs what a sweep would run; pushes and writes nothing",
    example: 'canon plan',
    load: async () => (await import('./commands/plan.js')).command,
  },
  {
    name: 'sync',
    summary: 'sync mirrors from upstream (no test, no promote)',
    example: 'canon sync',
    load: async () => (await import('./commands/sync.js')).command,
  },
  {
    name: 'status',
    summary: "the fleet: each recipe's known-good, newest release, last outcome and evidence; the sweep in progress; a missed sweep",
    example: 'canon status',
    load: async () => (await import('./commands/status.js')).command,
  },
  {
    name: 'report',
    summary: 'render a run record as Markdown, JSON, HTML or Prometheus metrics',
    example: 'canon report --format md',
    load: async () => (await import('./commands/report.js')).command,
  },
  {
    name: 'history',
    summary: "print a recipe's history (promotions, failed advances, rollbacks) and its last attempt",
    example: 'canon history --recipe gitea',
    load: async () => (await import('./commands/history.js')).command,
  },
  {
    name: 'metrics',
    summary: "write the fleet's Prometheus metrics atomically for node_exporter's textfile collector",
    example: 'canon metrics --out /var/lib/node_exporter/textfile/canon.prom',
    load: async () => (await import('./commands/metrics.js')).command,
  },
  {
    name: 'promote',
    summary: 'promote a version another CI phase tested green (the gate is enforced)',
    example: 'canon promote --recipe gitea --version 3.6.1+1.24.3-rootless',
    load: async () => (await import('./commands/promote.js')).command,
  },
  {
    name: 'approve',
    summary: 'approve a held major: exactly that version runs on the next sweep',
    example: 'canon approve --recipe keycloak --version 11.0.0+26.0.0 --reason "migration notes read"',
    load: async () => (await import('./commands/approve.js')).command,
  },
  {
    name: 'adopt',
    summary: 'record what already runs on a live or protected domain (no canonical yet) as its canonical; deploys nothing',
    example: 'canon adopt --recipe keycloak --version 10.2.0+25.0.6 --reason "running since the old reconciler"',
    load: async () => (await import('./commands/adopt.js')).command,
  },
  {
    name: 'gate',
    summary: "print the promote gate's verdict as JSON {promote, reasons}; exit 0 iff it would promote",
    example: 'canon gate --recipe gitea --version 3.6.1+1.24.3-rootless --exit-code 0',
    load: async () => (await import('./commands/gate.js')).command,
  },
  {
    name: 'recheck',
    summary: "give a recipe's known failure one more test in the next sweep (recorded in approvals.jsonl)",
    example: 'canon recheck --recipe gitea --reason "runner image fixed"',
    load: async () => (await import('./commands/recheck.js')).command,
  },
  {
    name: 'upgrade-base',
    summary: 'print the newest release on the mirror older than V (exit 1 and print nothing if none)',
    example: 'canon upgrade-base gitea 3.6.1+1.24.3-rootless',
    load: async () => (await import('./commands/upgrade-base.js')).command,
  },
  {
    name: 'units',
    summary: 'render or verify the systemd service and timer that run the weekly sweep',
    example: 'canon units render --out /etc/systemd/system',
    load: async () => (await import('./commands/units.js')).command,
  },
  {
    name: 'init',
    summary: 'write a starter config (strict JSON with $schema; the walk-through of its keys is printed) and create stateDir; never overwrites',
    example: 'canon init --config /etc/canon/config.json',
    load: async () => (await import('./commands/init.js')).command,
  },
  {
    name: 'listen',
    summary: "serve the forge's tag webhooks (debounced sweeps of the tagged recipes), /metrics, / and /healthz",
    example: 'canon listen',
    load: async () => (await import('./commands/listen.js')).command,
  },
  {
    name: 'worker',
    summary: 'queue mode: take cold-test jobs from Redis on this host until SIGTERM',
    example: 'canon worker --slots 2',
    load: async () => (await import('./commands/worker.js')).command,
  },
  {
    name: 'doctor',
    summary: 'check config, programs, state dir, remotes, forge, the enrolled set and (with --units) the installed units; --offline: only config, enrolled set and programs',
    example: 'canon doctor',
    load: async () => (await import('./commands/doctor.js')).command,
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

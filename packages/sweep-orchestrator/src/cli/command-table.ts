import type { ParseArgsConfig } from 'node:util';
import type { CommandContext } from './context.js';

export type CommandModule = { run(ctx: CommandContext): Promise<number> };

type Options = NonNullable<ParseArgsConfig['options']>;

export type CommandDef = {
  name: string;
  summary: string;
  usage: string;
  examples: string[];
  options: Options;
  /** How many positionals the command takes: [min, max]. */
  positionals: [number, number];
  load: () => Promise<CommandModule>;
};

const config = { config: { type: 'string' } } as const satisfies Options;
const json = { json: { type: 'boolean' } } as const satisfies Options;
const recipes = { recipe: { type: 'string', multiple: true } } as const satisfies Options;

// Each command's module is imported only when that command runs: start-up stays fast and
// `canon --version` never loads git or schema libraries.
export const COMMANDS: readonly CommandDef[] = [
  {
    name: 'sweep',
    summary: 'sync, decide, test and promote every enrolled recipe (one sweep at a time)',
    usage: 'canon sweep [--recipe R]... [--force] [--dry-run] [--wait S] [--json] [--config F]',
    examples: ['canon sweep', 'canon sweep --recipe gitea --force', 'canon sweep --wait 3600', 'canon sweep --json > sweep.ndjson'],
    options: {
      ...config, ...json, ...recipes, force: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, wait: { type: 'string' },
    },
    positionals: [0, 0],
    load: () => import('./commands/sweep.js'),
  },
  {
    name: 'plan',
    summary: "decide from upstream's refs what a sweep would run; pushes and writes nothing",
    usage: 'canon plan [--recipe R]... [--json] [--config F]',
    examples: ['canon plan', 'canon plan --json'],
    options: { ...config, ...json, ...recipes },
    positionals: [0, 0],
    load: () => import('./commands/plan.js'),
  },
  {
    name: 'sync',
    summary: 'sync mirrors from upstream (no test, no promote)',
    usage: 'canon sync [--recipe R]... [--json] [--config F]',
    examples: ['canon sync', 'canon sync --recipe custom-html'],
    options: { ...config, ...json, ...recipes },
    positionals: [0, 0],
    load: () => import('./commands/sync.js'),
  },
  {
    name: 'status',
    summary: 'each recipe\'s known-good version and the last sweep, and whether a sweep was missed',
    usage: 'canon status [--json] [--config F]',
    examples: ['canon status', 'canon status --json'],
    options: { ...config, ...json },
    positionals: [0, 0],
    load: () => import('./commands/status.js'),
  },
  {
    name: 'report',
    summary: 'render a run record as Markdown, JSON, HTML or Prometheus metrics',
    usage: 'canon report --format md|json|html|prom [--run ID] [--out F] [--config F]',
    examples: [
      'canon report --format md',
      'canon report --format prom --out /var/lib/node_exporter/canon.prom',
      'canon report --format html --run 20261127T031500Z-4f2a --out report.html',
    ],
    options: { ...config, format: { type: 'string' }, run: { type: 'string' }, out: { type: 'string' } },
    positionals: [0, 0],
    load: () => import('./commands/report.js'),
  },
  {
    name: 'history',
    summary: "print a recipe's history (promotions, failed advances, rollbacks) and its last attempt",
    usage: 'canon history --recipe R [--json] [--config F]',
    examples: ['canon history --recipe gitea', 'canon history --recipe gitea --json'],
    options: { ...config, ...json, recipe: { type: 'string' } },
    positionals: [0, 0],
    load: () => import('./commands/history.js'),
  },
  {
    name: 'metrics',
    summary: "write the fleet's Prometheus metrics atomically for node_exporter's textfile collector",
    usage: 'canon metrics --out F [--config F]',
    examples: ['canon metrics --out /var/lib/node_exporter/textfile/canon.prom'],
    options: { ...config, out: { type: 'string' } },
    positionals: [0, 0],
    load: () => import('./commands/metrics.js'),
  },
  {
    name: 'promote',
    summary: 'promote a version another CI phase tested green (the gate is enforced)',
    usage: 'canon promote --recipe R --version V [--quick] [--ref REF] [--json] [--config F]',
    examples: ['canon promote --recipe gitea --version 3.6.1+1.24.3-rootless'],
    options: {
      ...config, ...json, recipe: { type: 'string' }, version: { type: 'string' },
      quick: { type: 'boolean' }, ref: { type: 'string' },
    },
    positionals: [0, 0],
    load: () => import('./commands/promote.js'),
  },
  {
    name: 'gate',
    summary: "print the promote gate's verdict as JSON {promote, reasons}; exit 0 iff it would promote",
    usage: 'canon gate --recipe R --version V --exit-code N [--quick] [--ref REF] [--config F]',
    examples: ['canon gate --recipe gitea --version 3.6.1+1.24.3-rootless --exit-code 0'],
    options: {
      ...config, recipe: { type: 'string' }, version: { type: 'string' }, 'exit-code': { type: 'string' },
      quick: { type: 'boolean' }, ref: { type: 'string' },
    },
    positionals: [0, 0],
    load: () => import('./commands/gate.js'),
  },
  {
    name: 'upgrade-base',
    summary: "print the newest release on the mirror older than V (exit 1 and print nothing if none)",
    usage: 'canon upgrade-base R V [--config F]',
    examples: ['canon upgrade-base gitea 3.6.1+1.24.3-rootless'],
    options: { ...config },
    positionals: [2, 2],
    load: () => import('./commands/upgrade-base.js'),
  },
  {
    name: 'units',
    summary: 'render or verify the systemd service and timer that run the weekly sweep',
    usage: 'canon units render --out DIR [--config F]  |  canon units verify DIR [--config F]',
    examples: ['canon units render --out /etc/systemd/system', 'canon units verify /etc/systemd/system'],
    options: { ...config, out: { type: 'string' } },
    positionals: [1, 2],
    load: () => import('./commands/units.js'),
  },
  {
    name: 'listen',
    summary: "serve the forge's tag webhooks (debounced sweeps of the tagged recipes), /metrics, / and /healthz",
    usage: 'canon listen [--config F]',
    examples: ['canon listen', 'canon listen --config /etc/canon/config.json'],
    options: { ...config },
    positionals: [0, 0],
    load: () => import('./commands/listen.js'),
  },
  {
    name: 'doctor',
    summary: 'check config, programs, state dir, remotes, forge, the enrolled set and (with --units) the installed units',
    usage: 'canon doctor [--units DIR] [--json] [--config F]',
    examples: ['canon doctor', 'canon doctor --units /etc/systemd/system'],
    options: { ...config, ...json, units: { type: 'string' } },
    positionals: [0, 0],
    load: () => import('./commands/doctor.js'),
  },
];

export function findCommand(name: string): CommandDef | undefined {
  return COMMANDS.find((c) => c.name === name);
}

// `npm run bench -- --against <checkout> [--pairs 7]`: this build's CLI against another built
// checkout's, on one fleet, interleaved pair by pair, so both see the same machine load.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CANON_CLI, writeBenchConfig } from './canon.js';
import { createBenchFleet, writeCanonicals, type BenchFleet } from './fleet.js';
import { mustSucceed, range, stats, timed, type Stats } from './measure.js';

export type AgainstOptions = { against: string; pairs: number; sweepRecipes: number; memoryRecipes: number; log: (line: string) => void };

type Side = 'before' | 'after';
type Measure = { name: string; unit: string; before: number[]; after: number[] };

/** The other checkout's built CLI: `<checkout>/packages/sweep-orchestrator/dist/cli.js`. */
export function otherCli(checkout: string): string {
  const cli = join(resolve(checkout), 'packages', 'sweep-orchestrator', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    throw new Error(`--against expects a built canon checkout, but ${cli} does not exist; build it there with \`NX_DAEMON=false npx nx run-many -t build\``);
  }
  return cli;
}

const TIME_FORMAT = 'maxrss_kb=%M cpu_s=%U+%S';

/** One run of a CLI under GNU time: wall, CPU (user + system) and peak RSS. */
async function measured(cli: string, args: readonly string[], what: string): Promise<{ ms: number; cpuMs: number; rssMb: number }> {
  const sample = mustSucceed(await timed(['/usr/bin/time', '-f', TIME_FORMAT, process.execPath, cli, ...args]), what);
  const m = /maxrss_kb=(\d+) cpu_s=([\d.]+)\+([\d.]+)/.exec(sample.stderr);
  if (!m?.[1] || !m[2] || !m[3]) throw new Error(`GNU time printed no figures for ${what}: ${sample.stderr.slice(-500)}`);
  return { ms: sample.ms, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, rssMb: Number(m[1]) / 1024 };
}

type Config = { path: string; stateDir: string };

/** A config over the first `n` recipes of the fleet, with its own state dir for `side`. */
async function configFor(fleet: BenchFleet, label: string, n: number, canonical: boolean): Promise<Config> {
  const dir = join(fleet.dir, 'against', label);
  await mkdir(dir, { recursive: true });
  const names = fleet.names.slice(0, n);
  const { path, stateDir } = await writeBenchConfig({ dir, gitBase: fleet.server.baseUrl, names });
  const newest = fleet.tags.at(-1);
  if (canonical && newest !== undefined) await writeCanonicals(stateDir, names, newest);
  return { path, stateDir };
}

async function skippedAll(stateDir: string, n: number, what: string): Promise<void> {
  const latest = JSON.parse(await readFile(join(stateDir, 'runs', 'latest.json'), 'utf8')) as { summary: Record<string, number> };
  if (latest.summary.SKIPPED !== n) throw new Error(`${what} did not skip every recipe: ${JSON.stringify(latest.summary)}`);
}

function loadAverage(): Promise<string> {
  return readFile('/proc/loadavg', 'utf8').then((s) => s.split(' ').slice(0, 3).join(' / '));
}

/** Runs every scenario for both CLIs, pair by pair, the order alternating so neither always goes first. */
export async function runAgainst(opts: AgainstOptions): Promise<string> {
  const cli: Record<Side, string> = { before: otherCli(opts.against), after: CANON_CLI };
  const fleet = await createBenchFleet(Math.max(opts.sweepRecipes, opts.memoryRecipes), { presynced: true });
  try {
    const sweepCfg: Record<Side, Config> = {
      before: await configFor(fleet, 'before-sweep', opts.sweepRecipes, true),
      after: await configFor(fleet, 'after-sweep', opts.sweepRecipes, true),
    };
    const planCfg = (n: number): Promise<Record<Side, Config>> =>
      Promise.all([configFor(fleet, `before-plan-${String(n)}`, n, false), configFor(fleet, `after-plan-${String(n)}`, n, false)]).then(([before, after]) => ({ before, after }));
    const plan1 = await planCfg(1);
    const planN = await planCfg(opts.memoryRecipes);
    const m = {
      sweepMs: measure(`P1 no-op sweep, ${String(opts.sweepRecipes)} recipes: wall`, 'ms'),
      sweepCpu: measure(`P1 no-op sweep, ${String(opts.sweepRecipes)} recipes: CPU (user + system)`, 'ms'),
      sweepReq: measure('P1 requests per recipe at the server', ''),
      plan1Rss: measure('P4 `canon plan` peak RSS, 1 recipe', 'MB'),
      planNRss: measure(`P4 \`canon plan\` peak RSS, ${String(opts.memoryRecipes)} recipes`, 'MB'),
      planNCpu: measure(`P4 \`canon plan\`, ${String(opts.memoryRecipes)} recipes: CPU`, 'ms'),
      versionMs: measure('P3 `canon --version`: wall', 'ms'),
      versionCpu: measure('P3 `canon --version`: CPU', 'ms'),
    };
    const loadAtStart = await loadAverage();
    for (const side of ['before', 'after'] as const) await measured(cli[side], ['sweep', '--config', sweepCfg[side].path], `warm-up sweep (${side})`);
    for (let pair = 0; pair < opts.pairs; pair += 1) {
      const order: Side[] = pair % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
      for (const side of order) {
        fleet.server.resetCounters();
        const sweep = await measured(cli[side], ['sweep', '--config', sweepCfg[side].path], `canon sweep (${side})`);
        await skippedAll(sweepCfg[side].stateDir, opts.sweepRecipes, `canon sweep (${side})`);
        m.sweepMs[side].push(sweep.ms);
        m.sweepCpu[side].push(sweep.cpuMs);
        m.sweepReq[side].push(fleet.server.requests.count / opts.sweepRecipes);
        m.plan1Rss[side].push((await measured(cli[side], ['plan', '--config', plan1[side].path], `canon plan, 1 recipe (${side})`)).rssMb);
        const planRun = await measured(cli[side], ['plan', '--config', planN[side].path], `canon plan (${side})`);
        m.planNRss[side].push(planRun.rssMb);
        m.planNCpu[side].push(planRun.cpuMs);
        for (let k = 0; k < 3; k += 1) {
          const v = await measured(cli[side], ['--version'], `canon --version (${side})`);
          m.versionMs[side].push(v.ms);
          m.versionCpu[side].push(v.cpuMs);
        }
      }
      opts.log(`pair ${String(pair + 1)}/${String(opts.pairs)}: sweep ${ratioOf(m.sweepMs, -1)}, plan ${String(opts.memoryRecipes)} ${m.planNRss.before.at(-1)?.toFixed(0) ?? '?'} → ${m.planNRss.after.at(-1)?.toFixed(0) ?? '?'} MB`);
    }
    return render(opts, Object.values(m), { start: loadAtStart, end: await loadAverage() });
  } finally {
    await fleet.close();
  }
}

function measure(name: string, unit: string): Measure {
  return { name, unit, before: [], after: [] };
}

function ratioOf(m: Measure, at: number): string {
  const b = m.before.at(at);
  const a = m.after.at(at);
  return b === undefined || a === undefined ? '?' : `${(a / b).toFixed(2)}×`;
}

/** Per-pair ratios (after ÷ before); a measure taken several times per pair is paired in order. */
function ratios(m: Measure): Stats {
  return stats(m.after.map((a, i) => a / (m.before[i] ?? Number.NaN)));
}


function render(opts: AgainstOptions, measures: Measure[], load: { start: string; end: string }): string {
  const lines = [
    `A/B against ${resolve(opts.against)} (before) — this checkout (after), ${String(opts.pairs)} pairs, interleaved, ${new Date().toISOString()}, Node ${process.version}`,
    `load average (1 / 5 / 15 min) at start ${load.start}, at end ${load.end}`,
    '',
    '| measure | before (min / **median** / max) | after | after ÷ before, per pair |',
    '|---|---|---|---|',
  ];
  for (const m of measures) {
    const digits = m.unit === 'MB' ? 1 : m.unit === '' ? 2 : 0;
    const unit = m.unit === '' ? '' : ` ${m.unit}`;
    lines.push(`| ${m.name} | ${range(stats(m.before), digits)}${unit} | ${range(stats(m.after), digits)}${unit} | ${range(ratios(m), 2)}× |`);
  }
  return `${lines.join('\n')}\n`;
}

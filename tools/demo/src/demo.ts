// `npm start`: a whole week of canon on a local fleet, from scratch, with the real CLI.
// Last week's sweep sets the scene quietly; then upstream moves on, this week's sweep runs
// with live progress, a second sweep shows what is skipped, and the reports are written.

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { canonRunner, type CanonRunner } from './canon-process.js';
import { demoConfig, FORGE_TOKEN_ENV } from './config.js';
import { DEMO_RECIPES, HELD, PULLS } from './fleet-plan.js';
import { outcomeCounts, readLatestRun, type DemoRun } from './run-record.js';
import type { Ui } from './ui.js';
import { advanceWeek, buildWorld, type World } from './world.js';

export type DemoOptions = {
  /** Rebuilt from scratch on every run. */
  dir: string;
  ui: Ui;
  /** Ctrl-C: stops canon, closes every server, and the demo ends with `interrupted: true`. */
  signal?: AbortSignal;
  /** Paths are printed relative to this directory; default absolute. */
  shownFrom?: string;
};

export type DemoResult = {
  ok: boolean;
  interrupted: boolean;
  problems: string[];
  reports: { md: string; html: string; prom: string };
  durationMs: number;
};

class Interrupted extends Error {}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const { dir, ui, signal } = opts;
  const t0 = performance.now();
  const problems: string[] = [];
  const reports = { md: join(dir, 'report.md'), html: join(dir, 'report.html'), prom: join(dir, 'canon.prom') };
  const shown = (p: string): string => (opts.shownFrom === undefined ? p : relative(opts.shownFrom, p) || '.');
  let world: World | null = null;
  let runner: CanonRunner | null = null;
  const onAbort = (): void => void runner?.stop(10_000);
  signal?.addEventListener('abort', onAbort);
  const checkpoint = (): void => {
    if (signal?.aborted) throw new Interrupted();
  };

  try {
    ui.step(`Building a local fleet under ${shown(dir)}/ (from scratch)`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'logs'), { recursive: true });
    world = await buildWorld(join(dir, 'git'));
    checkpoint();
    const { fleet, warm } = world;
    const forge = fleet.forge;
    if (!forge) throw new Error('the demo fleet has no forge stand-in');
    ui.line(`git smart-HTTP server ${fleet.server.baseUrl} · forge stand-in ${forge.url} · warm host ${warm.url}`);
    for (const r of DEMO_RECIPES) ui.line(`${r.name.padEnd(15)} ${ui.dim(r.shows)}`);

    const planFile = join(dir, 'suite-plan.json');
    const behaviour = Object.fromEntries(DEMO_RECIPES.flatMap((r) => Object.entries(r.suite ?? {}).map(([v, b]) => [`${r.name}@${v}`, b])));
    const hangPidFile = join(dir, 'logs', 'hang-tree.pids');
    await writeFile(planFile, `${JSON.stringify({ behaviour, hangTree: warm.hangTree, hangPidFile }, null, 2)}\n`);
    const configPath = join(dir, 'canon.config.json');
    const config = demoConfig({ dir, fleet, warm, planFile });
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
    const stateDir = join(dir, 'state');
    runner = canonRunner({ ...process.env, CANON_CONFIG: configPath, [FORGE_TOKEN_ENV]: forge.token }, dir);
    ui.line(`config: ${shown(configPath)}`);

    ui.step('Before canon: traefik and keycloak already run live; canon adopt records what runs there');
    const infra = DEMO_RECIPES.filter((r) => r.infra !== undefined);
    const synced = await runner.run(['sync', ...infra.flatMap((r) => ['--recipe', r.name])], { logFile: join(dir, 'logs', 'adopt-sync.stderr.log') });
    expectThat(synced.code === 0, `canon sync of ${infra.map((r) => r.name).join(', ')} (adopt takes the version from the mirror)`, ui, problems);
    for (const r of infra) {
      const running = r.infra?.running ?? '';
      const adopted = await runner.run(['adopt', '--recipe', r.name, '--version', running, '--reason', 'running before canon'], { logFile: join(dir, 'logs', `adopt-${r.name}.stderr.log`) });
      checkpoint();
      expectThat(adopted.code === 0, `canon adopt --recipe ${r.name} --version ${running}: verified and healthy, nothing deployed`, ui, problems);
    }

    ui.step('Last week: canon sweep (quietly; it seeds the canonicals and the history)');
    const lastWeekLog = join(dir, 'logs', 'last-week.ndjson');
    const lastWeekErr = join(dir, 'logs', 'last-week.stderr.log');
    const last = await runner.run(['sweep', '--json'], { logFile: lastWeekErr });
    await writeFile(lastWeekLog, last.stdout);
    checkpoint();
    if (last.code !== 0 && last.code !== 1) {
      throw new Error(`canon sweep exited ${String(last.code ?? last.signal)}, expected 0 or 1; its messages are in ${lastWeekErr}:\n${await tail(lastWeekErr)}`);
    }
    const lastRun = await readLatestRun(stateDir);
    ui.line(`run ${lastRun.runId}: ${outcomeCounts(lastRun)} (exit ${String(last.code)}; events in ${shown(lastWeekLog)})`);

    ui.step('During the week, upstream moved on');
    const week = await advanceWeek(world);
    for (const item of week.news) ui.line(item);
    checkpoint();

    ui.step('This week: canon sweep');
    const sweep = await runner.run(['sweep'], { show: true });
    checkpoint();
    const thisWeek = await readLatestRun(stateDir);
    ui.line(`canon sweep exited ${String(sweep.code)} (1: not every recipe was PROMOTED or SKIPPED)`);
    checkOutcomes(thisWeek, ui, problems);
    const [owner, repo] = [fleet.recipe(PULLS.recipe).forgeRepo.owner, fleet.recipe(PULLS.recipe).forgeRepo.repo];
    const stateOf = (n: number): string => forge.pull(owner, repo, n)?.state ?? 'missing';
    expectThat(stateOf(week.pulls.contained) === 'closed', `PR #${week.pulls.contained} (already in upstream) was closed with a comment`, ui, problems);
    expectThat(stateOf(week.pulls.open) === 'open', `PR #${week.pulls.open} (not in upstream) is still open`, ui, problems);

    ui.step('Right after: canon sweep again');
    await runner.run(['sweep'], { show: true });
    checkpoint();
    const again = await readLatestRun(stateDir);
    const tested = again.recipes.filter((r) => r.durationsMs.test !== null).map((r) => r.recipe);
    expectThat(
      tested.length === 0 && again.recipes.every((r) => r.outcome === 'SKIPPED'),
      `no test at all: every recipe is SKIPPED (${again.recipes.length} recipes)${tested.length === 0 ? '' : `; tested: ${tested.join(', ')}`}`,
      ui, problems,
    );
    const known = again.recipes.filter((r) => r.decision?.reason === 'known-failed');
    ui.line(`known failures, not re-tested until a newer release, a moved tag, changed settings or \`canon recheck\`: ${known.map((r) => r.recipe).join(', ') || 'none'}`);

    ui.step(`An operator reads ${HELD.recipe}'s migration notes and approves its held major`);
    const approved = await runner.run(['approve', '--recipe', HELD.recipe, '--version', HELD.version, '--reason', 'migration notes read, realm export taken'], { show: true });
    checkpoint();
    expectThat(approved.code === 0, `canon approve --recipe ${HELD.recipe} --version ${HELD.version}`, ui, problems);
    await runner.run(['sweep', '--recipe', HELD.recipe], { show: true });
    checkpoint();
    const held = (await readLatestRun(stateDir)).recipes.find((r) => r.recipe === HELD.recipe);
    expectThat(held?.outcome === 'PROMOTED', `${HELD.recipe} ${HELD.version} advanced on the live domain after the approval (${held?.outcome ?? 'missing'})`, ui, problems);

    ui.step(`Reports of this week's sweep (run ${thisWeek.runId})`);
    for (const [format, path] of [['md', reports.md], ['html', reports.html], ['prom', reports.prom]] as const) {
      const result = await runner.run(['report', '--run', thisWeek.runId, '--format', format, '--out', path]);
      checkpoint();
      expectThat(result.code === 0, `canon report --format ${format}  →  ${shown(path)}`, ui, problems);
    }
    ui.step('canon status');
    await runner.run(['status'], { show: true });
    checkpoint();
    return { ok: problems.length === 0, interrupted: false, problems, reports, durationMs: performance.now() - t0 };
  } catch (error) {
    if (error instanceof Interrupted || signal?.aborted) {
      return { ok: false, interrupted: true, problems, reports, durationMs: performance.now() - t0 };
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await runner?.stop(10_000);
    await world?.close();
  }
}

async function tail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-15).join('\n');
}

function expectThat(ok: boolean, text: string, ui: Ui, problems: string[]): void {
  if (ok) ui.good(text);
  else {
    ui.bad(text);
    problems.push(text);
  }
}

function checkOutcomes(run: DemoRun, ui: Ui, problems: string[]): void {
  for (const recipe of DEMO_RECIPES) {
    const entry = run.recipes.find((r) => r.recipe === recipe.name);
    const got = entry?.outcome ?? 'missing';
    expectThat(got === recipe.expect, `${recipe.name.padEnd(15)} ${got}${got === recipe.expect ? '' : ` (expected ${recipe.expect})`}  ${ui.dim(entry?.detail ?? '')}`, ui, problems);
  }
}

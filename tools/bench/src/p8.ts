// P8 (issue 18): through `canon listen`, a new tag reaches its canonical within the debounce
// + 2 s, and a flood of requests it must turn away does not grow the daemon past 10 MB.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sendGiteaWebhook, type WebhookRepository } from '@canon/testkit';
import { CANON_CLI, startInstantHealth, writeBenchConfig } from './canon.js';
import { createBenchFleet, writeCanonicals } from './fleet.js';
import { mustSucceed, stats, timed, type Stats } from './measure.js';
import { flood, readMemory, REJECTED_KINDS, type FloodResult } from './p8-flood.js';

const DEBOUNCE_SECONDS = 1;
const TAGS = 10;
const REJECTED = 10_000;
const IN_FLIGHT = 16;
const SECRET = 'bench-p8-webhook-secret';
const HOOK_PATH = '/hooks/forge';

export type ListenResult = {
  tags: number;
  debounceSeconds: number;
  /** Tag pushed and delivery sent → canonical.json names the tag, through `canon listen`. */
  listen: Stats;
  /** The same, for `canon sweep --recipe R` run directly. */
  direct: Stats;
  directWall: Stats;
  /** listen − direct, tag by tag: the debounce and what the daemon adds. */
  added: Stats;
  idle: { rssMb: number };
  after: { rssMb: number; peakMb: number };
  flood: FloodResult;
};

type Listening = { child: ChildProcess; url: string; log: () => string; stop(): Promise<number | null> };

async function until<T>(probe: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`P8: timed out after ${String(timeoutMs)} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `canon listen` as an operator runs it: the built CLI, its own process, its log on stderr. */
async function startListen(configPath: string): Promise<Listening> {
  const child = spawn(process.execPath, [CANON_CLI, 'listen', '--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const url = await until(async () => {
    if (child.exitCode !== null) throw new Error(`canon listen exited ${String(child.exitCode)}:\n${log}`);
    return /listening on (http:\/\/\S+)/.exec(log)?.[1] ?? null;
  }, 30_000, 'canon listen to listen');
  return {
    child, url, log: () => log,
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function canonicalVersion(stateDir: string, recipe: string): Promise<string | null> {
  const text = await readFile(join(stateDir, 'registry', recipe, 'canonical.json'), 'utf8').catch(() => null);
  return text === null ? null : (JSON.parse(text) as { version: string }).version;
}

async function pendingCount(stateDir: string): Promise<number> {
  const text = await readFile(join(stateDir, 'listen', 'pending.json'), 'utf8').catch(() => null);
  return text === null ? 0 : Object.keys((JSON.parse(text) as { recipes: object }).recipes).length;
}

const runCount = (stateDir: string): Promise<number> =>
  readdir(join(stateDir, 'runs'), { withFileTypes: true }).then((e) => e.filter((d) => d.isDirectory()).length, () => 0);

const version = (k: number): string => `1.${String(3 + k)}.0+1.${String(25 + k)}.0`;

/** `tags` and `rejected` default to issue 18's 10 and 10,000. */
export async function measureListen(opts: { tags?: number; rejected?: number } = {}): Promise<ListenResult> {
  const { tags = TAGS, rejected = REJECTED } = opts;
  const fleet = await createBenchFleet(1, { presynced: true });
  const health = await startInstantHealth();
  let listener: Listening | null = null;
  try {
    const [recipe] = fleet.names as [string];
    const { path, stateDir } = await writeBenchConfig({ dir: fleet.dir, gitBase: fleet.server.baseUrl, names: fleet.names, healthUrl: health.url });
    const secretFile = join(fleet.dir, 'hook.secret');
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
    const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    config.webhook = { listen: '127.0.0.1:0', path: HOOK_PATH, secretFile, debounceSeconds: DEBOUNCE_SECONDS, maxSweepsPerHour: 100 };
    await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
    const current = fleet.tags.at(-1);
    if (current === undefined) throw new Error('bench fleet has no tags');
    await writeCanonicals(stateDir, fleet.names, current);
    const repo = (name: string): WebhookRepository => {
      const cloneUrl = `${fleet.server.baseUrl}/upstream/${name}.git`;
      return { cloneUrl, htmlUrl: cloneUrl.replace(/\.git$/, ''), fullName: `upstream/${name}` };
    };

    const running = await startListen(path);
    listener = running;
    const pid = running.child.pid;
    if (pid === undefined) throw new Error('canon listen has no pid');
    // Past start-up's lazy loading: the daemon as it waits for its first delivery.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = await readMemory(pid);
    const floodResult = await flood(
      { url: running.url, hookPath: HOOK_PATH, secret: SECRET, enrolled: repo(recipe), stranger: repo('not-enrolled') },
      { count: rejected, inFlight: IN_FLIGHT, pid, every: 1000 },
    );
    const after = await readMemory(pid);
    if ((await pendingCount(stateDir)) !== 0 || (await runCount(stateDir)) !== 0) throw new Error('P8: a rejected request made something pending or started a sweep');

    const listenMs: number[] = [];
    const directMs: number[] = [];
    const directWall: number[] = [];
    const added: number[] = [];
    let k = 0;
    // Round 0 warms the checkout and the page cache for both paths and is not counted.
    for (let round = 0; round <= tags; round += 1) {
      const viaListen = await fleet.release(version(k++));
      const t0 = performance.now();
      const answer = await sendGiteaWebhook({ url: `${running.url}${HOOK_PATH}`, secret: SECRET, event: 'create', tag: viaListen.name, repository: repo(recipe) });
      if (answer.status !== 202) throw new Error(`P8: the delivery of ${viaListen.name} answered ${String(answer.status)}: ${answer.body}`);
      await until(async () => ((await canonicalVersion(stateDir, recipe)) === viaListen.name ? true : null), 120_000, `${viaListen.name} to be canonical via listen`);
      const l = performance.now() - t0;
      await until(async () => ((await pendingCount(stateDir)) === 0 ? true : null), 60_000, 'the listen sweep to settle');

      const viaSweep = await fleet.release(version(k++));
      const t1 = performance.now();
      const sweep = timed([process.execPath, CANON_CLI, 'sweep', '--config', path, '--recipe', recipe]);
      await until(async () => ((await canonicalVersion(stateDir, recipe)) === viaSweep.name ? true : null), 120_000, `${viaSweep.name} to be canonical via canon sweep`);
      const d = performance.now() - t1;
      const wall = mustSucceed(await sweep, 'P8 direct canon sweep --recipe').ms;
      if (round === 0) continue;
      listenMs.push(l);
      directMs.push(d);
      directWall.push(wall);
      added.push(l - d);
    }
    const sweeps = running.log().match(/: sweep for /g)?.length ?? 0;
    if (sweeps !== tags + 1) throw new Error(`P8: ${String(tags + 1)} deliveries should start as many listen sweeps, the log shows ${String(sweeps)}:\n${running.log()}`);
    listener = null;
    const code = await running.stop();
    if (code !== 0) throw new Error(`P8: canon listen exited ${String(code)} on SIGTERM:\n${running.log()}`);
    return {
      tags, debounceSeconds: DEBOUNCE_SECONDS,
      listen: stats(listenMs), direct: stats(directMs), directWall: stats(directWall), added: stats(added),
      idle: { rssMb: idle.rssMb }, after, flood: floodResult,
    };
  } finally {
    if (listener !== null) await listener.stop();
    await health.close();
    await fleet.close();
  }
}

const f = (x: number, digits = 1): string => x.toFixed(digits);
const range = (s: Stats, digits = 1, unit = ''): string => `${f(s.min, digits)} / **${f(s.median, digits)}** / ${f(s.max, digits)}${unit}`;

/** The P8 section of docs/performance.md. */
export function renderP8Section(r: ListenResult, date: string): string {
  const met = (ok: boolean): string => (ok ? 'met' : '**missed**');
  const target = (r.debounceSeconds + 2) * 1000;
  const growth = r.after.rssMb - r.idle.rssMb;
  const mix = Object.entries(REJECTED_KINDS).map(([kind, status]) => `${kind} → ${String(status)}`).join(', ');
  const trail = r.flood.checkpoints.map((c) => f(c.rssMb)).join(', ');
  return [
    '## P8: a tag reaches its canonical through `canon listen`',
    '',
    `Measured by \`npm run bench -- --only P8\` on ${date.slice(0, 10)}. One recipe on the loopback fleet, \`test\` and`,
    `\`deploy\` = \`true\`, an instant health endpoint, \`webhook.debounceSeconds: ${String(r.debounceSeconds)}\`; the built CLI's \`canon listen\``,
    `runs as a child process. ${String(r.tags)} times, one at a time: a release tag is pushed to upstream, its signed Gitea`,
    '`create` delivery is POSTed, and the time until the recipe\'s canonical.json names the tag is',
    'taken; then another new tag is swept directly with `canon sweep --recipe` (the baseline),',
    'timed the same way (a warm-up round of each is not counted). Before that, the idle listener',
    `takes ${String(r.flood.requests)} requests it must turn away, ${String(r.flood.inFlight)} in flight over keep-alive connections, the`,
    `kinds in turn: ${mix}. RSS is the listener's VmRSS in /proc.`,
    '',
    '| measure | target | result | verdict |',
    '|---|---|---|---|',
    `| tag → canonical through \`canon listen\` | median ≤ ${f(target / 1000, 0)} s (debounce + 2 s) | ${range(r.listen, 0, ' ms')} | ${met(r.listen.median <= target)} |`,
    `| tag → canonical by \`canon sweep --recipe\` run directly | | ${range(r.direct, 0, ' ms')} | |`,
    `| listen − direct, tag by tag (${String(r.debounceSeconds * 1000)} ms of it is the debounce) | | ${range(r.added, 0, ' ms')} | |`,
    `| listener RSS idle after start | | ${f(r.idle.rssMb)} MB | |`,
    `| listener RSS after ${String(r.flood.requests)} rejected requests | growth ≤ 10 MB | ${f(r.after.rssMb)} MB (${growth >= 0 ? '+' : ''}${f(growth)} MB; peak ${f(r.after.peakMb)} MB) | ${met(growth <= 10)} |`,
    `| rejected requests answered per second | | ${f(r.flood.perSecond, 0)} (${f(r.flood.seconds)} s for all) | |`,
    '',
    `The direct sweep's process ran ${range(r.directWall, 0, ' ms')} from spawn to exit. The listener's RSS every`,
    `${String(r.flood.checkpoints[0]?.requests ?? 0)} rejected requests: ${trail} MB.`,
    '',
  ].join('\n');
}

/** Replaces the P8 section of an existing performance doc (or adds it before "## Details"). */
export function withP8Section(doc: string, section: string): string {
  const start = doc.indexOf('## P8:');
  if (start !== -1) {
    const next = doc.indexOf('\n## ', start + 1);
    return doc.slice(0, start) + section + (next === -1 ? '' : doc.slice(next + 1));
  }
  const details = doc.indexOf('## Details');
  return details === -1 ? `${doc.trimEnd()}\n\n${section}` : doc.slice(0, details) + section + '\n' + doc.slice(details);
}

/** Measures P8, logs its headline, and returns its section. */
export async function benchListen(log: (line: string) => void): Promise<string> {
  const r = await measureListen();
  log(`P8 listen: tag → canonical ${f(r.listen.median, 0)} ms (direct sweep ${f(r.direct.median, 0)} ms); RSS ${f(r.idle.rssMb)} → ${f(r.after.rssMb)} MB after ${String(r.flood.requests)} rejected requests at ${f(r.flood.perSecond, 0)}/s`);
  return renderP8Section(r, new Date().toISOString());
}

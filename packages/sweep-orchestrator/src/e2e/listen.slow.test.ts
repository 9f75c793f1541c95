import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, postRaw, sendGiteaWebhook, tag, type SignatureMode, type TagEventKind } from '@canon/testkit';
import type { RunRecord } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { alive, createScenario, must, waitFor, type CanonResult, type Scenario } from '../testing/e2e-harness.js';

// The real CLI as listener and as the sweeps it starts, real git, real processes: generous limits.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const SECRET = 'e2e-hook-secret-1234';

type Running = { child: ChildProcess; done: Promise<CanonResult>; url: string; log: () => string };

let s: Scenario;
let listener: Running | null = null;

async function startListener(): Promise<Running> {
  const run = s.start(['listen']);
  let log = '';
  run.child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(log)?.[1] ?? null, 30_000, 'the listener to listen');
  return { ...run, url, log: () => log };
}

async function release(recipe: string, version: string): Promise<void> {
  const up = s.fleet.recipe(recipe).upstream;
  await commit(up, { files: { VERSION: `${version}\n` }, message: `release ${version}` });
  await tag(up, version);
}

function send(recipe: string, version: string, opts: { event?: TagEventKind; signature?: SignatureMode; delivery?: string } = {}) {
  const r = s.fleet.recipe(recipe);
  return sendGiteaWebhook({
    url: `${must(listener, 'the listener').url}/hooks/forge`, secret: SECRET, event: opts.event ?? 'create', tag: version,
    repository: { cloneUrl: r.upstreamUrl, htmlUrl: r.upstreamUrl.replace(/\.git$/, ''), fullName: `upstream/${recipe}` },
    ...(opts.signature === undefined ? {} : { signature: opts.signature }),
    ...(opts.delivery === undefined ? {} : { delivery: opts.delivery }),
  });
}

const pendingFile = () => join(s.stateDir, 'listen', 'pending.json');
const pendingBytes = () => readFile(pendingFile(), 'utf8').catch(() => null);
async function pendingNames(): Promise<string[]> {
  const text = await pendingBytes();
  return text === null ? [] : Object.keys((JSON.parse(text) as { recipes: object }).recipes).sort();
}

async function readRunById(id: string): Promise<RunRecord> {
  return JSON.parse(await readFile(join(s.stateDir, 'runs', id, 'run.json'), 'utf8')) as RunRecord;
}

/** Waits for the pending set to empty with `count` new finished runs after `before`; returns them. */
async function newRuns(before: string[], count: number): Promise<RunRecord[]> {
  await waitFor(async () => ((await pendingNames()).length === 0 && (await s.runIds()).length >= before.length + count) || null, 60_000, 'the listen sweep');
  const ids = (await s.runIds()).filter((id) => !before.includes(id));
  const runs = await Promise.all(ids.map(readRunById));
  await waitFor(async () => (await Promise.all(ids.map(readRunById))).every((r) => r.finishedAt !== null) || null, 30_000, 'the run to finish');
  return Promise.all(runs.map((r) => readRunById(r.runId)));
}

async function canonicalVersion(recipe: string): Promise<string | null> {
  const bytes = await s.readCanonical(recipe);
  return bytes === null ? null : (JSON.parse(bytes.toString()) as { version: string }).version;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  s = await createScenario({ recipes: ['alpha', 'beta'], presynced: true });
  await writeFile(join(s.dir, 'hook.secret'), `${SECRET}\n`);
  await s.writeConfig({ webhook: { listen: '127.0.0.1:0', secretFile: join(s.dir, 'hook.secret'), debounceSeconds: 1, maxSweepsPerHour: 100 } });
  const seed = await s.canon(['sweep']);
  expect(seed.code, seed.stderr).toBe(0);
  listener = await startListener();
});

afterAll(async () => {
  listener?.child.kill('SIGKILL');
  await s.close();
});

describe('canon listen with the built CLI, a real git fleet and signed Gitea deliveries', () => {
  let firstDelivery = '';

  it('a signed tag event answers 202 and, after the debounce, one sweep PROMOTES the new tag', async () => {
    await release('alpha', '0.3.0+1.2.0');
    const before = await s.runIds();
    const r = await send('alpha', '0.3.0+1.2.0');
    firstDelivery = r.delivery;
    expect(r.status, r.body).toBe(202);
    expect(await pendingNames()).toEqual(['alpha']);
    const runs = await newRuns(before, 1);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.recipes.map((x) => [x.recipe, x.outcome])).toEqual([['alpha', 'PROMOTED']]);
    expect(await canonicalVersion('alpha')).toBe('0.3.0+1.2.0');
    await sleep(2500);
    expect(await s.runIds()).toHaveLength(before.length + 1);
  });

  it('a replayed delivery id answers 200 and starts no second sweep', async () => {
    const before = await s.runIds();
    const r = await send('alpha', '0.3.0+1.2.0', { event: 'push', delivery: firstDelivery });
    expect(r.status).toBe(200);
    await sleep(2500);
    expect(await s.runIds()).toEqual(before);
    expect(await pendingNames()).toEqual([]);
  });

  it('a burst of five tag events for two recipes: one sweep with both', async () => {
    await release('alpha', '0.4.0+1.3.0');
    await release('beta', '0.3.0+1.2.0');
    await release('beta', '0.4.0+1.3.0');
    const before = await s.runIds();
    const answers = await Promise.all([
      send('alpha', '0.4.0+1.3.0'), send('alpha', '0.4.0+1.3.0', { event: 'push' }),
      send('beta', '0.3.0+1.2.0'), send('beta', '0.4.0+1.3.0'), send('beta', '0.4.0+1.3.0', { event: 'push' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const runs = await newRuns(before, 1);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.recipes.map((x) => [x.recipe, x.outcome]).sort()).toEqual([['alpha', 'PROMOTED'], ['beta', 'PROMOTED']]);
    expect([await canonicalVersion('alpha'), await canonicalVersion('beta')]).toEqual(['0.4.0+1.3.0', '0.4.0+1.3.0']);
  });

  it('bad, missing or tampered signatures answer 401; not enrolled 204; oversized 413; nothing pending', async () => {
    const before = await pendingBytes();
    for (const signature of ['bad', 'missing', 'tampered'] as const) {
      expect((await send('alpha', '9.0.0+1', { signature })).status).toBe(401);
    }
    const other = await sendGiteaWebhook({
      url: `${must(listener, 'the listener').url}/hooks/forge`, secret: SECRET, event: 'create', tag: '1.0.0',
      repository: { cloneUrl: `${s.fleet.server.baseUrl}/upstream/unknown.git`, htmlUrl: `${s.fleet.server.baseUrl}/upstream/unknown`, fullName: 'upstream/unknown' },
    });
    expect(other.status).toBe(204);
    expect((await postRaw(`${must(listener, 'the listener').url}/hooks/forge`, {}, Buffer.alloc((1 << 20) + 10, 0x7b))).status).toBe(413);
    expect(await pendingBytes()).toBe(before);
    await sleep(2000);
    expect(await pendingNames()).toEqual([]);
  });

  it('a sweep already holding the mutex: the pending set survives exit 75 and runs after it', async () => {
    await release('beta', '0.5.0+1.4.0');
    await s.behave({ beta: 'sleep:6' });
    const blocker = s.start(['sweep', '--recipe', 'beta']);
    await waitFor(async () => (await s.calls()).some((c) => c.recipe === 'beta' && c.version === '0.5.0+1.4.0') || null, 30_000, 'the blocking sweep to test');
    await release('alpha', '0.5.0+1.4.0');
    const r = await send('alpha', '0.5.0+1.4.0');
    expect(r.status).toBe(202);
    await waitFor(() => /exit 75/.test(must(listener, 'the listener').log()) || null, 30_000, 'the listen sweep to meet the mutex');
    expect(await pendingNames()).toEqual(['alpha']);
    expect((await blocker.done).code).toBe(0);
    expect(await pendingNames()).toEqual(['alpha']);
    // The retry comes 60 s after the refusal.
    await waitFor(async () => ((await canonicalVersion('alpha')) === '0.5.0+1.4.0') || null, 120_000, 'alpha 0.5.0 promoted by the retry');
    await waitFor(async () => ((await pendingNames()).length === 0) || null, 30_000, 'the pending set to empty');
    const latest = await s.latestRun();
    expect(latest.recipes.map((x) => [x.recipe, x.outcome])).toEqual([['alpha', 'PROMOTED']]);
  });

  it('canon sweep --wait waits out the holder instead of exiting 75', async () => {
    await release('beta', '0.6.0+1.5.0');
    await s.behave({ beta: 'sleep:4' });
    const blocker = s.start(['sweep', '--recipe', 'beta']);
    await waitFor(async () => (await s.calls()).some((c) => c.version === '0.6.0+1.5.0') || null, 30_000, 'the blocking sweep to test');
    const refused = await s.canon(['sweep', '--recipe', 'alpha']);
    expect(refused.code).toBe(75);
    const waited = await s.canon(['sweep', '--recipe', 'alpha', '--wait', '60']);
    expect(waited.code, waited.stderr).toBe(0);
    expect((await blocker.done).code).toBe(0);
    expect((await s.canon(['sweep', '--wait', 'soon'])).code).toBe(2);
  });

  it('SIGTERM during a listen sweep: the sweep is ended, its recipe stays pending, and the next listener sweeps it', async () => {
    await release('beta', '0.7.0+1.6.0');
    await s.behave({ beta: 'sleep:30' });
    expect((await send('beta', '0.7.0+1.6.0')).status).toBe(202);
    const call = await waitFor(async () => (await s.calls()).find((c) => c.version === '0.7.0+1.6.0') ?? null, 30_000, 'the listen sweep to test beta');
    const running = must(listener, 'the listener');
    running.child.kill('SIGTERM');
    const stopped = await running.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(alive(call.pid)).toBe(false);
    expect(await pendingNames()).toEqual(['beta']);
    const interrupted = await s.latestRun();
    expect(interrupted.interrupted).toBe(true);

    await s.behave({});
    listener = await startListener();
    await waitFor(async () => ((await canonicalVersion('beta')) === '0.7.0+1.6.0') || null, 60_000, 'beta promoted after the restart');
    await waitFor(async () => ((await pendingNames()).length === 0) || null, 30_000, 'the pending set to empty');
    listener.child.kill('SIGINT');
    expect((await listener.done).code).toBe(0);
    listener = null;
  });
});

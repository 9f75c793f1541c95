import { giteaHeaders, giteaTagPayload, postRaw, sendGiteaWebhook } from '@canon/testkit';
import { createRun, newRunId } from '@canon/warm-registry';
import { emptyRun } from '../cli/report-context.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from './server.js';
import { SECRET, startTestListener, UPSTREAM_A, UPSTREAM_B, type TestListener } from './test-listener.js';

let t: TestListener | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const repoA = { cloneUrl: UPSTREAM_A, htmlUrl: 'https://git.example.org/coop-cloud/alpha', fullName: 'coop-cloud/alpha' };
const repoB = { cloneUrl: UPSTREAM_B, htmlUrl: 'https://git.example.org/coop-cloud/beta', fullName: 'coop-cloud/beta' };

async function listener(): Promise<TestListener> {
  t = await startTestListener();
  return t;
}

describe('POST /hooks/forge', () => {
  it.each(['create', 'push'] as const)('a signed %s of a tag answers 202 and makes the recipe pending', async (event) => {
    const l = await listener();
    const r = await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event, tag: '0.3.0+1.2.0', repository: repoA });
    expect(r.status).toBe(202);
    expect(JSON.parse(r.body)).toEqual({ accepted: true, delivery: r.delivery, recipes: ['alpha'] });
    const pending = JSON.parse((await l.pendingBytes()) ?? '{}') as { recipes: Record<string, { events: number }> };
    expect(Object.keys(pending.recipes)).toEqual(['alpha']);
    expect(pending.recipes.alpha?.events).toBe(1);
  });

  it.each(['bad', 'missing', 'tampered'] as const)('a %s signature answers 401 and records nothing', async (signature) => {
    const l = await listener();
    const r = await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event: 'create', tag: '0.3.0+1.2.0', repository: repoA, signature });
    expect(r.status).toBe(401);
    expect(await l.pendingBytes()).toBeNull();
    expect(l.logs.join('\n')).not.toContain(SECRET);
    expect(l.logs.filter((line) => line.includes('missing or bad signature'))).toHaveLength(1);
  });

  it('a flood of forged deliveries is logged once per minute, not once each', async () => {
    const l = await listener();
    for (let i = 0; i < 20; i++) {
      expect((await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event: 'create', tag: `${i}.0.0`, repository: repoA, signature: 'bad' })).status).toBe(401);
    }
    expect(l.logs.filter((line) => line.includes('missing or bad signature'))).toHaveLength(1);
  });

  it('Forgejo and GitHub-style signature headers are accepted alone', async () => {
    const l = await listener();
    const body = giteaTagPayload('create', '0.3.0+1.2.0', repoA);
    const gitea = giteaHeaders('create', 'd-1', body, SECRET);
    const forgejo = { 'content-type': 'application/json', 'x-forgejo-event': 'create', 'x-forgejo-delivery': 'd-1', 'x-forgejo-signature': gitea['X-Gitea-Signature'] ?? '' };
    expect((await postRaw(l.hookUrl, forgejo, body)).status).toBe(202);
    const body2 = giteaTagPayload('push', '0.3.0+1.2.0', repoB);
    const hub = { 'x-github-event': 'push', 'x-github-delivery': 'd-2', 'x-hub-signature-256': giteaHeaders('push', 'd-2', body2, SECRET)['X-Hub-Signature-256'] ?? '' };
    expect((await postRaw(l.hookUrl, hub, body2)).status).toBe(202);
    expect(Object.keys((JSON.parse((await l.pendingBytes()) ?? '{}') as { recipes: object }).recipes).sort()).toEqual(['alpha', 'beta']);
  });

  it('a replayed delivery id, or the same body under a fresh id, answers 200 and adds nothing', async () => {
    const l = await listener();
    const first = await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event: 'create', tag: '0.3.0+1.2.0', repository: repoA });
    expect(first.status).toBe(202);
    const before = await l.pendingBytes();
    const sameId = await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event: 'push', tag: '0.3.0+1.2.0', repository: repoA, delivery: first.delivery });
    expect(sameId.status).toBe(200);
    const sameBody = await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event: 'create', tag: '0.3.0+1.2.0', repository: repoA });
    expect(sameBody.status).toBe(200);
    expect(await l.pendingBytes()).toBe(before);
  });

  it('a repository that is not an enrolled upstream answers 204 and records nothing', async () => {
    const l = await listener();
    const other = { cloneUrl: 'https://git.example.org/someone/alpha.git', htmlUrl: 'https://git.example.org/someone/alpha', fullName: 'someone/alpha' };
    expect((await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event: 'create', tag: '1.0.0', repository: other })).status).toBe(204);
    const gamma = { cloneUrl: 'https://git.example.org/coop-cloud/gamma.git', htmlUrl: 'https://git.example.org/coop-cloud/gamma', fullName: 'coop-cloud/gamma' };
    expect((await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event: 'create', tag: '1.0.0', repository: gamma })).status).toBe(204);
    expect(await l.pendingBytes()).toBeNull();
  });

  it('the upstream matches whatever the case of the host, a trailing slash or .git', async () => {
    const l = await listener();
    const spelled = { cloneUrl: 'https://GIT.Example.org/coop-cloud/alpha/', htmlUrl: 'https://GIT.example.org/coop-cloud/alpha', fullName: 'coop-cloud/alpha' };
    expect((await sendGiteaWebhook({ url: l.hookUrl, secret: SECRET, event: 'create', tag: '1.0.0', repository: spelled })).status).toBe(202);
  });

  it('a branch push or another event answers 204', async () => {
    const l = await listener();
    const branch = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: UPSTREAM_A } });
    expect((await postRaw(l.hookUrl, giteaHeaders('push', 'd-3', branch, SECRET), branch)).status).toBe(204);
    const issue = JSON.stringify({ action: 'opened', repository: { clone_url: UPSTREAM_A } });
    const headers = { ...giteaHeaders('push', 'd-4', issue, SECRET), 'X-Gitea-Event': 'issues', 'X-GitHub-Event': 'issues' };
    expect((await postRaw(l.hookUrl, headers, issue)).status).toBe(204);
    expect(await l.pendingBytes()).toBeNull();
  });

  it('a signed body that is not a payload answers 400', async () => {
    const l = await listener();
    for (const body of ['not json', '{"ref": 3}', '[]']) {
      expect((await postRaw(l.hookUrl, giteaHeaders('create', `d-${body}`, body, SECRET), body)).status).toBe(400);
    }
    expect(await l.pendingBytes()).toBeNull();
  });

  it('a body over 1 MiB answers 413, declared or streamed', async () => {
    const l = await listener();
    const big = Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x20);
    expect((await postRaw(l.hookUrl, giteaHeaders('create', 'd-big', big.toString(), SECRET), big)).status).toBe(413);
    const chunked = await postRaw(l.hookUrl, { ...giteaHeaders('create', 'd-big2', '', SECRET), 'transfer-encoding': 'chunked' }, big);
    expect(chunked.status).toBe(413);
    expect(await l.pendingBytes()).toBeNull();
  });

  it('GET on the hook path answers 405', async () => {
    const l = await listener();
    const r = await fetch(l.hookUrl);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
  });
});

describe('the other routes', () => {
  it('/healthz answers ok, /metrics Prometheus text, / the dashboard, anything else 404', async () => {
    const l = await listener();
    const health = await fetch(`${l.listener.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const metrics = await fetch(`${l.listener.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toMatch(/^# HELP canon_/m);
    const dashboard = await fetch(`${l.listener.url}/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toMatch(/^<!doctype html>/i);
    expect((await fetch(`${l.listener.url}/nope`)).status).toBe(404);
    expect((await fetch(`${l.listener.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('/metrics is computed at scrape time', () => {
  /** A full sweep (latest-full.json) that finished `daysAgo` days ago. */
  async function finishedRun(l: TestListener, daysAgo: number): Promise<void> {
    const at = new Date(Date.now() - daysAgo * 86_400_000);
    const runId = newRunId(at);
    const store = await createRun({ stateDir: l.config.stateDir, runId });
    await store.finish({ ...emptyRun(), runId, startedAt: at.toISOString(), finishedAt: at.toISOString(), exitCode: 0 }, { full: true });
  }
  const missed = async (l: TestListener) => /^canon_sweep_missed (\d)$/m.exec(await (await fetch(`${l.listener.url}/metrics`)).text())?.[1];

  it('no sweep yet, or the last one older than the weekly schedule: missed 1; a fresh one: 0', async () => {
    const l = await listener();
    expect(await missed(l)).toBe('1');
    await finishedRun(l, 30);
    expect(await missed(l)).toBe('1');
    await finishedRun(l, 0);
    expect(await missed(l)).toBe('0');
  });
});

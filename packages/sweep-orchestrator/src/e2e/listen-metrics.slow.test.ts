// `canon listen`'s pages through the built CLI: /metrics is computed at scrape (a timer that
// stopped shows as missed without any sweep running), and the webhook secret never reaches
// the listener's log, whatever it is sent.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sendGiteaWebhook } from '@canon/testkit';
import type { RunRecord } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, waitFor, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const SECRET = 'e2e-listen-metrics-secret-5678';
const sample = (text: string, series: string): string | undefined => text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1);

let s: Scenario;
let stop: (() => void) | null = null;

beforeAll(async () => {
  s = await createScenario({ recipes: ['alpha'], presynced: true });
  await writeFile(join(s.dir, 'hook.secret'), `${SECRET}\n`);
  await s.writeConfig({ webhook: { listen: '127.0.0.1:0', secretFile: join(s.dir, 'hook.secret'), debounceSeconds: 3600 } });
  const seed = await s.canon(['sweep']);
  expect(seed.code, seed.stderr).toBe(0);
});

afterAll(async () => {
  stop?.();
  await s.close();
});

describe('canon listen, built CLI: /metrics at scrape time and a secret kept out of the log', () => {
  it('/metrics says missed 0 after a fresh full sweep and missed 1 once the last one is older than the schedule', async () => {
    const run = s.start(['listen']);
    stop = () => run.child.kill('SIGKILL');
    let log = '';
    run.child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(log)?.[1] ?? null, 30_000, 'the listener to listen');
    const scrape = async (): Promise<string> => {
      const r = await fetch(`${url}/metrics`);
      expect(r.status).toBe(200);
      return r.text();
    };
    expect(sample(await scrape(), 'canon_sweep_missed')).toBe('0');

    // The timer stopped ten days ago: the same listener, no restart, no sweep, must notice.
    const latestFull = join(s.stateDir, 'runs', 'latest-full.json');
    const full = JSON.parse(await readFile(latestFull, 'utf8')) as RunRecord;
    const tenDaysAgo = Date.now() - 10 * 86_400_000;
    const stale = { ...full, startedAt: new Date(tenDaysAgo).toISOString(), finishedAt: new Date(tenDaysAgo + 60_000).toISOString() };
    await writeFile(latestFull, `${JSON.stringify(stale, null, 2)}\n`);
    const prom = await scrape();
    expect(sample(prom, 'canon_sweep_missed')).toBe('1');
    expect(Number(sample(prom, 'canon_sweep_last_completed_timestamp_seconds'))).toBe(Date.parse(stale.finishedAt) / 1000);

    const r = s.fleet.recipe('alpha');
    const repository = { cloneUrl: r.upstreamUrl, htmlUrl: r.upstreamUrl.replace(/\.git$/, ''), fullName: 'upstream/alpha' };
    for (const signature of ['good', 'bad', 'missing', 'tampered'] as const) {
      await sendGiteaWebhook({ url: `${url}/hooks/forge`, secret: SECRET, event: 'create', tag: '0.9.0+1.9.0', repository, signature });
    }
    expect(log).toMatch(/delivery \S+: tag 0\.9\.0\+1\.9\.0 \(create\) → pending: alpha/);
    run.child.kill('SIGTERM');
    const done = await run.done;
    stop = null;
    expect(done.code, done.stderr).toBe(0);
    expect(must(done.stderr, 'the listener log')).not.toContain(SECRET);
    expect(done.stdout).not.toContain(SECRET);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, sendGiteaWebhook, tag } from '@canon/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScenario, waitFor, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const SECRET = 'e2e-hook-secret-limits';
let s: Scenario | null = null;
const listeners: { kill(signal: NodeJS.Signals): boolean }[] = [];
afterEach(async () => {
  for (const l of listeners.splice(0)) l.kill('SIGKILL');
  await s?.close();
  s = null;
});

describe('canon listen: maxSweepsPerHour', () => {
  it('a second tag within the hour stays pending once the limit is reached', async () => {
    const sc = await createScenario({ recipes: ['alpha'], presynced: true });
    s = sc;
    await writeFile(join(sc.dir, 'hook.secret'), SECRET);
    await sc.writeConfig({ webhook: { listen: '127.0.0.1:0', secretFile: join(sc.dir, 'hook.secret'), debounceSeconds: 0.5, maxSweepsPerHour: 1 } });
    const run = sc.start(['listen']);
    listeners.push(run.child);
    let log = '';
    run.child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(log)?.[1] ?? null, 30_000, 'the listener');
    const r = sc.fleet.recipe('alpha');
    const repository = { cloneUrl: r.upstreamUrl, htmlUrl: r.upstreamUrl.replace(/\.git$/, ''), fullName: 'upstream/alpha' };
    const pending = async (): Promise<string[]> => {
      const text = await readFile(join(sc.stateDir, 'listen', 'pending.json'), 'utf8').catch(() => '{"recipes":{}}');
      return Object.keys((JSON.parse(text) as { recipes: object }).recipes);
    };

    expect((await sendGiteaWebhook({ url: `${url}/hooks/forge`, secret: SECRET, event: 'create', tag: '0.2.0+1.1.0', repository })).status).toBe(202);
    await waitFor(async () => ((await sc.runIds()).length === 1 && (await pending()).length === 0) || null, 60_000, 'the first sweep');
    expect((await sc.latestRun()).recipes.map((x) => [x.recipe, x.outcome])).toEqual([['alpha', 'PROMOTED']]);

    await commit(r.upstream, { files: { VERSION: '0.3.0+1.2.0\n' } });
    await tag(r.upstream, '0.3.0+1.2.0');
    expect((await sendGiteaWebhook({ url: `${url}/hooks/forge`, secret: SECRET, event: 'create', tag: '0.3.0+1.2.0', repository })).status).toBe(202);
    await waitFor(() => /maxSweepsPerHour \(1\) reached; alpha stay pending until/.test(log) || null, 30_000, 'the limit to be logged');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await sc.runIds()).toHaveLength(1);
    expect(await pending()).toEqual(['alpha']);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });
});

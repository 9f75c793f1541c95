import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScenario, must, waitFor, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

// The suite notes the checkout's HEAD when it starts, then waits for a `go` file and notes
// HEAD again: whatever runs in between is the concurrent part, at a deterministic moment.
const WAITING_SUITE = String.raw`
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const dir = process.argv[2];
const note = (at) => appendFileSync(dir + '/suite.jsonl', JSON.stringify({ at, cwd: process.cwd(), head: readFileSync('.git/HEAD', 'utf8').trim() }) + '\n');
note('start');
const timer = setInterval(() => {
  if (!existsSync(dir + '/go')) return;
  clearInterval(timer);
  note('end');
  process.exit(0);
}, 50);
`;

// Notes which checkout a deploy ran in and the commit checked out there, then runs fake-abra.
const RECORDING_DEPLOY = String.raw`
import { appendFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
const [dir, ...argv] = process.argv.slice(2);
appendFileSync(dir + '/deploys.jsonl', JSON.stringify({
  cwd: process.cwd(), head: readFileSync('.git/HEAD', 'utf8').trim(),
  runId: process.env.CANON_RUN_ID, version: process.env.CANON_VERSION,
}) + '\n');
const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
process.exit(r.status ?? 1);
`;

type Noted = { at?: string; cwd: string; head: string; runId?: string; version?: string };
const lines = async (file: string): Promise<Noted[]> =>
  existsSync(file) ? (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Noted) : [];

let s: Scenario | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

describe('canon promote while a sweep is testing the same recipe', () => {
  it('checks out privately: the sweep tests, deploys and records the tag it checked out', async () => {
    const sc = await createScenario({ recipes: [{ name: 'alpha', releases: ['0.1.0+1.0.0', '0.2.0+1.1.0'] }], presynced: true });
    s = sc;
    const commitOf = (name: string): string => must(sc.fleet.recipe('alpha').upstream.tags.find((t) => t.name === name), name).commit;
    await writeFile(join(sc.dir, 'bin', 'waiting-suite.mjs'), WAITING_SUITE);
    await writeFile(join(sc.dir, 'bin', 'recording-deploy.mjs'), RECORDING_DEPLOY);
    await sc.writeConfig({
      defaults: {
        test: { command: [process.execPath, join(sc.dir, 'bin', 'waiting-suite.mjs'), sc.dir], timeoutSeconds: 90 },
        promote: {
          deploy: [
            process.execPath, join(sc.dir, 'bin', 'recording-deploy.mjs'), sc.dir,
            process.execPath, sc.warm.fakeAbra, `--host=${sc.warm.url}`, 'deploy', '{domain}', '{version}',
          ],
        },
      },
    });
    const sweepCheckout = join(sc.workDir, 'checkouts', 'alpha');

    const sweep = sc.start(['sweep']);
    await waitFor(async () => ((await lines(join(sc.dir, 'suite.jsonl'))).length > 0 ? true : null), 45_000, 'the suite to start');
    const promote = await sc.canon(['promote', '--recipe', 'alpha', '--version', '0.1.0+1.0.0']);
    expect(promote.code, promote.stdout + promote.stderr).toBe(0);
    expect(promote.stdout).toMatch(/alpha: PROMOTED/);
    await writeFile(join(sc.dir, 'go'), '');
    const swept = await sweep.done;
    expect(swept.code, swept.stdout + swept.stderr).toBe(0);

    const suite = await lines(join(sc.dir, 'suite.jsonl'));
    expect(suite).toEqual([
      { at: 'start', cwd: sweepCheckout, head: commitOf('0.2.0+1.1.0') },
      { at: 'end', cwd: sweepCheckout, head: commitOf('0.2.0+1.1.0') },
    ]);
    const run = await sc.latestRun();
    const deploys = await lines(join(sc.dir, 'deploys.jsonl'));
    const byPromote = must(deploys.find((d) => d.runId !== run.runId), 'the deploy of canon promote');
    expect(byPromote).toMatchObject({ version: '0.1.0+1.0.0', head: commitOf('0.1.0+1.0.0') });
    expect(byPromote.cwd).not.toBe(sweepCheckout);
    expect(deploys.filter((d) => d.runId === run.runId)).toEqual([
      { cwd: sweepCheckout, head: commitOf('0.2.0+1.1.0'), runId: run.runId, version: '0.2.0+1.1.0' },
    ]);
    expect(run.recipes[0]).toMatchObject({ outcome: 'PROMOTED', tested: { version: '0.2.0+1.1.0', commit: commitOf('0.2.0+1.1.0') } });
    const record = JSON.parse(must(await sc.readCanonical('alpha'), 'the canonical').toString('utf8')) as { version: string; commit: string };
    expect(record).toMatchObject({ version: '0.2.0+1.1.0', commit: commitOf('0.2.0+1.1.0') });
    // The promote's private checkout is gone once it finished.
    expect(existsSync(byPromote.cwd)).toBe(false);
    expect(await readdir(join(sc.workDir, 'checkouts'))).toEqual(['alpha']);
  });
});

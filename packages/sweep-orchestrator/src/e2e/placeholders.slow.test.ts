import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, tag } from '@canon/testkit';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createScenario, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

// Appends the arguments canon expanded for it, so the test sees every placeholder's value.
const PROBE = String.raw`
import { appendFileSync } from 'node:fs';
appendFileSync(process.argv[2], JSON.stringify(process.argv.slice(3)) + '\n');
`;

let s: Scenario;
let probeLog: string;

beforeAll(async () => {
  s = await createScenario({ recipes: [{ name: 'alpha', releases: ['1.0.0+1'] }] });
  const probe = join(s.dir, 'bin', 'probe.mjs');
  probeLog = join(s.dir, 'probe.jsonl');
  await writeFile(probe, PROBE);
  await s.writeConfig({
    defaults: {
      busyCheck: [process.execPath, probe, probeLog, 'busy', '{recipe}', '{runId}', '{runDir}'],
      test: { command: [process.execPath, probe, probeLog, 'test', '{version}', '{previousVersion}', '{upgradeBase}', '{runId}', '{runDir}'] },
    },
  });
});

afterAll(() => s.close());

it('every placeholder a command may use is filled in: runDir for busyCheck, previousVersion for the test', async () => {
  expect((await s.canon(['sweep'])).code).toBe(0);
  const up = s.fleet.recipe('alpha').upstream;
  await commit(up, { files: { VERSION: '1.1.0+1\n' } });
  await tag(up, '1.1.0+1');
  expect((await s.canon(['sweep'])).code).toBe(0);
  const [first, second] = await s.runIds();
  const dir = (id: string | undefined): string => join(s.stateDir, 'runs', String(id));
  const calls = (await readFile(probeLog, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as string[]);
  // busyCheck runs before the test and again before the promote (SPEC "Promote" step 1).
  expect(calls).toEqual([
    ['busy', 'alpha', first, dir(first)],
    ['test', '1.0.0+1', '', '', first, dir(first)],
    ['busy', 'alpha', first, dir(first)],
    ['busy', 'alpha', second, dir(second)],
    ['test', '1.1.0+1', '1.0.0+1', '1.0.0+1', second, dir(second)],
    ['busy', 'alpha', second, dir(second)],
  ]);
});

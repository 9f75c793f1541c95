import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createScenario, must, type CanonResult, type Scenario } from '../testing/e2e-harness.js';
import { filesUnder } from '../testing/files-under.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const TOKEN = 'forge-token';

// Records what each command it runs as could see of the forge token variable.
const PROBE = String.raw`
import { appendFileSync } from 'node:fs';
appendFileSync(process.argv[2], JSON.stringify({ step: process.argv[3], token: process.env.FORGE_TOKEN ?? null }) + '\n');
`;

let s: Scenario;
let result: CanonResult;
let probeLog: string;

beforeAll(async () => {
  s = await createScenario({ recipes: [{ name: 'gitea', releases: ['1.0.0+1.24.2-rootless'] }], forge: true });
  const probe = join(s.dir, 'bin', 'probe.mjs');
  probeLog = join(s.dir, 'probe.jsonl');
  await writeFile(probe, PROBE);
  const node = process.execPath;
  await s.writeConfig({
    forge: { type: 'gitea', url: must(s.fleet.forge, 'forge').url, tokenEnv: 'FORGE_TOKEN' },
    defaults: { busyCheck: [node, probe, probeLog, 'busy'], test: { command: [node, probe, probeLog, 'test'] } },
  });
  result = await s.canon(['sweep'], { env: { FORGE_TOKEN: TOKEN } });
});

afterAll(async () => {
  await s.close();
});

it('the forge token reaches canon but no command it runs, log, record or output', async () => {
  expect(result.code).toBe(0);
  expect((await s.latestRun()).recipes.map((r) => r.outcome)).toEqual(['PROMOTED']);
  const seen = (await readFile(probeLog, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { step: string; token: string | null });
  // busyCheck runs before the test and again before the promote (SPEC "Promote" step 1).
  expect(seen).toEqual([
    { step: 'busy', token: null },
    { step: 'test', token: null },
    { step: 'busy', token: null },
  ]);
  expect(result.stdout + result.stderr).not.toContain(TOKEN);
  for (const file of await filesUnder(s.stateDir)) {
    expect({ file, leaked: (await readFile(file, 'utf8')).includes(TOKEN) }).toEqual({ file, leaked: false });
  }
});

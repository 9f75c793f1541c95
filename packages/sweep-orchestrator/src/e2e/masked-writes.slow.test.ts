import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createScenario, must, type CanonResult, type Scenario } from '../testing/e2e-harness.js';
import { filesUnder } from '../testing/files-under.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

// The forge token, as a careless suite or an operator's note might repeat it.
const TOKEN = 'tok-7d2b9e41c0aa';
const OLD = '1.0.0+1.20';
const NEW = '1.1.0+1.21';
const live = (recipe: string) => `warm-${recipe}.ci.test`;

let s: Scenario;
const results: CanonResult[] = [];
let adopt: CanonResult;
let promote: CanonResult;
let sweep: CanonResult;

beforeAll(async () => {
  s = await createScenario({
    recipes: [{ name: 'keycloak', releases: [OLD, NEW] }, { name: 'gitea', releases: [OLD] }, { name: 'lemmy', releases: [OLD] }],
    presynced: true,
    forge: { token: TOKEN },
  });
  const tokenFile = join(s.dir, 'forge-token');
  await writeFile(tokenFile, `${TOKEN}\n`);
  const abra = (...args: string[]) => [process.execPath, s.warm.fakeAbra, `--host=${s.warm.url}`, ...args];
  await s.writeConfig({
    forge: { type: 'gitea', url: must(s.fleet.forge, 'forge').url, tokenFile },
    recipes: {
      // Live infrastructure, adopted then promoted by hand.
      keycloak: { promote: { mode: 'live', park: null, backup: abra('backup', '{domain}'), restore: abra('restore', '{domain}') } },
      // A red suite that prints the token it found on the host.
      gitea: { test: { command: [process.execPath, '-e', 'process.stdout.write(require("fs").readFileSync(process.argv[1], "utf8")); process.exit(1)', tokenFile] } },
      lemmy: {},
    },
  });
  // lemmy's verify prints the token instead of a version: a failing promote command's output.
  s.warm.configure(live('lemmy'), { verifyOutput: TOKEN });
  s.warm.setDeployed(live('keycloak'), OLD);
  adopt = await s.canon(['adopt', '--recipe', 'keycloak', '--version', OLD, '--reason', `running before canon (token ${TOKEN} rotated)`]);
  promote = await s.canon(['promote', '--recipe', 'keycloak', '--version', NEW]);
  sweep = await s.canon(['sweep']);
  results.push(adopt, promote, sweep);
});

afterAll(async () => {
  await s.close();
});

it('canon adopt records the deployment, with the secret masked in history and approvals.jsonl', async () => {
  expect(adopt.code, adopt.stderr).toBe(0);
  const history = await readFile(join(s.stateDir, 'recipes', 'keycloak', 'history.jsonl'), 'utf8');
  expect(history).toContain('running before canon (token *** rotated)');
  const approvals = await readFile(join(s.stateDir, 'recipes', 'keycloak', 'approvals.jsonl'), 'utf8');
  expect(JSON.parse(must(approvals.trim().split('\n')[0], 'the adopt line'))).toMatchObject({ kind: 'adopt', version: OLD, reason: 'running before canon (token *** rotated)' });
});

it('canon promote of a live recipe takes the live path: backup first, never a teardown or park', async () => {
  expect(promote.code, promote.stderr).toBe(0);
  expect(s.warm.events(live('keycloak')).map((e) => e.op)).toEqual(['verify', 'backup', 'deploy', 'verify', 'snapshot', 'volume-size']);
  expect(s.warm.state(live('keycloak'))).toMatchObject({ deployed: NEW, backups: [OLD] });
  expect(JSON.parse(must(await s.readCanonical('keycloak'), 'keycloak canonical').toString())).toMatchObject({ version: NEW, previous: { version: OLD } });
});

it("a secret in a red suite's and a failing verify's output reaches no verdict, history, log, record or output", async () => {
  expect(sweep.code).toBe(1);
  const outcomes = Object.fromEntries((await s.latestRun()).recipes.map((r) => [r.recipe, r.outcome]));
  expect(outcomes).toEqual({ gitea: 'FAILED', keycloak: 'SKIPPED', lemmy: 'GREEN-BUT-PROMOTE-FAILED' });
  const verdicts = await readFile(join(s.stateDir, 'recipes', 'gitea', 'verdicts.jsonl'), 'utf8');
  expect(JSON.parse(must(verdicts.trim().split('\n')[0], 'gitea verdict'))).toMatchObject({ outcome: 'FAILED', final: true });
  const lemmyHistory = await readFile(join(s.stateDir, 'recipes', 'lemmy', 'history.jsonl'), 'utf8');
  expect(lemmyHistory).toContain('verify printed \\"***\\"');
  for (const r of results) expect(r.stdout + r.stderr).not.toContain(TOKEN);
  const files = [...(await filesUnder(s.stateDir)), ...(await filesUnder(s.workDir))];
  expect(files.some((f) => f.endsWith('promote.log'))).toBe(true);
  for (const file of files.filter((f) => !f.includes(`${join('checkouts', '')}`))) {
    expect({ file, leaked: (await readFile(file)).includes(TOKEN) }).toEqual({ file, leaked: false });
  }
});

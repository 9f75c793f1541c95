import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecipeRun } from '@canon/warm-registry';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type Scenario } from '../testing/e2e-harness.js';
import { filesUnder } from '../testing/files-under.js';

// The real CLI, git and several processes per scenario: generous limits for loaded machines.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const node = process.execPath;
const isRoot = process.getuid?.() === 0;
const scenarios: Scenario[] = [];
const mounts: string[] = [];

afterAll(async () => {
  for (const s of scenarios) await s.close();
  for (const dir of mounts) execFileSync('umount', [dir]);
});

async function scenario(...args: Parameters<typeof createScenario>): Promise<Scenario> {
  const s = await createScenario(...args);
  scenarios.push(s);
  return s;
}

async function entry(s: Scenario, recipe: string): Promise<RecipeRun> {
  return must((await s.latestRun()).recipes.find((r) => r.recipe === recipe), `${recipe} in the latest run`);
}

// Prints the token it reads from the file in argv[2], split across two writes; with "fail",
// prints it on stderr and exits 1 (so it lands in the step's failure detail).
const LEAK = String.raw`
import { readFileSync } from 'node:fs';
const token = readFileSync(process.argv[2], 'utf8').trim();
if (process.argv[3] === 'fail') { console.error('deploy refused for ' + token); process.exit(1); }
process.stdout.write('token=' + token.slice(0, 5));
setTimeout(() => process.stdout.write(token.slice(5) + ' done\n'), 150);
`;

describe('a secret a suite prints', () => {
  it('is masked in the logs, run.json and the output, never written verbatim', async () => {
    const token = 'tok-4f1c9a7e2b-forge';
    const s = await scenario({ recipes: [{ name: 'leaky', releases: ['1.0.0+1'] }], forge: { token } });
    const tokenFile = join(s.dir, 'forge-token');
    const leak = join(s.dir, 'bin', 'leak.mjs');
    await writeFile(tokenFile, `${token}\n`);
    await writeFile(leak, LEAK);
    await s.writeConfig({
      forge: { type: 'gitea', url: must(s.fleet.forge, 'forge').url, tokenFile },
      recipes: { leaky: { test: { command: [node, leak, tokenFile] }, promote: { deploy: [node, leak, tokenFile, 'fail'] } } },
    });
    const result = await s.canon(['sweep']);
    const leaky = await entry(s, 'leaky');
    expect(leaky.outcome, leaky.detail).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(leaky.detail).toContain('deploy refused for ***');
    const testLog = await readFile(join(s.stateDir, 'runs', (await s.latestRun()).runId, 'leaky', 'test.log'), 'utf8');
    expect(testLog).toContain('token=*** done\n');
    expect(result.stdout + result.stderr).not.toContain(token);
    for (const file of await filesUnder(s.stateDir)) {
      expect({ file, leaked: (await readFile(file, 'utf8')).includes(token) }).toEqual({ file, leaked: false });
    }
  });
});

describe('durations and domains at the config edge', () => {
  it('refuses a *Seconds value past 2,000,000 with exit 2, naming its JSON path', async () => {
    const s = await scenario({ recipes: [{ name: 'slow', releases: ['1.0.0+1'] }] });
    await s.writeConfig({ recipes: { slow: { promote: { timeoutSeconds: 2_000_001 } } } });
    const result = await s.canon(['sweep']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/recipes\.slow\.promote\.timeoutSeconds: .*at most 2,000,000 seconds/);
    expect(await s.runIds()).toEqual([]);
  });

  it('promotes to an upper-case warm domain, and refuses a case variant of a protected one as protected', async () => {
    const s = await scenario({ recipes: [{ name: 'upper', releases: ['1.0.0+1'] }, { name: 'guarded', releases: ['1.0.0+1'] }] });
    await s.writeConfig({
      protectedDomains: ['WARM-Guarded.CI.test'],
      recipes: { upper: { promote: { domain: 'Warm-{recipe}.CI.Test', timeoutSeconds: 2_000_000 } } },
    });
    s.warm.setDeployed('warm-guarded.ci.test', 'live-data');
    const result = await s.canon(['sweep']);
    // Every recipe PROMOTED or SKIPPED: the unseeded protected one is skipped before its test (SPEC).
    expect(result.code, result.stderr).toBe(0);
    const upper = await entry(s, 'upper');
    expect(upper.outcome, upper.detail).toBe('PROMOTED');
    expect(JSON.parse((await s.readCanonical('upper'))?.toString() ?? '{}')).toMatchObject({ domain: 'warm-upper.ci.test', version: '1.0.0+1' });
    const guarded = await entry(s, 'guarded');
    expect([guarded.outcome, guarded.decision?.reason]).toEqual(['SKIPPED', 'protected-domain']);
    expect(guarded.detail).toMatch(/protected/);
    expect(s.warm.events('warm-guarded.ci.test').map((ev) => ev.op)).not.toContain('teardown');
    expect(s.warm.state('warm-guarded.ci.test')).toMatchObject({ deployed: 'live-data' });
  });
});

describe('a state disk that fills during the sweep', () => {
  it.skipIf(!isRoot)('ends the flooding recipe with a typed NO_SPACE failure and still handles the others (needs root for a tmpfs)', async () => {
    const s = await scenario({ recipes: [{ name: 'calm', releases: ['1.0.0+1'] }, { name: 'flood', releases: ['1.0.0+1'] }, { name: 'later', releases: ['1.0.0+1'] }] });
    const disk = mkdtempSync(join(tmpdir(), 'canon-full-state-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
    mounts.push(disk);
    const flood = [node, '-e', 'const b = Buffer.alloc(65536, 120); setInterval(() => process.stdout.write(b), 5);'];
    await s.writeConfig({ stateDir: disk, recipes: { flood: { test: { command: flood } } } });
    const result = await s.canon(['sweep'], { timeoutMs: 150_000 });
    expect(result.stderr).not.toMatch(/Unhandled 'error' event/);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    // Every recipe was handled: the one before the flood promoted, the flood and the one after
    // failed with the typed full-disk error, and the unwritable run.json is reported as such.
    expect(result.stdout).toMatch(/calm: PROMOTED/);
    expect(result.stdout).toMatch(/flood: ERROR .*test could not run: the disk holding the log file .*flood\/test\.log is full \(ENOSPC/);
    expect(result.stdout).toMatch(/later: ERROR .*the disk holding the log file .* is full/);
    expect(result.stderr).toMatch(/run\.json: ENOSPC.*\[NO_SPACE\]/);
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../config/index.js';
import type { TestRequest } from './executor.js';
import { createLocalExecutor } from './local-executor.js';

// The suite prints what it was given, then exits with the code the test asks for.
const SUITE = 'echo "cwd=$(pwd) tag=$CANON_TAG arg=$1 own=$OWN" >&2; exit "$2"';

let dir: string;
let config: ResolvedConfig;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'canon-executor-'));
  config = await resolveConfig(
    {
      stateDir: 'state',
      killGraceSeconds: 1,
      defaults: {
        upstream: 'https://git.example.org/up/{recipe}.git',
        mirror: 'https://git.example.org/ci/{recipe}.git',
        test: { command: ['bash', '-c', SUITE, 'suite', '{version}', '3'], env: { OWN: '{recipe}@{commit}' }, timeoutSeconds: 30 },
      },
      recipes: { alpha: {} },
    },
    { path: join(dir, 'canon.config.json'), env: {} },
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function request(): TestRequest {
  const checkout = join(dir, 'checkout');
  mkdirSync(checkout, { recursive: true });
  const recipe = config.recipes[0];
  if (recipe === undefined) throw new Error('no recipe in the config');
  return {
    kind: 'test', recipe, upgradeBase: null, previousVersion: null, suiteRev: 'suite-rev', runId: 'R1', runDir: join(dir, 'run'),
    release: { version: '1.1.0+1', tag: 'v1.1.0+1', commit: 'b'.repeat(40), checkout },
    logFile: join(dir, 'run', 'alpha', 'test.log'), signal: new AbortController().signal,
  };
}

describe('createLocalExecutor', () => {
  it('runs the suite in the checkout with its placeholders and CANON_* env, and reports where and how it ended', async () => {
    const req = request();
    const result = await createLocalExecutor(config).runTest(req);
    const line = `cwd=${req.release.checkout} tag=v1.1.0+1 arg=1.1.0+1 own=alpha@${'b'.repeat(40)}`;
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false, host: hostname(), log: req.logFile });
    expect(result.logTail).toContain(line);
    expect(readFileSync(req.logFile, 'utf8')).toContain(line);
  });

  it('stops the suite when the sweep is interrupted, and says so', async () => {
    const controller = new AbortController();
    const req = { ...request(), signal: controller.signal };
    const running = createLocalExecutor(config).runTest({
      ...req, recipe: { ...req.recipe, test: { ...req.recipe.test, command: ['sleep', '30'] } },
    });
    setTimeout(() => controller.abort(), 200);
    const result = await running;
    expect(result).toMatchObject({ exitCode: null, aborted: true, timedOut: false });
    expect(result.durationMs).toBeLessThan(20_000);
  });
});

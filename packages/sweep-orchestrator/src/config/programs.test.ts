import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';
import { programsOf } from './programs.js';

describe('programsOf', () => {
  it('names the suite revision, live backup and restore programs, and flock when promote.locks are held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canon-programs-'));
    const path = join(dir, 'canon.config.json');
    writeFileSync(path, JSON.stringify({
      defaults: {
        upstream: 'https://git.example.org/up/{recipe}.git',
        mirror: 'https://git.example.org/mirror/{recipe}.git',
        test: { command: ['cc-ci-run', '/etc/cc-ci/runner/run_recipe_ci.py'], revision: ['git', '-C', '/etc/cc-ci', 'rev-parse', 'HEAD'] },
        promote: { domain: 'warm-{recipe}.ci.example.org', deploy: ['abra', 'app', 'deploy', '{domain}'] },
      },
      recipes: {
        gitea: {},
        keycloak: { promote: { mode: 'live', backup: ['backupbot', 'create', '{domain}'], restore: ['restorebot', '{domain}'], locks: ['/run/lock/cc-ci-app-{domain}.lock'] } },
      },
    }));
    expect(programsOf(await loadConfig({ flag: path, env: {}, cwd: '/' }))).toEqual(['cc-ci-run', 'git', 'abra', 'backupbot', 'restorebot', 'flock']);
  });
});

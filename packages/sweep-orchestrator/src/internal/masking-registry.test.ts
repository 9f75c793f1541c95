import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRegistry, type Registry } from '@canon/warm-registry';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../testing/files-under.js';
import { maskingRegistry } from './secret-mask.js';

const SECRET = 'tok-9c1e5f7a3b2d';
const COMMIT = 'c'.repeat(40);
const SHA = 'f'.repeat(64);

describe('maskingRegistry', () => {
  it('masks the secret in every record it writes: canonical, history, attempt, verdicts.jsonl, approvals.jsonl', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'canon-masking-'));
    const registry = maskingRegistry(openRegistry({ stateDir }), [SECRET]);
    const ts = new Date().toISOString();
    const said = `deploy exited 1: token ${SECRET} refused`;
    await registry.writeCanonical({ schema: 1, recipe: 'gitea', version: '1.0.0', tag: '1.0.0', commit: COMMIT, status: 'canonical', ts, domain: 'warm-gitea.test', runId: `run-${SECRET}`, previous: null });
    await registry.appendHistory('gitea', { type: 'advance-failed', ts, runId: 'r1', version: '1.0.0', commit: COMMIT, detail: said });
    await registry.writeAttempt('gitea', { schema: 1, recipe: 'gitea', runId: 'r1', ts, version: '1.0.0', tag: '1.0.0', commit: COMMIT, outcome: 'FAILED', detail: said });
    await registry.appendVerdict('gitea', {
      schema: 1, ts, runId: 'r1', key: { version: '1.0.0', commit: COMMIT, suiteRev: SHA, promoteRev: SHA },
      outcome: 'FAILED', final: true, reason: said, testVerdict: 'red', attempts: [{ exitCode: 1, signal: null, durationMs: 5, log: `runs/r1/${SECRET}.log` }],
    });
    await registry.appendApproval('gitea', { schema: 1, ts, kind: 'adopt', version: '1.0.0', commit: COMMIT, who: 'ops', reason: `running before canon; token ${SECRET}` });

    const files = await filesUnder(stateDir);
    expect(files.map((f) => f.slice(stateDir.length + 1)).sort()).toEqual(
      ['recipes/gitea/approvals.jsonl', 'recipes/gitea/attempt.json', 'recipes/gitea/history.jsonl', 'recipes/gitea/verdicts.jsonl', 'registry/gitea/canonical.json'].sort(),
    );
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect({ file, leaked: text.includes(SECRET), masked: text.includes('***') }).toEqual({ file, leaked: false, masked: true });
    }
    expect((await registry.readVerdicts('gitea')).records[0]?.reason).toBe('deploy exited 1: token *** refused');
  });

  it('wraps every writer the registry has (a new write* or append* method fails here until it is masked)', () => {
    const raw = openRegistry({ stateDir: mkdtempSync(join(tmpdir(), 'canon-masking-')) });
    const masked = maskingRegistry(raw, [SECRET]);
    const writers = Object.keys(raw).filter((k) => /^(write|append)/.test(k)).sort();
    expect(writers).toEqual(['appendApproval', 'appendHistory', 'appendVerdict', 'writeAttempt', 'writeCanonical']);
    for (const name of writers) expect({ name, wrapped: masked[name as keyof Registry] !== raw[name as keyof Registry] }).toEqual({ name, wrapped: true });
  });
});

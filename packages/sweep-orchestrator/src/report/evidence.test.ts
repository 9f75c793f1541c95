import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvidence } from './evidence.js';
import { recipeRun } from '../testing/report-fixtures.js';

async function stateWithLog(text: string): Promise<string> {
  const stateDir = await mkdtemp(join(tmpdir(), 'canon-evidence-'));
  await mkdir(join(stateDir, 'runs', 'R1', 'hedgedoc'), { recursive: true });
  await writeFile(join(stateDir, 'runs', 'R1', 'hedgedoc', 'test.log'), text);
  return stateDir;
}

const LOG = 'ok 1 - starts\nnot ok 5 - login page renders: HTTP 500\nnot ok 6 - logout\n\u001b[31m# 2 failed\u001b[0m\n\n  \n';
const failed = recipeRun('hedgedoc', { outcome: 'FAILED', logs: { sync: 'hedgedoc/sync.log', test: 'hedgedoc/test.log' } });

describe('the evidence beside a failed outcome', () => {
  it('is the first line matching test.failurePattern, with the log relative to stateDir', async () => {
    const stateDir = await stateWithLog(LOG);
    expect(await readEvidence(stateDir, 'R1', failed, '^not ok ')).toEqual({ log: 'runs/R1/hedgedoc/test.log', line: 'not ok 5 - login page renders: HTTP 500' });
  });

  it('is the last non-empty line, colour codes removed, without a pattern or when nothing matches', async () => {
    const stateDir = await stateWithLog(LOG);
    expect(await readEvidence(stateDir, 'R1', failed, null)).toEqual({ log: 'runs/R1/hedgedoc/test.log', line: '# 2 failed' });
    expect((await readEvidence(stateDir, 'R1', failed, 'no such line'))?.line).toBe('# 2 failed');
  });

  it('names the promote log for a green suite whose promote failed, and says nothing of a missing log', async () => {
    const stateDir = await stateWithLog(LOG);
    const promote = recipeRun('hedgedoc', { outcome: 'GREEN-BUT-PROMOTE-FAILED', logs: { test: 'hedgedoc/test.log', promote: 'hedgedoc/promote.log' } });
    expect(await readEvidence(stateDir, 'R1', promote, null)).toEqual({ log: 'runs/R1/hedgedoc/promote.log', line: null });
    expect(await readEvidence(stateDir, 'R1', recipeRun('hedgedoc', { outcome: 'ERROR', logs: {} }), null)).toBeNull();
  });

  it('cuts a very long line', async () => {
    const stateDir = await stateWithLog(`${'x'.repeat(5000)}\n`);
    const line = (await readEvidence(stateDir, 'R1', failed, null))?.line ?? '';
    expect(line).toHaveLength(300);
    expect(line.endsWith('…')).toBe(true);
  });
});

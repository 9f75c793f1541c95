import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryError } from './errors.js';
import { useTempDirs } from './testing/fixtures.js';
import { openRegistry } from './registry.js';
import type { VerdictRecord } from './records/verdict.js';
import type { ApprovalRecord } from './records/approval.js';

const tempDir = useTempDirs();

const verdict = (n: number): VerdictRecord => ({
  schema: 1,
  ts: `2026-11-2${n}T03:00:00.000Z`,
  runId: `run-${n}`,
  key: {
    version: `1.${n}.0`,
    commit: 'a'.repeat(40),
    suiteRev: 'b'.repeat(64),
    promoteRev: 'c'.repeat(64),
  },
  outcome: 'FAILED',
  final: true,
  reason: 'test-failed',
  testVerdict: 'red',
  attempts: [{ exitCode: 1, signal: null, durationMs: 1200, log: 'gitea/test.log' }],
});

const approval: ApprovalRecord = {
  schema: 1,
  ts: '2026-11-28T10:00:00.000Z',
  kind: 'recheck',
  version: '1.2.0',
  who: 'ops',
  reason: 'runner fixed',
};

async function caught(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => new Error('expected a RegistryError, the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('verdicts.jsonl and approvals.jsonl', () => {
  it('append one JSON line each under recipes/<recipe>/ and read back oldest first', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    expect(await registry.readVerdicts('gitea')).toEqual({ records: [], warnings: [] });
    await registry.appendVerdict('gitea', verdict(1));
    await registry.appendVerdict('gitea', verdict(2));
    await registry.appendApproval('gitea', approval);
    const dir = join(registry.stateDir, 'recipes', 'gitea');
    expect(await readFile(join(dir, 'verdicts.jsonl'), 'utf8')).toBe(
      `${JSON.stringify(verdict(1))}\n${JSON.stringify(verdict(2))}\n`,
    );
    expect(await registry.readVerdicts('gitea')).toEqual({
      records: [verdict(1), verdict(2)],
      warnings: [],
    });
    expect(await readFile(join(dir, 'approvals.jsonl'), 'utf8')).toBe(
      `${JSON.stringify(approval)}\n`,
    );
    expect((await registry.readApprovals('gitea')).records).toEqual([approval]);
  });

  it('skip a line a crash cut short with a warning, at the end and once a later append follows it', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await registry.appendVerdict('gitea', verdict(1));
    const path = join(registry.stateDir, 'recipes', 'gitea', 'verdicts.jsonl');
    await writeFile(path, (await readFile(path, 'utf8')) + '{"schema":1,"ts":"2026');
    const torn = await registry.readVerdicts('gitea');
    expect(torn.records).toEqual([verdict(1)]);
    expect(torn.warnings).toEqual([expect.objectContaining({ code: 'TORN_LINE', path, line: 2 })]);
    await registry.appendVerdict('gitea', verdict(2));
    const after = await registry.readVerdicts('gitea');
    expect(after.records).toEqual([verdict(1), verdict(2)]);
    expect(after.warnings.map((w) => w.line)).toEqual([2]);
  });

  it('refuse to write an invalid line and leave the file as it was', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await registry.appendVerdict('gitea', verdict(1));
    const path = join(registry.stateDir, 'recipes', 'gitea', 'verdicts.jsonl');
    const before = await readFile(path, 'utf8');
    const bad = { ...verdict(2), key: { ...verdict(2).key, suiteRev: 'not-a-hash' } };
    const error = await caught(registry.appendVerdict('gitea', bad));
    expect(error.code).toBe('INVALID_RECORD');
    expect(error.data.issues?.[0]?.path).toBe('$.key.suiteRev');
    const badKind = caught(
      registry.appendApproval('gitea', { ...approval, kind: 'nope' as 'adopt' }),
    );
    expect((await badKind).code).toBe('INVALID_RECORD');
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('name every JSON line that is not a record, and a newer schema, as typed errors', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await registry.appendApproval('gitea', approval);
    const path = join(registry.stateDir, 'recipes', 'gitea', 'approvals.jsonl');
    await writeFile(
      path,
      `${JSON.stringify({ ...approval, who: '' })}\n${JSON.stringify(approval)}\n`,
    );
    const corrupt = await caught(registry.readApprovals('gitea'));
    expect(corrupt.code).toBe('CORRUPT_RECORD');
    expect(corrupt.data.issues?.[0]?.path).toBe('line 1 $.who');
    await writeFile(path, `${JSON.stringify({ ...approval, schema: 2 })}\n`);
    expect((await caught(registry.readApprovals('gitea'))).code).toBe('UNKNOWN_SCHEMA');
  });

  it('refuse to append through a symlink planted at the file name', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await registry.appendVerdict('gitea', verdict(1));
    const elsewhere = join(await tempDir(), 'target');
    await writeFile(elsewhere, '');
    const path = join(registry.stateDir, 'recipes', 'gitea', 'approvals.jsonl');
    await symlink(elsewhere, path);
    expect((await caught(registry.appendApproval('gitea', approval))).code).toBe('SYMLINK_REFUSED');
    expect(await readFile(elsewhere, 'utf8')).toBe('');
  });

  it('read both at once as readVerdicts and readApprovals would, with or without the recipe dir', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    const empty = { records: [], warnings: [] };
    expect(await registry.readDecisionRecords('gitea')).toEqual({
      verdicts: empty,
      approvals: empty,
    });
    await registry.appendApproval('gitea', approval);
    expect(await registry.readDecisionRecords('gitea')).toEqual({
      verdicts: empty,
      approvals: { records: [approval], warnings: [] },
    });
    await registry.appendVerdict('gitea', verdict(1));
    const path = join(registry.stateDir, 'recipes', 'gitea', 'verdicts.jsonl');
    await writeFile(path, (await readFile(path, 'utf8')) + '{"schema":1');
    const both = await registry.readDecisionRecords('gitea');
    expect(both.verdicts).toEqual(await registry.readVerdicts('gitea'));
    expect(both.verdicts.warnings).toEqual([
      expect.objectContaining({ code: 'TORN_LINE', path, line: 2 }),
    ]);
    expect(both.approvals.records).toEqual([approval]);
  });

  it('fail as the single reads do when recipes/<recipe> is a file', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await registry.appendApproval('other', approval);
    await writeFile(join(registry.stateDir, 'recipes', 'gitea'), 'not a dir');
    const single = await caught(registry.readVerdicts('gitea'));
    const both = await caught(registry.readDecisionRecords('gitea'));
    expect(both.code).toBe(single.code);
    expect(both.message).toBe(single.message);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peelRef } from './local-repo.js';

let dir = '';
let commit = '';
const git = (...args: string[]): string =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'advice.nestedTag=false', ...args], { encoding: 'utf8' }).trim();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'canon-peel-'));
  git('init', '--quiet');
  git('commit', '--quiet', '--allow-empty', '-m', 'release');
  commit = git('rev-parse', 'HEAD');
  git('tag', '-a', '-m', 'annotated', '1.0.0+1');
  git('tag', '-a', '-m', 'a tag of a tag', '1.0.1+1', '1.0.0+1');
  git('tag', 'light', commit);
  git('tag', '-a', '-m', 'a tree', 'tree-tag', `${commit}^{tree}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('peelRef: the commit a tag names, read without git', () => {
  it('peels annotated, nested and lightweight tags to the commit from loose objects', async () => {
    expect(await peelRef(dir, 'refs/tags/1.0.0+1')).toBe(commit);
    expect(await peelRef(dir, 'refs/tags/1.0.1+1')).toBe(commit);
    expect(await peelRef(dir, 'refs/tags/light')).toBe(commit);
  });

  it('answers null (git is asked) for a missing tag and for a tag that names no commit', async () => {
    expect(await peelRef(dir, 'refs/tags/9.9.9+9')).toBeNull();
    expect(await peelRef(dir, 'refs/tags/tree-tag')).toBeNull();
    expect(await peelRef(join(dir, 'no-such-dir'), 'refs/tags/1.0.0+1')).toBeNull();
  });

  it('answers null for packed objects: git reads a pack, isomorphic-git would load all of it', async () => {
    git('gc', '--quiet');
    expect(await peelRef(dir, 'refs/tags/1.0.0+1')).toBeNull();
    expect(await peelRef(dir, 'refs/tags/light')).toBeNull();
  });
});

import { commit, createFleet, moveTag, type Fleet } from '@canon/testkit';
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutTag, readCheckoutHead } from './checkout.js';
import { hasRepositoryDir } from './internal/local-repo.js';
import { MirrorSyncError } from './errors.js';

describe('checkoutTag', () => {
  let fleet: Fleet;
  let scratch: string;
  beforeAll(async () => {
    fleet = await createFleet({
      recipes: [
        { name: 'app', releases: ['1.0.0+1', { version: '1.1.0+1', annotated: false }] },
        { name: 'packed', releases: ['1.0.0+1', '1.1.0+1'] },
      ],
      presynced: true,
    });
    scratch = await mkdtemp(join(tmpdir(), 'canon-checkout-'));
  });
  afterAll(async () => {
    await fleet.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const head = async (dir: string) =>
    String((await execa('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout);

  it('checks out an annotated tag detached at its peeled commit, then another tag in the same dir, cleanly', async () => {
    const app = fleet.recipe('app');
    const [v100, v110] = app.upstream.tags;
    const dir = join(scratch, 'app');
    const before = fleet.server.requests.count;
    expect(
      await checkoutTag({ url: app.mirrorUrl, tag: '1.0.0+1', commit: v100?.commit ?? '', dir }),
    ).toEqual({ dir, commit: v100?.commit });
    // The refs come with the first answer (protocol v0), the pack with the second.
    expect(fleet.server.requests.count - before).toBe(2);
    await expect(stat(join(dir, '.git', 'hooks'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(dir, 'VERSION'), 'utf8')).toBe('1.0.0+1\n');
    expect(
      String(
        (await execa('git', ['symbolic-ref', '-q', 'HEAD'], { cwd: dir, reject: false })).exitCode,
      ),
    ).toBe('1');

    await writeFile(join(dir, 'leftover.log'), 'from the last test run\n');
    await writeFile(join(dir, 'VERSION'), 'edited by a test\n');
    await checkoutTag({ url: app.mirrorUrl, tag: '1.1.0+1', commit: v110?.commit ?? '', dir });
    expect(await head(dir)).toBe(v110?.commit);
    expect(await readFile(join(dir, 'VERSION'), 'utf8')).toBe('1.1.0+1\n');
    await expect(stat(join(dir, 'leftover.log'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(String((await execa('git', ['status', '--porcelain'], { cwd: dir })).stdout)).toBe('');
  });

  it('refuses a tag that no longer points at the decided commit, leaving the checkout alone', async () => {
    const app = fleet.recipe('app');
    const dir = join(scratch, 'moved');
    const [v100] = app.upstream.tags;
    await checkoutTag({ url: app.mirrorUrl, tag: '1.0.0+1', commit: v100?.commit ?? '', dir });
    const moved = await commit(app.mirror, { files: { VERSION: 'sneaky\n' } });
    await moveTag(app.mirror, '1.0.0+1', moved);
    const error = await checkoutTag({
      url: app.mirrorUrl,
      tag: '1.0.0+1',
      commit: v100?.commit ?? '',
      dir,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MirrorSyncError);
    expect(error).toMatchObject({ code: 'TAG_MOVED', stage: 'checkout' });
    expect(await head(dir)).toBe(v100?.commit);
  });

  it('names the stage and the missing tag when the fetch fails', async () => {
    const app = fleet.recipe('app');
    const error = await checkoutTag({
      url: app.mirrorUrl,
      tag: '9.9.9',
      commit: app.upstream.main,
      dir: join(scratch, 'none'),
      recipe: 'app',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'MirrorSyncError',
      stage: 'checkout',
      code: 'FETCH_FAILED',
      data: { recipe: 'app' },
    });
    await expect(
      checkoutTag({ url: 'ext::sh', tag: 'x', commit: app.upstream.main, dir: scratch }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('removes what a directory without a repository held, and reads tags and HEAD git has packed', async () => {
    const packed = fleet.recipe('packed');
    const [v100, v110] = packed.upstream.tags;
    const dir = join(scratch, 'packed');
    await mkdir(dir);
    await writeFile(join(dir, 'stray.txt'), 'not from the tag\n');
    await checkoutTag({ url: packed.mirrorUrl, tag: '1.1.0+1', commit: v110?.commit ?? '', dir });
    await expect(stat(join(dir, 'stray.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(String((await execa('git', ['status', '--porcelain', '--ignored'], { cwd: dir })).stdout)).toBe('');

    // Packed refs and objects are git's to read: the same tag again, then the tag moved to a packed commit.
    await checkoutTag({ url: packed.mirrorUrl, tag: '1.0.0+1', commit: v100?.commit ?? '', dir });
    await execa('git', ['gc', '--quiet', '--prune=now'], { cwd: dir });
    await expect(stat(join(dir, '.git', 'refs', 'tags', '1.0.0+1'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await checkoutTag({ url: packed.mirrorUrl, tag: '1.0.0+1', commit: v100?.commit ?? '', dir })).toEqual({ dir, commit: v100?.commit });
    await moveTag(packed.mirror, '1.1.0+1', v100?.commit ?? '');
    await expect(checkoutTag({ url: packed.mirrorUrl, tag: '1.1.0+1', commit: v110?.commit ?? '', dir })).rejects.toMatchObject({ code: 'TAG_MOVED' });
    expect(await head(dir)).toBe(v100?.commit);
  });

  it('reads HEAD: detached from its file, on a branch through git, null outside a repository', async () => {
    const app = fleet.recipe('app');
    const [, v110] = app.upstream.tags;
    const dir = join(scratch, 'head');
    await checkoutTag({ url: app.mirrorUrl, tag: '1.1.0+1', commit: v110?.commit ?? '', dir });
    expect(await readCheckoutHead(dir)).toBe(v110?.commit);
    await execa('git', ['checkout', '--quiet', '-b', 'moved-by-a-test'], { cwd: dir });
    expect(await readFile(join(dir, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/moved-by-a-test\n');
    expect(await readCheckoutHead(dir)).toBe(v110?.commit);
    expect(await hasRepositoryDir(dir)).toBe(true);
    await rm(join(dir, '.git'), { recursive: true });
    expect(await readCheckoutHead(dir)).toBeNull();
    await mkdir(join(dir, '.git'));
    expect(await hasRepositoryDir(dir)).toBe(false);
    expect(await hasRepositoryDir(join(scratch, 'never-made'))).toBe(false);
  });
});

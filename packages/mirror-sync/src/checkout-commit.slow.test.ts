import { commit, createFleet, moveTag, setRef, type Fleet } from '@canon/testkit';
import { execa } from 'execa';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutCommit } from './checkout-commit.js';
import { MirrorSyncError } from './errors.js';

describe('checkoutCommit', () => {
  let fleet: Fleet;
  let scratch: string;
  beforeAll(async () => {
    fleet = await createFleet({
      recipes: [
        { name: 'app', releases: ['1.0.0+1', '1.1.0+1'] },
        { name: 'gone', releases: ['1.0.0+1', '1.1.0+1'] },
      ],
      presynced: true,
    });
    scratch = await mkdtemp(join(tmpdir(), 'canon-checkout-commit-'));
  });
  afterAll(async () => {
    await fleet.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const git = async (args: string[], cwd: string) => String((await execa('git', args, { cwd })).stdout);
  const head = (dir: string) => git(['rev-parse', 'HEAD'], dir);

  it('checks out the recorded commit exactly after its tag moved to another commit, cleaning leftovers', async () => {
    const app = fleet.recipe('app');
    const [v100, v110] = app.upstream.tags;
    const recorded = v100?.commit ?? '';
    await moveTag(app.mirror, '1.0.0+1', v110?.commit ?? '');
    const dir = join(scratch, 'app');
    expect(await checkoutCommit({ url: app.mirrorUrl, commit: v110?.commit ?? '', dir, recipe: 'app' })).toEqual({ dir, commit: v110?.commit });
    await writeFile(join(dir, 'leftover.log'), 'from the last test run\n');
    await writeFile(join(dir, 'VERSION'), 'edited by a test\n');

    expect(await checkoutCommit({ url: app.mirrorUrl, commit: recorded, dir, recipe: 'app' })).toEqual({ dir, commit: recorded });
    expect(await head(dir)).toBe(recorded);
    expect(await readFile(join(dir, 'VERSION'), 'utf8')).toBe('1.0.0+1\n');
    await expect(stat(join(dir, 'leftover.log'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await git(['status', '--porcelain'], dir)).toBe('');
    expect((await execa('git', ['symbolic-ref', '-q', 'HEAD'], { cwd: dir, reject: false })).exitCode).toBe(1);
  });

  it('refuses a commit no mirror ref reaches any more (force-pushed away, gc\'d), leaving the checkout as it was', async () => {
    const gone = fleet.recipe('gone');
    const [v100, v110] = gone.upstream.tags;
    const dir = join(scratch, 'gone');
    await checkoutCommit({ url: gone.mirrorUrl, commit: v100?.commit ?? '', dir, recipe: 'gone' });
    const dropped = v110?.commit ?? '';
    // History rewritten on the mirror: main and the tag point at a new commit, the old one is pruned.
    const rewritten = await commit(gone.mirror, { parents: [v100?.commit ?? ''], files: { VERSION: '1.1.0+1\n' }, message: 'rewritten' });
    await moveTag(gone.mirror, '1.1.0+1', rewritten);
    await setRef(gone.mirror, 'refs/heads/main', rewritten);
    await execa('git', ['--git-dir', gone.mirror.path, 'reflog', 'expire', '--expire=now', '--all']);
    await execa('git', ['--git-dir', gone.mirror.path, 'gc', '--quiet', '--prune=now']);
    expect((await execa('git', ['--git-dir', gone.mirror.path, 'cat-file', '-e', dropped], { reject: false })).exitCode).not.toBe(0);

    const error = await checkoutCommit({ url: gone.mirrorUrl, commit: dropped, dir, recipe: 'gone' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MirrorSyncError);
    expect(error).toMatchObject({ code: 'COMMIT_UNREACHABLE', stage: 'checkout', data: { recipe: 'gone' } });
    expect((error as Error).message).toContain(dropped);
    expect(await head(dir)).toBe(v100?.commit);
    expect(await readFile(join(dir, 'VERSION'), 'utf8')).toBe('1.0.0+1\n');
  });

  it('refuses an oid that never existed, and bad options before touching anything', async () => {
    const app = fleet.recipe('app');
    const never = 'f'.repeat(40);
    await expect(checkoutCommit({ url: app.mirrorUrl, commit: never, dir: join(scratch, 'never') })).rejects.toMatchObject({ code: 'COMMIT_UNREACHABLE' });
    await expect(checkoutCommit({ url: app.mirrorUrl, commit: 'abc123', dir: join(scratch, 'short') })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(stat(join(scratch, 'short'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(checkoutCommit({ url: 'ext::sh', commit: never, dir: join(scratch, 'ext') })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});

import { createFleet, readRefs, tag, type Fleet } from '@canon/testkit';
import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutTag } from './checkout.js';
import { syncMirror } from './sync.js';

// Valid git ref names that would run a command or become an option if they ever reached
// a shell or git's option parser.
const HOSTILE = [
  '--upload-pack=touch${IFS}pwned-1',
  '$(touch${IFS}pwned-2)',
  ';touch${IFS}pwned-3;',
  '`touch${IFS}pwned-4`',
  '-c',
];

async function findPwned(dirs: string[]): Promise<string[]> {
  const found = await execa('find', [...dirs, '-name', 'pwned*'], { reject: false });
  return String(found.stdout).split('\n').filter(Boolean);
}

describe('hostile tag names', () => {
  let fleet: Fleet;
  let workDir: string;
  beforeAll(async () => {
    fleet = await createFleet({ recipes: ['evil'], presynced: true });
    workDir = await mkdtemp(join(tmpdir(), 'canon-mirror-sync-hostile-'));
    const evil = fleet.recipe('evil');
    for (const [i, name] of HOSTILE.entries())
      await tag(evil.upstream, name, 'main', { annotated: i % 2 === 0 });
  });
  afterAll(async () => {
    await fleet.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('are mirrored byte for byte and never reach a shell or option parser', async () => {
    const evil = fleet.recipe('evil');
    const result = await syncMirror({
      recipe: 'evil',
      upstream: evil.upstreamUrl,
      mirror: evil.mirrorUrl,
      branch: 'HEAD',
      workDir,
    });
    expect([...result.pushedTags].sort()).toEqual([...HOSTILE].sort());
    const upstream = (await readRefs(evil.upstream)).refs;
    const mirror = (await readRefs(evil.mirror)).refs;
    for (const name of HOSTILE)
      expect(mirror[`refs/tags/${name}`]).toBe(upstream[`refs/tags/${name}`]);
    expect(await findPwned([workDir, fleet.root, process.cwd()])).toEqual([]);
  });

  it('can be checked out safely', async () => {
    const evil = fleet.recipe('evil');
    const name = HOSTILE[1] ?? '';
    const dir = join(workDir, 'checkout');
    const out = await checkoutTag({
      url: evil.mirrorUrl,
      tag: name,
      commit: evil.upstream.main,
      dir,
    });
    expect(out.commit).toBe(evil.upstream.main);
    expect(await readFile(join(dir, 'VERSION'), 'utf8')).toBe('0.2.0+1.1.0\n');
    expect(await findPwned([workDir, fleet.root, process.cwd()])).toEqual([]);
  });
});

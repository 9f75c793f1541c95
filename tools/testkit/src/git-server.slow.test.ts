import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleet, type Fleet } from './fleet.js';
import { commit, readRefs, revParse } from './repos.js';

const gitEnv = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
const git = (args: string[], opts: { cwd?: string; timeout?: number } = {}) =>
  execa('git', args, { env: gitEnv, reject: false, ...opts });

describe('startGitServer', () => {
  let fleet: Fleet;
  let scratch: string;
  beforeAll(async () => {
    fleet = await createFleet({ recipes: ['alpha', 'beta'], presynced: true });
    scratch = await mkdtemp(join(tmpdir(), 'canon-testkit-scratch-'));
  });
  afterAll(async () => {
    await fleet.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('serves refs over protocol v2 and v0 and counts every request', async () => {
    const alpha = fleet.recipe('alpha');
    fleet.server.resetCounters();
    const v2 = await git(['-c', 'protocol.version=2', 'ls-remote', alpha.upstreamUrl]);
    expect(v2.exitCode).toBe(0);
    expect(v2.stdout).toContain(`${alpha.upstream.main}\trefs/heads/main`);
    expect(v2.stdout).toContain('refs/tags/0.2.0+1.1.0^{}');
    const v2Requests = fleet.server.requests.forRepo('upstream/alpha');
    expect(v2Requests.map((r) => r.protocol)).toEqual(['v2', 'v2']);

    fleet.server.resetCounters();
    const v0 = await git(['-c', 'protocol.version=0', 'ls-remote', alpha.upstreamUrl]);
    expect(v0.stdout).toBe(v2.stdout);
    expect(fleet.server.requests.count).toBe(1);
    expect(fleet.server.requests.log[0]).toMatchObject({
      repo: 'upstream/alpha.git',
      service: 'git-upload-pack',
      protocol: 'v0',
      status: 200,
    });
  });

  it('clones, and accepts pushes that land in the bare repository', async () => {
    const beta = fleet.recipe('beta');
    const work = join(scratch, 'beta');
    expect((await git(['clone', '--quiet', beta.mirrorUrl, work])).exitCode).toBe(0);
    const local = { name: 'work', path: join(work, '.git') };
    const oid = await commit(local, {
      files: { 'NEW.md': 'pushed\n' },
      message: 'pushed over http',
    });
    const push = await git(['push', '--quiet', 'origin', 'main:refs/heads/feature'], { cwd: work });
    expect(push.stderr).toBe('');
    expect((await readRefs(beta.mirror)).refs['refs/heads/feature']).toBe(oid);
    expect(
      fleet.server.requests
        .forRepo(beta.mirror.name)
        .some((r) => r.service === 'git-receive-pack' && r.status === 200),
    ).toBe(true);
  });

  it('answers 503 for an outage and leaves hanging requests open until the client gives up', async () => {
    const alpha = fleet.recipe('alpha');
    fleet.server.setFault(alpha.upstream.name, 'outage');
    const down = await git(['ls-remote', alpha.upstreamUrl]);
    expect(down.exitCode).not.toBe(0);
    expect(down.stderr).toContain('503');

    fleet.server.setFault('upstream/alpha', 'hang');
    const started = Date.now();
    // Own process group: killing only git would leave git-remote-http holding the pipe.
    const hung = execa('git', ['ls-remote', alpha.upstreamUrl], {
      env: gitEnv,
      reject: false,
      detached: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hung.exitCode).toBeNull();
    process.kill(-(hung.pid ?? 0), 'SIGKILL');
    expect((await hung).signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fleet.server.requests.forRepo('upstream/alpha').at(-1)?.status).toBeNull();

    fleet.server.setFault('upstream/alpha', null);
    expect((await git(['ls-remote', alpha.upstreamUrl])).exitCode).toBe(0);
  });

  it('requires a token for a protected repository and never logs it', async () => {
    const beta = fleet.recipe('beta');
    fleet.server.requireToken(beta.mirror.name, 's3cret-token');
    const anonymous = await git(['ls-remote', beta.mirrorUrl]);
    expect(anonymous.exitCode).not.toBe(0);
    const withHeader = await git([
      '-c',
      'http.extraHeader=Authorization: Bearer s3cret-token',
      'ls-remote',
      beta.mirrorUrl,
    ]);
    expect(withHeader.exitCode).toBe(0);
    expect(withHeader.stdout).toContain(await revParse(beta.mirror, 'main'));
    expect(JSON.stringify(fleet.server.requests.log)).not.toContain('s3cret');
    fleet.server.requireToken(beta.mirror.name, null);
  });
});

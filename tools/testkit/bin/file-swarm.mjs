// The file-backed swarm behind `fake-abra` when FAKE_SWARM_DIR is set: what is deployed and the
// volumes live as files, so separate processes (cc-ci's runner stand-in, canon, the test) share it.
//   stacks/<domain>.json           {version, mode, deployedAt}: present while deployed
//   volumes/<domain>/<volume>/...  the app's data; kept by undeploy, removed by teardown
//   setup/<domain>.json            the test's faults (WarmDomainSetup of warm-host.ts)
//   events.jsonl                   one line per operation
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const readJson = (path, fallback) =>
  existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : fallback;

function writeJson(path, value) {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, JSON.stringify(value) + '\n');
  renameSync(temp, path);
}

/** The volume a deploy creates for `domain` (named like abra's `<stack>_data`). */
export const volumeName = (domain) => `${domain.replaceAll('.', '_')}_data`;

export function operateOnFiles(swarmDir, op, domain, version, mode) {
  for (const sub of ['stacks', 'volumes', 'setup'])
    mkdirSync(join(swarmDir, sub), { recursive: true });
  const stackFile = join(swarmDir, 'stacks', `${domain}.json`);
  const volumesDir = join(swarmDir, 'volumes', domain);
  const setup = readJson(join(swarmDir, 'setup', `${domain}.json`), {});
  const stack = readJson(stackFile, null);
  const fault =
    setup.faults?.[op] ??
    (op === 'deploy' && version !== null && setup.failDeployVersions?.includes(version)
      ? 'fail'
      : undefined);
  const event = (outcome) =>
    appendFileSync(
      join(swarmDir, 'events.jsonl'),
      JSON.stringify({ op, domain, version, mode, outcome, at: new Date().toISOString() }) + '\n',
    );
  const reply = (exit, stdout, stderr = '') => ({ exit, stdout, stderr, hang: null });
  if (fault === 'hang' || fault === 'hang-tree') {
    event('hung');
    return {
      exit: 0,
      stdout: '',
      stderr: `${op} ${domain}: waiting for the swarm...\n`,
      hang: fault,
    };
  }
  if (fault === 'fail') {
    event('failed');
    return reply(1, '', `FATA ${op} ${domain}: simulated failure\n`);
  }
  event('ok');
  switch (op) {
    case 'deploy': {
      const volume = join(volumesDir, volumeName(domain));
      mkdirSync(volume, { recursive: true });
      writeFileSync(join(volume, 'deployed-version'), `${version ?? ''}\n`);
      writeJson(stackFile, { version, mode, deployedAt: new Date().toISOString() });
      return reply(0, `deployed ${domain} ${version ?? ''}\n`);
    }
    case 'undeploy':
    case 'park':
      rmSync(stackFile, { force: true });
      return reply(0, `undeployed ${domain} (volumes kept)\n`);
    case 'teardown':
      rmSync(stackFile, { force: true });
      rmSync(volumesDir, { recursive: true, force: true });
      return reply(0, `removed ${domain} and its volumes\n`);
    case 'verify':
      if (stack === null && setup.verifyOutput === undefined)
        return reply(1, '', `${domain} is not deployed\n`);
      return reply(0, `${setup.verifyOutput ?? stack.version}\n`);
    case 'ps': {
      // Stands in for "services converged and HTTPS / answers": the runner's health check.
      if (stack === null) return reply(1, '', `${domain} is not deployed\n`);
      const unhealthy =
        setup.unhealthyVersions?.includes(stack.version) ||
        setup.fallbackVersions?.includes(stack.version);
      return unhealthy
        ? reply(1, '', `${domain} ${stack.version}: unhealthy\n`)
        : reply(0, `${domain} ${stack.version} healthy\n`);
    }
    case 'snapshot':
      return reply(0, `snapshot of ${domain} saved\n`);
    case 'volume-size':
      return reply(0, `${setup.volumeBytes ?? 1048576}\n`);
    default:
      return reply(2, '', `fake-abra: unknown operation ${op}\n`);
  }
}

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WarmDomainSetup, WarmEvent } from '../warm-host.js';

/** One operation `fake-abra` performed on the file-backed swarm (`ps` is the runner's health probe). */
export type SwarmEvent = Omit<WarmEvent, 'op'> & { op: WarmEvent['op'] | 'ps' };

export type SwarmDomainState = {
  /** The deployed version, or null when nothing is deployed. */
  deployed: string | null;
  /** Volume names present (kept by undeploy, removed by teardown). */
  volumes: string[];
};

/**
 * The test's view of the file-backed swarm behind `fake-abra` with `FAKE_SWARM_DIR` (layout in
 * `bin/file-swarm.mjs`): what is deployed, its volumes, the events, and per-domain faults.
 */
export interface FileSwarm {
  readonly dir: string;
  state(domain: string): SwarmDomainState;
  events(domain?: string): SwarmEvent[];
  /** Faults as for the warm host: `faults`, `failDeployVersions`, `unhealthyVersions`, `verifyOutput`, `volumeBytes`. */
  configure(domain: string, setup: WarmDomainSetup): void;
  /** Pretends `version` is deployed (with a volume), or nothing when null (volumes kept). */
  setDeployed(domain: string, version: string | null): void;
}

export function openFileSwarm(dir: string): FileSwarm {
  for (const sub of ['stacks', 'volumes', 'setup']) mkdirSync(join(dir, sub), { recursive: true });
  const stackFile = (domain: string) => join(dir, 'stacks', `${domain}.json`);
  const setupFile = (domain: string) => join(dir, 'setup', `${domain}.json`);
  const readJson = <T>(path: string, fallback: T): T =>
    existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback;
  return {
    dir,
    state(domain) {
      const stack = readJson<{ version: string } | null>(stackFile(domain), null);
      const volumesDir = join(dir, 'volumes', domain);
      return {
        deployed: stack?.version ?? null,
        volumes: existsSync(volumesDir) ? readdirSync(volumesDir).sort() : [],
      };
    },
    events(domain) {
      const path = join(dir, 'events.jsonl');
      const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
      return lines
        .map((line) => JSON.parse(line) as SwarmEvent)
        .filter((e) => domain === undefined || e.domain === domain);
    },
    configure(domain, setup) {
      writeFileSync(
        setupFile(domain),
        JSON.stringify({ ...readJson(setupFile(domain), {}), ...setup }),
      );
    },
    setDeployed(domain, version) {
      if (version === null) {
        rmSync(stackFile(domain), { force: true });
        return;
      }
      const volume = join(dir, 'volumes', domain, `${domain.replaceAll('.', '_')}_data`);
      mkdirSync(volume, { recursive: true });
      writeFileSync(join(volume, 'deployed-version'), `${version}\n`);
      writeFileSync(
        stackFile(domain),
        JSON.stringify({ version, mode: null, deployedAt: new Date().toISOString() }),
      );
    },
  };
}

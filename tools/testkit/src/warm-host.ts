import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * What `bin/fake-abra.mjs` can be asked to do; `teardown` and `park` are undeploys told apart in the event log.
 * `backup` saves the domain's volumes (its `backups` grow by the deployed version), `restore` brings the last one back.
 */
export type WarmOp = 'deploy' | 'undeploy' | 'teardown' | 'park' | 'verify' | 'snapshot' | 'volume-size' | 'backup' | 'restore';

/** `hang-tree`: hang with a grandchild, both ignoring SIGTERM (only a group SIGKILL ends them). */
export type WarmFault = 'fail' | 'hang' | 'hang-tree';

export type WarmDomainSetup = {
  faults?: Partial<Record<WarmOp, WarmFault>>;
  /** Deploying one of these versions fails (exit 1) and leaves the domain as it was. */
  failDeployVersions?: string[];
  /** When one of these versions is deployed, the domain answers 503. */
  unhealthyVersions?: string[];
  /** When one of these versions is deployed, the domain answers 200 with a proxy's "404 page not found" page. */
  fallbackVersions?: string[];
  /** `verify` prints this instead of the deployed version. */
  verifyOutput?: string;
  /** What `volume-size` prints (default 1048576). */
  volumeBytes?: number | string;
};

export type WarmDomainState = { deployed: string | null; mode: string | null; volumes: boolean; snapshots: string[]; backups: string[]; restored: number };

export type WarmEvent = {
  op: WarmOp;
  domain: string;
  version: string | null;
  mode: string | null;
  outcome: 'ok' | 'failed' | 'hung';
  at: string;
};

export interface WarmHost {
  /** `http://127.0.0.1:PORT`; give it to fake-abra as `WARM_HOST_URL`. */
  readonly url: string;
  /** Absolute path of the executable `fake-abra` stand-in: `fake-abra <op> <domain> [version]`. */
  readonly fakeAbra: string;
  /** Absolute path of an executable that hangs with a grandchild, both ignoring SIGTERM. */
  readonly hangTree: string;
  /** The URL health checks poll for `domain`, e.g. to use as `"http://127.0.0.1:PORT/{domain}/"`. */
  healthUrl(domain: string): string;
  /** A health URL template with the `{domain}` placeholder left in. */
  readonly healthUrlTemplate: string;
  configure(domain: string, setup: WarmDomainSetup): void;
  /** Pretends `version` is already deployed (a warm canonical from before the test). */
  setDeployed(domain: string, version: string | null): void;
  state(domain: string): WarmDomainState;
  events(domain?: string): WarmEvent[];
  close(): Promise<void>;
}

const binPath = (name: string) => fileURLToPath(new URL(`../bin/${name}`, import.meta.url));

/** `fake-abra <op> <domain> [version]`, talking to the warm host named by WARM_HOST_URL. */
export const FAKE_ABRA_PATH = binPath('fake-abra.mjs');
/** Hangs with a grandchild, both ignoring SIGTERM; `hang-tree [pidFile]` also appends their pids to pidFile. */
export const HANG_TREE_PATH = binPath('hang-tree.mjs');

type Reply = { exit: number; stdout: string; stderr: string; hang: 'hang' | 'hang-tree' | null };

/**
 * A loopback stand-in for a warm Docker Swarm host: each domain's deployed version and health
 * live here, `GET /<domain>/` answers like the app behind the proxy would, and the fake-abra
 * script changes the state over `POST /_warm/<op>`.
 */
export async function startWarmHost(): Promise<WarmHost> {
  const states = new Map<string, WarmDomainState>();
  const setups = new Map<string, WarmDomainSetup>();
  const events: WarmEvent[] = [];
  const stateOf = (domain: string): WarmDomainState => {
    let s = states.get(domain);
    if (s === undefined) {
      s = { deployed: null, mode: null, volumes: false, snapshots: [], backups: [], restored: 0 };
      states.set(domain, s);
    }
    return s;
  };

  const operate = (op: WarmOp, domain: string, version: string | null, mode: string | null): Reply => {
    const setup = setups.get(domain) ?? {};
    const state = stateOf(domain);
    const fault = setup.faults?.[op] ?? (op === 'deploy' && version !== null && setup.failDeployVersions?.includes(version) ? 'fail' : undefined);
    const event = (outcome: WarmEvent['outcome']) => events.push({ op, domain, version, mode, outcome, at: new Date().toISOString() });
    if (fault === 'hang' || fault === 'hang-tree') {
      event('hung');
      return { exit: 0, stdout: '', stderr: `${op} ${domain}: waiting for the swarm...\n`, hang: fault };
    }
    if (fault === 'fail') {
      event('failed');
      return { exit: 1, stdout: '', stderr: `FATA ${op} ${domain}: simulated failure\n`, hang: null };
    }
    event('ok');
    switch (op) {
      case 'deploy':
        Object.assign(state, { deployed: version, mode, volumes: true });
        return { exit: 0, stdout: `deployed ${domain} ${version ?? ''}\n`, stderr: '', hang: null };
      case 'undeploy':
      case 'park':
        state.deployed = null;
        return { exit: 0, stdout: `undeployed ${domain} (volumes kept)\n`, stderr: '', hang: null };
      case 'teardown':
        Object.assign(state, { deployed: null, volumes: false });
        return { exit: 0, stdout: `removed ${domain} and its volumes\n`, stderr: '', hang: null };
      case 'verify':
        if (state.deployed === null && setup.verifyOutput === undefined) {
          return { exit: 1, stdout: '', stderr: `${domain} is not deployed\n`, hang: null };
        }
        return { exit: 0, stdout: `${setup.verifyOutput ?? state.deployed}\n`, stderr: '', hang: null };
      case 'snapshot':
        state.snapshots.push(version ?? state.deployed ?? '');
        return { exit: 0, stdout: `snapshot of ${domain} saved\n`, stderr: '', hang: null };
      case 'backup':
        state.backups.push(state.deployed ?? '');
        return { exit: 0, stdout: `backed up ${domain}\n`, stderr: '', hang: null };
      case 'restore':
        if (state.backups.length === 0) return { exit: 1, stdout: '', stderr: `${domain}: no backup to restore\n`, hang: null };
        state.restored += 1;
        return { exit: 0, stdout: `restored ${domain} from its last backup\n`, stderr: '', hang: null };
      case 'volume-size':
        return { exit: 0, stdout: `${setup.volumeBytes ?? 1048576}\n`, stderr: '', hang: null };
    }
  };

  const serveApp = (domain: string, res: ServerResponse) => {
    const state = stateOf(domain);
    const setup = setups.get(domain) ?? {};
    const deployed = state.deployed;
    if (deployed === null || setup.fallbackVersions?.includes(deployed) === true) {
      res.writeHead(deployed === null ? 404 : 200, { 'content-type': 'text/plain' }).end('404 page not found\n');
    } else if (setup.unhealthyVersions?.includes(deployed) === true) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable\n');
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>${domain} running ${deployed}</body></html>\n`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://warm.invalid');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (parts[0] === '_warm' && req.method === 'POST' && parts.length === 2) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { domain: string; version?: string; mode?: string };
      const reply = operate(parts[1] as WarmOp, body.domain, body.version ?? null, body.mode ?? null);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    } else if (parts[0] === '_warm' && parts[1] === 'state' && parts[2] !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stateOf(parts[2])));
    } else if (parts[0] !== undefined && parts[0] !== '_warm') {
      serveApp(parts[0], res);
    } else {
      res.writeHead(404).end();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`warm host: ${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    fakeAbra: FAKE_ABRA_PATH,
    hangTree: HANG_TREE_PATH,
    healthUrl: (domain) => `${url}/${domain}/`,
    healthUrlTemplate: `${url}/{domain}/`,
    configure: (domain, setup) => setups.set(domain, { ...setups.get(domain), ...setup }),
    setDeployed: (domain, version) => {
      Object.assign(stateOf(domain), { deployed: version, volumes: version !== null });
    },
    state: (domain) => structuredClone(stateOf(domain)),
    events: (domain) => events.filter((e) => domain === undefined || e.domain === domain).map((e) => ({ ...e })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

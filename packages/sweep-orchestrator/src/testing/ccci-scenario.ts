import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCcciHost, createFleet, type CcciHost, type CcciRecipeBehaviour, type Fleet, type FleetRecipeSpec } from '@canon/testkit';
import type { RunRecord } from '@canon/warm-registry';
import { configJsonSchema } from '../config/index.js';
import { CLI, must, type CanonResult } from './e2e-harness.js';

/** docs/cc-ci.md: the config a cc-ci host runs, which the e2e tests load so the page cannot rot. */
export const CCCI_DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'cc-ci.md');

/** The ```json block after `<!-- cc-ci-config -->` in docs/cc-ci.md, as text. */
export function ccciDocConfigText(): string {
  const docs = readFileSync(CCCI_DOC, 'utf8');
  return must(/<!-- cc-ci-config -->\n```json\n([\s\S]*?)\n```/.exec(docs)?.[1], 'the cc-ci config block in docs/cc-ci.md');
}

type Json = Record<string, unknown>;
type SchemaNode = { type?: string | string[]; properties?: Record<string, SchemaNode>; additionalProperties?: SchemaNode | boolean; anyOf?: SchemaNode[] };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The doc's config holds keys other parts of canon bring (tiers, hold, promote.mode, locks,
 * backup, restore, health.also, test.revision). Until the loader knows a key, it is dropped here,
 * and only then: a key the schema has is always loaded and checked as the doc writes it.
 */
export function dropKeysOutsideSchema(value: unknown, node: SchemaNode, path: string, dropped: string[]): unknown {
  const objectNode = node.properties !== undefined || isObject(node.additionalProperties) ? node : node.anyOf?.find((n) => n.properties !== undefined || isObject(n.additionalProperties));
  if (!isObject(value) || objectNode === undefined) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    const childNode = objectNode.properties?.[key] ?? (isObject(objectNode.additionalProperties) ? objectNode.additionalProperties : undefined);
    if (childNode === undefined) dropped.push(`${path}${key}`);
    else out[key] = dropKeysOutsideSchema(child, childNode, `${path}${key}.`, dropped);
  }
  return out;
}

export type CcciScenario = {
  dir: string;
  fleet: Fleet;
  host: CcciHost;
  stateDir: string;
  configPath: string;
  /** Keys of the doc's config the loader does not know yet (dropped). */
  dropped: string[];
  /** The doc's config with the stand-in's paths, its recipes plus `extraRecipes` (`{}` each). */
  writeConfig(extraRecipes: readonly string[]): Promise<Json>;
  canon(args: string[], opts?: { env?: NodeJS.ProcessEnv }): Promise<CanonResult>;
  latestRun(): Promise<RunRecord>;
  /** The recipe directories in the ci-warm registry. */
  registryDirs(): string[];
  close(): Promise<void>;
};

/** A fleet on a loopback git server, its forge stand-in, and a cc-ci host stand-in, configured from docs/cc-ci.md. */
export async function createCcciScenario(opts: { recipes: readonly FleetRecipeSpec[]; behaviour: Record<string, CcciRecipeBehaviour> }): Promise<CcciScenario> {
  const dir = await mkdtemp(join(tmpdir(), 'canon-ccci-e2e-'));
  const fleet = await createFleet({ recipes: opts.recipes, presynced: true, forge: true });
  const host = await createCcciHost({ recipes: opts.behaviour });
  const stateDir = join(dir, 'state');
  const configPath = join(dir, 'canon.config.json');
  const tokenFile = join(dir, 'forge-token');
  await mkdir(stateDir);
  const forge = must(fleet.forge, 'the forge stand-in');
  await writeFile(tokenFile, `${forge.token}\n`);
  const base = fleet.server.baseUrl;
  // The live tier's health URLs (traefik, keycloak) answer from loopback, as the running services do:
  // a probe must never leave this machine.
  const health = await startHealthyServer();
  // Longest first: the mirror and upstream URLs contain the forge URL.
  const substitutions: [string, string][] = [
    ['https://git.coopcloud.tech/coop-cloud/{recipe}.git', `${base}/upstream/{recipe}.git`],
    ['https://git.coopcloud.tech/ci-mirrors/{recipe}.git', `${base}/ci-mirrors/{recipe}.git`],
    ['"https://git.coopcloud.tech"', JSON.stringify(forge.url)],
    ['/run/secrets/canon-forge-token', tokenFile],
    ['/var/lib/ci-warm', host.warmRoot],
    ['/var/lib/canon', stateDir],
    ['/var/cache/canon', join(dir, 'work')],
    ['/etc/cc-ci', host.ccciRepo],
    ['/root/.abra', join(host.home, '.abra')],
    ['/run/lock', host.lockDir],
    ['"cc-ci-run"', JSON.stringify(host.ccciRun)],
    ['https://{domain}/', `${health.url}/{domain}/`],
  ];
  let text = ccciDocConfigText();
  for (const [from, to] of substitutions) text = text.replaceAll(from, to);
  const dropped: string[] = [];
  const docConfig = dropKeysOutsideSchema(JSON.parse(text), configJsonSchema() as SchemaNode, '', dropped) as Json;

  return {
    dir, fleet, host, stateDir, configPath, dropped,
    async writeConfig(extraRecipes) {
      const recipes = { ...(docConfig.recipes as Json), ...Object.fromEntries(extraRecipes.map((r) => [r, {}])) };
      const config = { ...docConfig, recipes };
      await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
      return config;
    },
    canon(args, opts = {}) {
      // The sweep's cold runs must never see REF or CCCI_QUICK; this process's environment has neither to give.
      const { REF: _ref, CCCI_QUICK: _quick, ...env } = process.env;
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: dir, env: { ...env, NO_COLOR: '1', CANON_CONFIG: configPath, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      const t0 = performance.now();
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      return new Promise<CanonResult>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
        });
      });
    },
    async latestRun() {
      return JSON.parse(await readFile(join(stateDir, 'runs', 'latest.json'), 'utf8')) as RunRecord;
    },
    registryDirs: () => (existsSync(host.warmRoot) ? readdirSync(host.warmRoot).sort() : []),
    async close() {
      await new Promise<void>((resolve) => health.server.close(() => resolve()));
      await host.close();
      await fleet.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback server answering 200 to every path: the already-running live services. */
async function startHealthyServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the health stand-in has no port');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

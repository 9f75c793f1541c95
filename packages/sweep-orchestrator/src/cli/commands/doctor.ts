import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { listRemoteRefs, redactUrl } from '@canon/mirror-sync';
import { checkPrograms, checkRelativePrograms, REQUIRED_PROGRAMS, splitPath, verifyUnits } from '@canon/timer-units';
import {
  createLimiter,
  forgeChecks,
  loadConfig,
  lockDirChecks,
  mirrorAuth,
  openConfiguredRegistry,
  programsOf,
  registryChecks,
  testCwdChecks,
  testPathChecks,
  type DoctorCheck as Check,
  type ResolvedConfig,
} from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, jsonFlag } from '../flags.js';
import { unitsExpected } from '../units-expected.js';

/** Everything a sweep needs, checked without changing anything but a probe file in stateDir. */
export const command = defineCommand({
  usage: 'canon doctor [--units DIR] [--offline] [--json] [--config F]',
  flags: {
    units: { type: 'string', placeholder: 'DIR', description: 'also verify the installed units in DIR, as `canon units verify DIR` does' },
    offline: {
      type: 'boolean',
      description: 'check only what needs no network and no state dir (config, enrolled set, programs), as a Nix build sandbox can',
    },
    ...jsonFlag,
    ...configFlag,
  },
  positionals: [],
  examples: ['canon doctor --units /etc/systemd/system', 'canon doctor --json'],
  notes: ['Writes nothing but a probe file in stateDir. Exit: 0 every check passed · 1 a check failed.'],
  async run(ctx) {
    const config = await loadConfig(configOptions(ctx));
    const checks: Check[] = [{ name: 'config', ok: true, detail: `${config.path} is valid` }];
    const enrolled = config.recipes.filter((r) => r.enrolled);
    checks.push({
      name: 'enrolled',
      ok: enrolled.length > 0,
      detail: enrolled.length > 0 ? `${enrolled.length} recipe(s) enrolled: ${enrolled.map((r) => r.name).join(', ')}` : 'no recipe is enrolled: a sweep would refuse to run (exit 3)',
    });
    checks.push(...programChecks(config, splitPath(ctx.env.PATH)));
    const units = ctx.flags.units;
    if (units !== undefined) checks.push(await unitsCheck(config, resolve(ctx.cwd, units)));
    // --offline: what a Nix build sandbox can check (no network, no stateDir): the settings.
    if (!ctx.flags.offline) {
      // A missing explicit registryDir is a config error (exit 2), as for sweep and plan.
      const registry = openConfiguredRegistry(config);
      checks.push(...testPathChecks(config));
      checks.push(...testCwdChecks(config));
      checks.push(...lockDirChecks(config));
      checks.push(await checkWritable(config.stateDir));
      checks.push(...(await registryChecks(registry, config)));
      checks.push(...(await checkRemotes(config)));
      checks.push(...(await forgeChecks(config)));
    }

    const ok = checks.every((c) => c.ok);
    if (ctx.flags.json) ctx.stdout(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
    else ctx.stdout(`${checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`).join('\n')}\n`);
    return ok ? 0 : 1;
  },
});

// The same program check as `canon units verify`: bash and git (canon's own) besides the
// configured programs, the interpreter of every script among them, and no relative path.
function programChecks(config: ResolvedConfig, pathDirs: readonly string[]): Check[] {
  const programs = [...REQUIRED_PROGRAMS, ...programsOf(config)];
  const result = checkPrograms(programs, pathDirs);
  return [
    ...Object.entries(result.resolved).map(([program, file]) => ({ name: `program ${program}`, ok: true, detail: file })),
    ...[...result.problems, ...checkRelativePrograms(programs)].map((p) => ({ name: 'program', ok: false, detail: p.message })),
    ...result.unchecked
      .filter((program) => program.includes('{'))
      .map((program) => ({ name: `program ${program}`, ok: true, detail: 'exists only at run time; not checked' })),
  ];
}

async function unitsCheck(config: ResolvedConfig, dir: string): Promise<Check> {
  const result = await verifyUnits(dir, unitsExpected(config));
  return result.ok
    ? { name: 'units', ok: true, detail: `${dir}: canon-sweep.service and .timer verify clean` }
    : { name: 'units', ok: false, detail: `${dir}: ${result.problems.map((p) => `[${p.code}] ${p.message}`).join('; ')}` };
}

async function checkWritable(stateDir: string): Promise<Check> {
  const probe = join(stateDir, `.canon-doctor-${process.pid}`);
  try {
    await mkdir(stateDir, { recursive: true });
    await writeFile(probe, 'probe');
    await rm(probe, { force: true });
    return { name: 'stateDir', ok: true, detail: `${stateDir} is writable` };
  } catch (e) {
    return { name: 'stateDir', ok: false, detail: `${stateDir} is not writable: ${(e as Error).message}` };
  }
}

async function checkRemotes(config: ResolvedConfig): Promise<Check[]> {
  const pool = createLimiter(8);
  const remotes = config.recipes.filter((r) => r.enrolled).flatMap((r) => [
    { name: `${r.name} upstream`, url: r.upstream, auth: null },
    { name: `${r.name} mirror`, url: r.mirror, auth: mirrorAuth(config) },
  ]);
  return Promise.all(
    remotes.map((remote) =>
      pool(async (): Promise<Check> => {
        try {
          const refs = await listRemoteRefs(remote.url, { ...(remote.auth === null ? {} : { auth: remote.auth }), timeoutMs: 30_000 });
          return { name: remote.name, ok: true, detail: `${redactUrl(remote.url)} reachable (${refs.tags.length} tags)` };
        } catch (e) {
          return { name: remote.name, ok: false, detail: `${redactUrl(remote.url)} unreachable: ${(e as Error).message}` };
        }
      }),
    ),
  );
}

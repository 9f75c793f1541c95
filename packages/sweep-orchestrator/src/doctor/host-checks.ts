import { existsSync, readdirSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { isRecipeName } from '@canon/trigger';
import type { Registry } from '@canon/warm-registry';
import type { ResolvedConfig } from '../config/index.js';
import { promoteLockPaths } from '../promote/internal/promote-locks.js';
import { createLimiter } from '../sweep/pool.js';
import { repoPathOf } from '../sweep/remotes.js';

export type DoctorCheck = { name: string; ok: boolean; detail: string };

const FORGE_TIMEOUT_MS = 15_000;

/** Every canonical record in the registry directory parses, as a sweep will read it (configured or not). */
export async function registryChecks(registry: Registry, config: ResolvedConfig): Promise<DoctorCheck[]> {
  const dir = registry.registryDir;
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    // The default registry/ is created on first use; an explicit registryDir was checked when it was opened.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && config.registryDir === null) {
      return [{ name: 'registry', ok: true, detail: `${dir} does not exist yet: no recipe is seeded; the first promote creates it` }];
    }
    return [{ name: 'registry', ok: false, detail: `${dir} cannot be listed: ${(error as Error).message}` }];
  }
  const names = [...new Set([...entries.filter(isRecipeName), ...config.recipes.map((r) => r.name)])].sort();
  const checks: DoctorCheck[] = [];
  let records = 0;
  for (const name of names) {
    try {
      if ((await registry.readCanonical(name)) !== null) records += 1;
    } catch (error) {
      checks.push({ name: `registry ${name}`, ok: false, detail: `${(error as Error).message}` });
    }
  }
  checks.unshift({
    name: 'registry',
    ok: checks.length === 0,
    detail: `${dir} (${config.registryFormat} format): ${records} canonical record(s) parse${checks.length === 0 ? '' : `, ${checks.length} do not`}`,
  });
  return checks;
}

/**
 * The test command's absolute path arguments without placeholders (a runner script such as
 * `/etc/cc-ci/runner/run_recipe_ci.py`) must exist: the program check only sees argv[0].
 */
export function testPathChecks(config: ResolvedConfig): DoctorCheck[] {
  const paths = new Map<string, string[]>();
  for (const recipe of config.recipes.filter((r) => r.enrolled)) {
    for (const arg of recipe.test.command.slice(1)) {
      if (!arg.startsWith('/') || arg.includes('{')) continue;
      paths.set(arg, [...(paths.get(arg) ?? []), recipe.name]);
    }
  }
  return [...paths].map(([path, recipes]) => {
    const ok = existsSync(path);
    const users = `test.command of ${recipes.join(', ')}`;
    return { name: `test path ${path}`, ok, detail: ok ? `exists (${users})` : `does not exist; ${users} names it` };
  });
}

/** The directory the test command runs in (`test.cwd`) and, when the runner lives in it, the runner's `tests/`. */
export function testCwdChecks(config: ResolvedConfig): DoctorCheck[] {
  const cwds = new Map<string, { recipes: string[]; runners: Set<string> }>();
  for (const recipe of config.recipes.filter((r) => r.enrolled)) {
    const cwd = recipe.test.cwd;
    // `{checkout}` (the default) and other placeholders exist only once a release is checked out.
    if (!cwd.startsWith('/') || cwd.includes('{')) continue;
    const entry = cwds.get(cwd) ?? { recipes: [], runners: new Set<string>() };
    entry.recipes.push(recipe.name);
    for (const arg of recipe.test.command.slice(1)) if (isInside(arg, cwd)) entry.runners.add(arg);
    cwds.set(cwd, entry);
  }
  return [...cwds].flatMap(([cwd, { recipes, runners }]) => {
    const users = `test.cwd of ${recipes.join(', ')}`;
    const ok = isDirectory(cwd);
    const checks: DoctorCheck[] = [{ name: `test cwd ${cwd}`, ok, detail: ok ? `is a directory (${users})` : `is not a directory; ${users} names it: the test command could not start` }];
    if (runners.size === 0) return checks;
    // cc-ci's runner enrols the recipes from its checkout's tests/: a checkout without them
    // (a store copy) made the old sweep test nothing and report success (the hollow sweep).
    const tests = join(cwd, 'tests');
    const entries = isDirectory(tests) ? readdirSync(tests).length : null;
    const runner = [...runners].join(', ');
    checks.push({
      name: `suite dir ${tests}`,
      ok: entries !== null && entries > 0,
      detail:
        entries === null
          ? `does not exist; the runner ${runner} lives in ${cwd} and reads its recipes' tests there: check out the whole repository at ${cwd}`
          : entries === 0
            ? `is empty; the runner ${runner} would find no recipe to test there`
            : `holds ${entries} entr${entries === 1 ? 'y' : 'ies'} (the runner ${runner})`,
    });
    return checks;
  });
}

function isInside(path: string, dir: string): boolean {
  if (!path.startsWith('/') || path.includes('{')) return false;
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..');
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Each `promote.locks` file's directory exists: canon never creates it, and the other tools would
 * not see a new one. A lock path that exists must be a file: flock(1) cannot lock a directory.
 */
export function lockDirChecks(config: ResolvedConfig): DoctorCheck[] {
  const dirs = new Map<string, string[]>();
  for (const recipe of config.recipes.filter((r) => r.enrolled)) {
    if (recipe.promote === null) continue;
    for (const path of promoteLockPaths(recipe.promote, recipe.name)) {
      const dir = dirname(path);
      dirs.set(dir, [...new Set([...(dirs.get(dir) ?? []), path])]);
    }
  }
  return [...dirs].map(([dir, paths]) => {
    const name = `lock dir ${dir}`;
    if (!isDirectory(dir)) {
      return { name, ok: false, detail: `is not a directory; promote.locks ${paths[0] ?? ''} would fail: create it or fix promote.locks` };
    }
    const notFiles = paths.filter((p) => existsSync(p) && !statSync(p).isFile());
    if (notFiles.length > 0) {
      return { name, ok: false, detail: `${notFiles.join(', ')} exist${notFiles.length === 1 ? 's' : ''} but not as a file, so flock(1) cannot lock it: remove it or fix promote.locks` };
    }
    return { name, ok: true, detail: `exists (${paths.length} lock file(s))` };
  });
}

/**
 * The token must open the mirrors with an authenticated call: `/version` answers anyone, so a
 * wrong or expired token would pass it and only fail during the sweep's PR cleanup.
 */
export async function forgeChecks(config: ResolvedConfig): Promise<DoctorCheck[]> {
  const forge = config.forge;
  if (forge === null) return [];
  const base = forge.url.replace(/\/+$/, '');
  const repos = new Map<string, { owner: string; repo: string }>();
  for (const recipe of config.recipes.filter((r) => r.enrolled)) {
    const path = repoPathOf(recipe.mirror);
    if (path !== null) repos.set(`${path.owner}/${path.repo}`, path);
  }
  if (repos.size === 0) return [{ name: 'forge', ok: false, detail: 'no enrolled recipe has a mirror URL with an <owner>/<repo> path the forge token could be tried on' }];
  const pool = createLimiter(4);
  return Promise.all(
    [...repos].map(([full, { owner, repo }]) =>
      pool(async (): Promise<DoctorCheck> => {
        const url = `${base}/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
        const name = `forge ${full}`;
        try {
          const res = await fetch(url, { headers: { Authorization: `token ${forge.token}` }, signal: AbortSignal.timeout(FORGE_TIMEOUT_MS) });
          await res.body?.cancel();
          if (res.ok) return { name, ok: true, detail: `${url} answered HTTP ${res.status} with the token` };
          const why =
            res.status === 401 || res.status === 403
              ? 'the token was refused: check forge.tokenFile / forge.tokenEnv'
              : res.status === 404
                ? 'the token cannot see this mirror repository: check the mirror URL and the token\'s access'
                : 'the forge did not answer as expected';
          return { name, ok: false, detail: `${url} answered HTTP ${res.status}: ${why}` };
        } catch (e) {
          return { name, ok: false, detail: `${url} unreachable: ${(e as Error).message}` };
        }
      }),
    ),
  );
}

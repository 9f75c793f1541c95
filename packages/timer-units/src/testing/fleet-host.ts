// A host laid out like a CI box, in a temp dir: real executables (scripts that start with
// `#!/usr/bin/env bash`, like abra's wrapper and the CI runners), an installed canon that
// starts with `#!/usr/bin/env node`, a state directory and a config file.
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveOnPath, splitPath } from '../resolve-on-path.js';
import type { RenderInput } from '../render-units.js';

export type FleetHost = {
  root: string;
  /** Holds abra, run-recipe-ci, deployed-version (bash scripts) and a link to git. */
  toolsDir: string;
  execPath: string;
  configPath: string;
  stateDir: string;
  programs: string[];
  renderInput: RenderInput;
  cleanup(): Promise<void>;
};

export const CONFIGURED_PROGRAMS = ['abra', 'run-recipe-ci', 'deployed-version', 'flock'];

export async function createFleetHost(): Promise<FleetHost> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'canon-timer-units-'));
  const toolsDir = path.join(root, 'opt', 'ci', 'bin');
  const canonDir = path.join(root, 'opt', 'canon', 'bin');
  const stateDir = path.join(root, 'var', 'lib', 'canon');
  const configDir = path.join(root, 'etc', 'canon');
  for (const dir of [toolsDir, canonDir, stateDir, configDir])
    await mkdir(dir, { recursive: true });

  for (const name of ['abra', 'run-recipe-ci', 'deployed-version']) {
    await writeExecutable(path.join(toolsDir, name), `#!/usr/bin/env bash\necho "${name} $*"\n`);
  }
  const git = resolveOnPath('git', splitPath(process.env.PATH));
  if (git === null) throw new Error('the tests need git on PATH');
  await symlink(git, path.join(toolsDir, 'git'));

  const execPath = path.join(canonDir, 'canon');
  await writeExecutable(execPath, '#!/usr/bin/env node\nconsole.log("canon");\n');
  const configPath = path.join(configDir, 'config.json');
  await writeFile(configPath, '{"recipes": {"custom-html": {}}}\n');

  const renderInput: RenderInput = {
    schedule: { onCalendar: 'Sun *-*-* 03:00:00', persistent: true },
    programs: CONFIGURED_PROGRAMS,
    execPath,
    configPath,
    workingDirectory: stateDir,
    limits: { recipes: [{ testSeconds: 3600, promoteSeconds: 900 }], killGraceSeconds: 30 },
    pathDirs: [toolsDir],
  };
  return {
    root,
    toolsDir,
    execPath,
    configPath,
    stateDir,
    programs: CONFIGURED_PROGRAMS,
    renderInput,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

async function writeExecutable(file: string, text: string): Promise<void> {
  await writeFile(file, text);
  await chmod(file, 0o755);
}

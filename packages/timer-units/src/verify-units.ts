import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkPrograms, checkRelativePrograms, REQUIRED_PROGRAMS } from './check-programs.js';
import { SERVICE_NAME, TIMER_NAME, type Schedule } from './render-units.js';
import { envInterpreter, isExecutableFile, resolveOnPath, splitPath } from './resolve-on-path.js';
import { checkCredentials, checkEnvironment } from './internal/check-environment.js';
import { checkTimer } from './internal/check-timer.js';
import { checkWritablePaths } from './internal/check-writable.js';
import { analyzeVerify } from './internal/systemd-analyze.js';
import type { UnitProblem } from './problems.js';
import {
  lastValue,
  parseEnvironment,
  parseUnitFile,
  splitExecStart,
  values,
  type UnitFile,
} from './internal/unit-syntax.js';

export type VerifyExpected = {
  /** argv[0] of every command the config names. */
  programs: readonly string[];
  /** How many recipes the config enrolls; 0 is a hollow sweep. */
  enrolledCount: number;
  /** The config the unit must run with. */
  configPath?: string;
  /** The config's schedule; when given, the timer must match it. */
  schedule?: Schedule;
  /** Environment variables the config reads (forge.tokenEnv, passEnv): the unit must set each. */
  env?: readonly string[];
  /** Secret files the config reads (forge.tokenFile, …): one under /run/credentials/<unit>/ must be a loaded credential. */
  secretFiles?: readonly string[];
  /** Directories canon or a command writes (stateDir, workDir, registryDir, checkouts, logs): the hardening must leave them writable. */
  writePaths?: readonly string[];
  /** systemd-analyze to cross-check with; default: found on PATH; null: skip it. */
  systemdAnalyze?: string | null;
};

export type VerifyResult = {
  ok: boolean;
  problems: UnitProblem[];
  /** What could not be checked here, e.g. systemd-analyze absent. */
  notes: string[];
};

// What systemd gives a service without Environment=PATH (systemd 252, merged /usr).
const SYSTEMD_DEFAULT_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin'];

/** Checks canon-sweep.service and canon-sweep.timer in `dir`; reports every problem found. */
export async function verifyUnits(dir: string, expected: VerifyExpected): Promise<VerifyResult> {
  const problems: UnitProblem[] = [];
  const notes: string[] = [];
  const servicePath = path.join(dir, SERVICE_NAME);
  const timerPath = path.join(dir, TIMER_NAME);
  const service = await readUnit(servicePath, problems);
  const timer = await readUnit(timerPath, problems);
  const analyze =
    expected.systemdAnalyze === undefined
      ? resolveOnPath('systemd-analyze', splitPath(process.env.PATH))
      : expected.systemdAnalyze;
  if (analyze === null)
    notes.push(
      "systemd-analyze not found: OnCalendar= checked by canon's parser only, and systemd-analyze verify skipped",
    );

  if (timer !== null) await checkTimer(timer, timerPath, expected, analyze, problems);
  if (service !== null) checkService(service, servicePath, expected, problems, notes);
  if (expected.enrolledCount < 1) {
    problems.push({
      code: 'HOLLOW',
      message: `the config enrolls ${expected.enrolledCount} recipes, so every sweep would do nothing; enroll at least one recipe (or point the unit at the right config)`,
    });
  }
  if (analyze !== null) {
    const present = [
      service === null ? null : servicePath,
      timer === null ? null : timerPath,
    ].filter((f) => f !== null);
    if (present.length > 0) {
      for (const line of await verifyInTempDir(analyze, present))
        problems.push({ code: 'SYSTEMD_ANALYZE', message: line });
    }
  }
  return { ok: problems.length === 0, problems, notes };
}

async function readUnit(file: string, problems: UnitProblem[]): Promise<UnitFile | null> {
  try {
    return parseUnitFile(await readFile(file, 'utf8'));
  } catch (error) {
    problems.push({
      code: 'MISSING_UNIT',
      message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); render it with \`canon units render --out DIR\``,
    });
    return null;
  }
}

function checkService(
  service: UnitFile,
  file: string,
  expected: VerifyExpected,
  problems: UnitProblem[],
  notes: string[],
): void {
  const type = lastValue(service, 'Service', 'Type');
  if (type !== 'oneshot') {
    problems.push({
      code: 'NOT_ONESHOT',
      message: `${file}: Type=${type ?? '(unset, i.e. simple)'}; the sweep must be Type=oneshot so the timer waits for it to finish`,
    });
  }
  const killMode = lastValue(service, 'Service', 'KillMode');
  if (killMode !== undefined && killMode !== 'control-group') {
    problems.push({
      code: 'BAD_KILL_MODE',
      message: `${file}: KillMode=${killMode} leaves test processes behind on stop or timeout; use KillMode=control-group`,
    });
  }

  const env = parseEnvironment(values(service, 'Service', 'Environment'));
  const unitPathValue = env.get('PATH');
  if (unitPathValue === undefined) {
    problems.push({
      code: 'MISSING_PATH',
      message: `${file} sets no Environment=PATH=…, so commands run with systemd's default ${SYSTEMD_DEFAULT_PATH.join(':')}; set an explicit PATH (canon units render does)`,
    });
  }
  const unitPath = unitPathValue === undefined ? SYSTEMD_DEFAULT_PATH : splitPath(unitPathValue);

  const execs = values(service, 'Service', 'ExecStart');
  if (execs.length === 0)
    problems.push({
      code: 'EXECSTART_NOT_ABSOLUTE',
      message: `${file} has no ExecStart=; expected ExecStart=/absolute/path/to/canon sweep --config FILE`,
    });
  const wanted = [...expected.programs, ...REQUIRED_PROGRAMS];
  let configFlag: string | undefined;
  for (const exec of execs) {
    const { argv } = splitExecStart(exec);
    const program = argv[0] ?? '';
    if (!path.isAbsolute(program)) {
      problems.push({
        code: 'EXECSTART_NOT_ABSOLUTE',
        message: `${file}: ExecStart runs "${program}", not an absolute path; use the absolute path of canon (e.g. from \`command -v canon\`)`,
      });
    } else if (!isExecutableFile(program)) {
      problems.push({
        code: 'EXECSTART_NOT_EXECUTABLE',
        message: `${file}: ExecStart runs ${program}, which is not an executable file here; install canon there or fix the path`,
      });
    } else {
      const interpreter = envInterpreter(program);
      if (interpreter !== null) wanted.push(interpreter);
    }
    if (!argv.includes('sweep')) {
      problems.push({
        code: 'EXECSTART_NOT_SWEEP',
        message: `${file}: ExecStart=${exec} does not run \`canon sweep\``,
      });
    }
    configFlag ??= configArgument(argv);
  }
  const programs = checkPrograms(wanted, unitPath);
  problems.push(...programs.problems);
  problems.push(...checkRelativePrograms(wanted));
  for (const program of programs.unchecked.filter((p) => p.includes('{')))
    notes.push(
      `${program} exists only when the sweep runs (placeholder or relative path): not checked`,
    );
  checkEnvironment(service, file, expected.env ?? [], problems, notes);
  checkCredentials(service, file, SERVICE_NAME, expected.secretFiles ?? [], problems);
  checkWritablePaths(service, file, expected.writePaths ?? [], problems);

  const workingDirectory = lastValue(service, 'Service', 'WorkingDirectory')
    ?.replace(/^-/, '')
    .replaceAll('%%', '%');
  const workingOk =
    workingDirectory !== undefined &&
    path.isAbsolute(workingDirectory) &&
    isDirectory(workingDirectory);
  if (!workingOk) {
    problems.push({
      code: 'MISSING_WORKING_DIRECTORY',
      message:
        workingDirectory === undefined
          ? `${file} sets no WorkingDirectory=; set it to canon's stateDir`
          : `${file}: WorkingDirectory=${workingDirectory} is not an existing absolute directory; create it (e.g. systemd-tmpfiles) or fix the path`,
    });
  }
  checkConfig({
    file,
    configFlag,
    env,
    workingDirectory: workingOk ? workingDirectory : undefined,
    expected,
    problems,
  });
}

function checkConfig(opts: {
  file: string;
  configFlag: string | undefined;
  env: Map<string, string>;
  workingDirectory: string | undefined;
  expected: VerifyExpected;
  problems: UnitProblem[];
}): void {
  const { file, configFlag, env, workingDirectory, expected, problems } = opts;
  // canon's own lookup order: --config, $CANON_CONFIG, ./canon.config.json, /etc/canon/config.json.
  const named = configFlag ?? env.get('CANON_CONFIG');
  const base = workingDirectory ?? '/';
  const candidates =
    named !== undefined
      ? [path.resolve(base, named)]
      : [
          ...(workingDirectory === undefined
            ? []
            : [path.join(workingDirectory, 'canon.config.json')]),
          '/etc/canon/config.json',
        ];
  const found = candidates.find((candidate) => isFile(candidate));
  if (found === undefined) {
    problems.push({
      code: 'MISSING_CONFIG',
      message:
        named !== undefined
          ? `${file}: the sweep would read the config ${candidates[0] ?? named}, which does not exist; create it or fix --config`
          : `${file}: the sweep names no --config and none of ${candidates.join(', ')} exists; add --config FILE to ExecStart=`,
    });
  }
  if (expected.configPath !== undefined) {
    const used = found ?? candidates[0];
    if (used !== undefined && path.resolve(used) !== path.resolve(expected.configPath)) {
      problems.push({
        code: 'CONFIG_MISMATCH',
        message: `${file}: the sweep would read ${used}, not ${expected.configPath}; re-render the units with this config`,
      });
    }
  }
}

function configArgument(argv: readonly string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
}

/** Runs systemd-analyze verify on copies, so other units next to ours are not judged. */
async function verifyInTempDir(analyze: string, files: readonly string[]): Promise<string[]> {
  const temp = await mkdtemp(path.join(os.tmpdir(), 'canon-units-verify-'));
  try {
    const copies: string[] = [];
    for (const file of files) {
      const copy = path.join(temp, path.basename(file));
      await copyFile(file, copy);
      copies.push(copy);
    }
    const lines = await analyzeVerify(analyze, copies);
    return lines.map((line) =>
      files.reduce((text, file, i) => text.replaceAll(copies[i] ?? file, file), line),
    );
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function isDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

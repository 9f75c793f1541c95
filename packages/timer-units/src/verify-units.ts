import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkPrograms, REQUIRED_PROGRAMS } from './check-programs.js';
import { parseOnCalendar } from './parse-on-calendar.js';
import { SERVICE_NAME, TIMER_NAME, type Schedule } from './render-units.js';
import { envInterpreter, isExecutableFile, resolveOnPath, splitPath } from './resolve-on-path.js';
import { analyzeCalendar, analyzeVerify } from './internal/systemd-analyze.js';
import {
  lastValue, parseEnvironment, parseUnitFile, splitExecStart, values, type UnitFile,
} from './internal/unit-syntax.js';

export type ProblemCode =
  | 'MISSING_UNIT' | 'BAD_ON_CALENDAR' | 'MISSING_PERSISTENT' | 'BAD_PERSISTENT' | 'SCHEDULE_MISMATCH'
  | 'NOT_ONESHOT' | 'EXECSTART_NOT_ABSOLUTE' | 'EXECSTART_NOT_EXECUTABLE' | 'EXECSTART_NOT_SWEEP'
  | 'MISSING_PATH' | 'PROGRAM_NOT_ON_PATH' | 'MISSING_WORKING_DIRECTORY' | 'MISSING_CONFIG'
  | 'CONFIG_MISMATCH' | 'BAD_KILL_MODE' | 'HOLLOW' | 'SYSTEMD_ANALYZE';

export type UnitProblem = { code: ProblemCode; message: string };

export type VerifyExpected = {
  /** argv[0] of every command the config names. */
  programs: readonly string[];
  /** How many recipes the config enrolls; 0 is a hollow sweep. */
  enrolledCount: number;
  /** The config the unit must run with. */
  configPath?: string;
  /** The config's schedule; when given, the timer must match it. */
  schedule?: Schedule;
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
  const analyze = expected.systemdAnalyze === undefined
    ? resolveOnPath('systemd-analyze', splitPath(process.env.PATH))
    : expected.systemdAnalyze;
  if (analyze === null) notes.push('systemd-analyze not found: OnCalendar= checked by canon\'s parser only, and systemd-analyze verify skipped');

  if (timer !== null) await checkTimer(timer, timerPath, expected, analyze, problems);
  if (service !== null) checkService(service, servicePath, expected, problems, notes);
  if (expected.enrolledCount < 1) {
    problems.push({
      code: 'HOLLOW',
      message: `the config enrolls ${expected.enrolledCount} recipes, so every sweep would do nothing; enroll at least one recipe (or point the unit at the right config)`,
    });
  }
  if (analyze !== null) {
    const present = [service === null ? null : servicePath, timer === null ? null : timerPath].filter((f) => f !== null);
    if (present.length > 0) {
      for (const line of await verifyInTempDir(analyze, present)) problems.push({ code: 'SYSTEMD_ANALYZE', message: line });
    }
  }
  return { ok: problems.length === 0, problems, notes };
}

async function readUnit(file: string, problems: UnitProblem[]): Promise<UnitFile | null> {
  try {
    return parseUnitFile(await readFile(file, 'utf8'));
  } catch (error) {
    problems.push({ code: 'MISSING_UNIT', message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); render it with \`canon units render --out DIR\`` });
    return null;
  }
}

async function checkTimer(
  timer: UnitFile, file: string, expected: VerifyExpected, analyze: string | null, problems: UnitProblem[],
): Promise<void> {
  const specs = values(timer, 'Timer', 'OnCalendar');
  if (specs.length === 0) {
    problems.push({ code: 'BAD_ON_CALENDAR', message: `${file} has no OnCalendar= in [Timer]; add e.g. OnCalendar=Sun *-*-* 03:00:00` });
  }
  for (const spec of specs) {
    const ours = parseOnCalendar(spec);
    if (!ours.ok) {
      problems.push({ code: 'BAD_ON_CALENDAR', message: `${file}: OnCalendar=${spec} does not parse: ${ours.reason}; expected e.g. "Sun *-*-* 03:00:00" or "weekly"` });
      continue;
    }
    if (analyze !== null) {
      const theirs = await analyzeCalendar(analyze, spec);
      if (!theirs.ok) problems.push({ code: 'BAD_ON_CALENDAR', message: `${file}: systemd-analyze calendar rejects OnCalendar=${spec}: ${theirs.message}` });
    }
  }
  const persistent = lastValue(timer, 'Timer', 'Persistent');
  if (persistent === undefined) {
    problems.push({ code: 'MISSING_PERSISTENT', message: `${file} has no Persistent= in [Timer]; without Persistent=true a sweep missed while the host was down is silently skipped` });
  } else if (parseBoolean(persistent) === null) {
    problems.push({ code: 'BAD_PERSISTENT', message: `${file}: Persistent=${persistent} is not a boolean; use true or false` });
  }
  const schedule = expected.schedule;
  if (schedule === undefined) return;
  if (specs.length > 0 && !(specs.length === 1 && specs[0] === schedule.onCalendar)) {
    problems.push({ code: 'SCHEDULE_MISMATCH', message: `${file}: OnCalendar=${specs.join(', ')} but the config's schedule says ${schedule.onCalendar}; re-render the units` });
  }
  if (persistent !== undefined && parseBoolean(persistent) !== null && parseBoolean(persistent) !== schedule.persistent) {
    problems.push({ code: 'SCHEDULE_MISMATCH', message: `${file}: Persistent=${persistent} but the config's schedule says persistent: ${String(schedule.persistent)}; re-render the units` });
  }
}

function checkService(service: UnitFile, file: string, expected: VerifyExpected, problems: UnitProblem[], notes: string[]): void {
  const type = lastValue(service, 'Service', 'Type');
  if (type !== 'oneshot') {
    problems.push({ code: 'NOT_ONESHOT', message: `${file}: Type=${type ?? '(unset, i.e. simple)'}; the sweep must be Type=oneshot so the timer waits for it to finish` });
  }
  const killMode = lastValue(service, 'Service', 'KillMode');
  if (killMode !== undefined && killMode !== 'control-group') {
    problems.push({ code: 'BAD_KILL_MODE', message: `${file}: KillMode=${killMode} leaves test processes behind on stop or timeout; use KillMode=control-group` });
  }

  const env = parseEnvironment(values(service, 'Service', 'Environment'));
  const unitPathValue = env.get('PATH');
  if (unitPathValue === undefined) {
    problems.push({ code: 'MISSING_PATH', message: `${file} sets no Environment=PATH=…, so commands run with systemd's default ${SYSTEMD_DEFAULT_PATH.join(':')}; set an explicit PATH (canon units render does)` });
  }
  const unitPath = unitPathValue === undefined ? SYSTEMD_DEFAULT_PATH : splitPath(unitPathValue);

  const execs = values(service, 'Service', 'ExecStart');
  if (execs.length === 0) problems.push({ code: 'EXECSTART_NOT_ABSOLUTE', message: `${file} has no ExecStart=; expected ExecStart=/absolute/path/to/canon sweep --config FILE` });
  const wanted = [...expected.programs, ...REQUIRED_PROGRAMS];
  let configFlag: string | undefined;
  for (const exec of execs) {
    const { argv } = splitExecStart(exec);
    const program = argv[0] ?? '';
    if (!path.isAbsolute(program)) {
      problems.push({ code: 'EXECSTART_NOT_ABSOLUTE', message: `${file}: ExecStart runs "${program}", not an absolute path; use the absolute path of canon (e.g. from \`command -v canon\`)` });
    } else if (!isExecutableFile(program)) {
      problems.push({ code: 'EXECSTART_NOT_EXECUTABLE', message: `${file}: ExecStart runs ${program}, which is not an executable file here; install canon there or fix the path` });
    } else {
      const interpreter = envInterpreter(program);
      if (interpreter !== null) wanted.push(interpreter);
    }
    if (!argv.includes('sweep')) {
      problems.push({ code: 'EXECSTART_NOT_SWEEP', message: `${file}: ExecStart=${exec} does not run \`canon sweep\`` });
    }
    configFlag ??= configArgument(argv);
  }
  const programs = checkPrograms(wanted, unitPath);
  problems.push(...programs.problems);
  for (const program of programs.unchecked) notes.push(`${program} exists only when the sweep runs (placeholder or relative path): not checked`);

  const workingDirectory = lastValue(service, 'Service', 'WorkingDirectory')?.replace(/^-/, '').replaceAll('%%', '%');
  const workingOk = workingDirectory !== undefined && path.isAbsolute(workingDirectory) && isDirectory(workingDirectory);
  if (!workingOk) {
    problems.push({
      code: 'MISSING_WORKING_DIRECTORY',
      message: workingDirectory === undefined
        ? `${file} sets no WorkingDirectory=; set it to canon's stateDir`
        : `${file}: WorkingDirectory=${workingDirectory} is not an existing absolute directory; create it (e.g. systemd-tmpfiles) or fix the path`,
    });
  }
  checkConfig({ file, configFlag, env, workingDirectory: workingOk ? workingDirectory : undefined, expected, problems });
}

function checkConfig(opts: {
  file: string; configFlag: string | undefined; env: Map<string, string>; workingDirectory: string | undefined;
  expected: VerifyExpected; problems: UnitProblem[];
}): void {
  const { file, configFlag, env, workingDirectory, expected, problems } = opts;
  // canon's own lookup order: --config, $CANON_CONFIG, ./canon.config.json, /etc/canon/config.json.
  const named = configFlag ?? env.get('CANON_CONFIG');
  const base = workingDirectory ?? '/';
  const candidates = named !== undefined
    ? [path.resolve(base, named)]
    : [...(workingDirectory === undefined ? [] : [path.join(workingDirectory, 'canon.config.json')]), '/etc/canon/config.json'];
  const found = candidates.find((candidate) => isFile(candidate));
  if (found === undefined) {
    problems.push({
      code: 'MISSING_CONFIG',
      message: named !== undefined
        ? `${file}: the sweep would read the config ${candidates[0] ?? named}, which does not exist; create it or fix --config`
        : `${file}: the sweep names no --config and none of ${candidates.join(', ')} exists; add --config FILE to ExecStart=`,
    });
  }
  if (expected.configPath !== undefined) {
    const used = found ?? candidates[0];
    if (used !== undefined && path.resolve(used) !== path.resolve(expected.configPath)) {
      problems.push({ code: 'CONFIG_MISMATCH', message: `${file}: the sweep would read ${used}, not ${expected.configPath}; re-render the units with this config` });
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
    return lines.map((line) => files.reduce((text, file, i) => text.replaceAll(copies[i] ?? file, file), line));
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function parseBoolean(value: string): boolean | null {
  const v = value.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return null;
}

function isDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

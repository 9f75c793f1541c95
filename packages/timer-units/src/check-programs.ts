import path from 'node:path';
import {
  absoluteInterpreter,
  envInterpreter,
  isExecutableFile,
  resolveOnPath,
} from './resolve-on-path.js';
import type { UnitProblem } from './problems.js';

/** Programs every sweep needs besides those the config names: canon's own git, and bash for the hooks. */
export const REQUIRED_PROGRAMS: readonly string[] = ['bash', 'git'];

export type ProgramCheck = {
  ok: boolean;
  /** One PROGRAM_NOT_ON_PATH problem per program (or script interpreter) that does not resolve. */
  problems: UnitProblem[];
  /** Program (and interpreter) → the file that would run. */
  resolved: Record<string, string>;
  /**
   * Programs that only exist at run time, so cannot be checked beforehand: a placeholder
   * (`{checkout}/ci/run.sh`) or a path relative to the command's working directory.
   */
  unchecked: string[];
};

/**
 * Checks that every program resolves on `pathDirs`, that every script among them that
 * starts with `#!/usr/bin/env X` finds X there too, and that one naming an absolute
 * interpreter (`#!/usr/bin/python3`) finds it at that path. Reports every miss; programs
 * that exist only at run time are listed in `unchecked`.
 */
export function checkPrograms(
  programs: readonly string[],
  pathDirs: readonly string[],
): ProgramCheck {
  const problems: UnitProblem[] = [];
  const resolved: Record<string, string> = {};
  const unchecked: string[] = [];
  const shown = pathDirs.length === 0 ? '(empty)' : pathDirs.join(':');
  for (const program of [...new Set(programs)]) {
    if (program.includes('{') || (program.includes('/') && !path.isAbsolute(program))) {
      unchecked.push(program);
      continue;
    }
    const file = resolveOnPath(program, pathDirs);
    if (file === null) {
      problems.push({
        code: 'PROGRAM_NOT_ON_PATH',
        message: program.includes('/')
          ? `program ${program} is not an executable file; install it or fix the command in the config`
          : `program "${program}" is not on PATH=${shown}; install it, or add the directory that holds it to PATH`,
      });
      continue;
    }
    resolved[program] = file;
    const absolute = absoluteInterpreter(file);
    if (absolute !== null && !isExecutableFile(absolute)) {
      problems.push({
        code: 'MISSING_INTERPRETER',
        message: `${file} starts with "#!${absolute}", which is not an executable file on this host; install it there, or change the script's first line to "#!/usr/bin/env ${path.basename(absolute)}"`,
      });
    }
    const interpreter = envInterpreter(file);
    if (interpreter === null || resolved[interpreter] !== undefined) continue;
    const interpreterFile = resolveOnPath(interpreter, pathDirs);
    if (interpreterFile === null) {
      problems.push({
        code: 'PROGRAM_NOT_ON_PATH',
        message: `${file} starts with "#!/usr/bin/env ${interpreter}", but "${interpreter}" is not on PATH=${shown}; install it, or add its directory to PATH`,
      });
    } else {
      resolved[interpreter] = interpreterFile;
    }
  }
  return { ok: problems.length === 0, problems, resolved, unchecked };
}

/**
 * A program named by a relative path (`./run.sh`, `runner/run.py`) resolves against the
 * directory the command happens to run in, not the one the config's author had in mind:
 * under the unit every such command fails. Placeholders (`{checkout}/ci/run`) are fine.
 */
export function checkRelativePrograms(programs: readonly string[]): UnitProblem[] {
  return [...new Set(programs)]
    .filter((p) => !p.includes('{') && p.includes('/') && !path.isAbsolute(p))
    .map((program) => ({
      code: 'RELATIVE_PROGRAM' as const,
      message: `the config runs "${program}", a relative path that resolves against the command's working directory, not the config's; use an absolute path or a placeholder such as {checkout}/${program.replace(/^\.\//, '')}`,
    }));
}

import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

// Synchronous on purpose: renderUnits resolves programs while rendering and is a plain
// function; a handful of stat calls cost microseconds.

/**
 * Finds `program` the way execvp does: a name containing `/` is taken as is, a bare name
 * is looked up in each of `pathDirs` in order. Returns the absolute path of the first
 * executable regular file, or null.
 */
export function resolveOnPath(program: string, pathDirs: readonly string[]): string | null {
  if (program === '' || program.includes('\0')) return null;
  if (program.includes('/')) return isExecutableFile(program) ? path.resolve(program) : null;
  for (const dir of pathDirs) {
    // A relative PATH entry depends on the working directory at run time: never count on it.
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, program);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The interpreter a script asks `env` to find on PATH (`#!/usr/bin/env bash` → `bash`),
 * or null. A unit without bash on its PATH breaks such a script even though the script
 * itself is on the PATH: the failure the units must catch before a timer fires.
 */
export function envInterpreter(file: string): string | null {
  const match = /^#!\s*\S*\/env\s+(?:-S\s*)?([^\s/=]+)(?:\s|$)/.exec(firstLine(file) ?? '');
  return match?.[1] ?? null;
}

/**
 * The absolute interpreter a script names (`#!/usr/bin/python3 -u` → `/usr/bin/python3`),
 * or null for a binary, an `env` line or a relative one. The kernel runs it as is, with no
 * PATH lookup, so it must exist exactly there.
 */
export function absoluteInterpreter(file: string): string | null {
  const match = /^#!\s*(\/\S+)/.exec(firstLine(file) ?? '');
  const interpreter = match?.[1];
  if (interpreter === undefined || path.basename(interpreter) === 'env') return null;
  return interpreter;
}

function firstLine(file: string): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(256);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Splits a PATH value; empty entries (which mean the cwd) are dropped. */
export function splitPath(value: string | undefined): string[] {
  return (value ?? '').split(':').filter((dir) => dir !== '');
}

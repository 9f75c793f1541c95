import { spawn } from 'node:child_process';

export type Sample = { ms: number; code: number | null; stdout: string; stderr: string };

/** Runs argv (no shell) and times it from spawn to exit. */
export function timed(argv: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Sample> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('timed() needs a program');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

export type Stats = { min: number; median: number; max: number; n: number };

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) throw new Error('no samples');
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { min: sorted[0] as number, median, max: sorted[n - 1] as number, n };
}

/** Fails loudly: a benchmark of a broken run measures nothing. */
export function mustSucceed(sample: Sample, what: string, okCodes: readonly number[] = [0]): Sample {
  if (sample.code === null || !okCodes.includes(sample.code)) {
    throw new Error(`${what} exited ${String(sample.code)}\n${sample.stderr.slice(-2000)}\n${sample.stdout.slice(-2000)}`);
  }
  return sample;
}

export const f = (x: number, digits = 1): string => x.toFixed(digits);

/** `min / **median** / max` with `digits` decimals and a unit after the last. */
export function range(s: Stats, digits = 1, unit = ''): string {
  return `${f(s.min, digits)} / **${f(s.median, digits)}** / ${f(s.max, digits)}${unit}`;
}

/** A table's verdict cell. */
export function met(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

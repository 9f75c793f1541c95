// execa is loaded on first use: every canon command loads this package, few run systemd-analyze.

export type AnalyzeOutcome = { ok: true } | { ok: false; message: string };

// A fixed base time keeps the output (and so any message we quote) deterministic.
const BASE_TIME = '2026-01-01 00:00:00 UTC';
const TIMEOUT_MS = 20_000;

/** `systemd-analyze calendar SPEC`: exit 0 iff systemd accepts the spec. */
export async function analyzeCalendar(binary: string, spec: string): Promise<AnalyzeOutcome> {
  const { execa } = await import('execa');
  const result = await execa(binary, ['calendar', `--base-time=${BASE_TIME}`, '--', spec], {
    reject: false,
    timeout: TIMEOUT_MS,
    stdin: 'ignore',
    env: { SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' },
  });
  if (result.exitCode === 0) return { ok: true };
  return { ok: false, message: describeFailure(result.stderr, result.exitCode) };
}

/**
 * `systemd-analyze verify --man=no FILES`. systemd reports unknown keys and unsafe
 * settings only as warnings on stderr and still exits 0, so any stderr line counts.
 */
export async function analyzeVerify(binary: string, files: readonly string[]): Promise<string[]> {
  const { execa } = await import('execa');
  const result = await execa(binary, ['verify', '--man=no', '--', ...files], {
    reject: false,
    timeout: TIMEOUT_MS,
    stdin: 'ignore',
    env: { SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', SYSTEMD_LOG_COLOR: '0' },
  });
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (result.exitCode !== 0 && lines.length === 0) {
    lines.push(`systemd-analyze verify exited ${describeExit(result.exitCode)} without a message`);
  }
  return lines;
}

function describeFailure(stderr: string, exitCode: number | undefined): string {
  const tail = stderr.trim().split('\n').slice(-3).join(' ');
  return tail === '' ? `systemd-analyze exited ${describeExit(exitCode)}` : tail;
}

function describeExit(exitCode: number | undefined): string {
  return exitCode === undefined ? 'abnormally (killed or timed out)' : String(exitCode);
}

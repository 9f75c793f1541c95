// SPEC "Sweep": the exit codes an operator's timer and scripts rely on.
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  hollow: 3,
  locked: 75,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The shell convention: 128 + signal number. */
export function exitCodeForSignal(signal: 'SIGINT' | 'SIGTERM'): ExitCode {
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
}

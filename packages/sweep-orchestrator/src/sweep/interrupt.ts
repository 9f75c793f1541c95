export type InterruptSignal = 'SIGINT' | 'SIGTERM';

export type Interrupt = {
  /** Aborted on the first SIGINT/SIGTERM; handed to every child command and promote step. */
  signal: AbortSignal;
  received(): InterruptSignal | null;
  dispose(): void;
};

/**
 * Turns SIGINT/SIGTERM into an AbortSignal so the sweep can stop its children, release its
 * locks and write an honest `interrupted: true` record before exiting 130/143. Further
 * signals during that cleanup are absorbed: a second Ctrl-C must not leave a torn state.
 */
export function watchSignals(target: NodeJS.Process = process): Interrupt {
  const controller = new AbortController();
  let got: InterruptSignal | null = null;
  const handler = (sig: InterruptSignal) => (): void => {
    if (got !== null) return;
    got = sig;
    controller.abort(new Error(`received ${sig}`));
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  target.on('SIGINT', onInt);
  target.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received: () => got,
    dispose() {
      target.off('SIGINT', onInt);
      target.off('SIGTERM', onTerm);
    },
  };
}

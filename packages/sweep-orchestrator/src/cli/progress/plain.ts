import { describeEvent, formatElapsed, type ProgressReporter, type ReporterOptions } from './reporter.js';

/** Plain lines with the time since the run started: what the journal keeps when not on a TTY. */
export function createPlainReporter(opts: ReporterOptions): ProgressReporter {
  const now = opts.now ?? Date.now;
  const start = now();
  return {
    event(e) {
      const line = describeEvent(e, opts.color);
      if (line !== null) opts.write(`[+${formatElapsed(now() - start).padStart(6)}] ${line}\n`);
    },
    close: () => undefined,
  };
}

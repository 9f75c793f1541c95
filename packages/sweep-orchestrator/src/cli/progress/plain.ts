import { describeEvent, formatElapsed, journalPriority, type ProgressReporter, type ReporterOptions } from './reporter.js';

/**
 * Plain lines with the time since the run started: what the journal keeps when not on a TTY.
 * Under systemd (`journal`) each line starts with its priority, so `journalctl -p warning` finds it.
 */
export function createPlainReporter(opts: ReporterOptions): ProgressReporter {
  const now = opts.now ?? Date.now;
  const start = now();
  return {
    event(e) {
      const line = describeEvent(e, opts.color);
      if (line === null) return;
      const priority = opts.journal === true ? journalPriority(e) : '';
      opts.write(`${priority}[+${formatElapsed(now() - start).padStart(6)}] ${line}\n`);
    },
    close: () => undefined,
  };
}

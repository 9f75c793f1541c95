import type { ProgressReporter, ReporterOptions } from './reporter.js';

/** One JSON object per line, for machines (`--json`). */
export function createNdjsonReporter(opts: ReporterOptions): ProgressReporter {
  return {
    event: (e) => opts.write(`${JSON.stringify(e)}\n`),
    close: () => undefined,
  };
}

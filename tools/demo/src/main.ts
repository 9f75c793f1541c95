// `npm start`: runs the demo under <workspace>/.canon-demo (or $CANON_DEMO_DIR). The first
// Ctrl-C stops canon and cleans up; exit codes: 0 as described, 1 something differed, 130 interrupted.

import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo.js';
import { createUi } from './ui.js';

const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const dir = resolve(process.env.CANON_DEMO_DIR ?? resolve(workspace, '.canon-demo'));
const ui = createUi((text) => process.stdout.write(text), process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
const controller = new AbortController();
const stop = (signal: NodeJS.Signals): void => {
  if (controller.signal.aborted) return;
  process.stdout.write(`\ncanon demo: ${signal}, stopping canon and the servers...\n`);
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

ui.step('canon demo: one week of a CI fleet, with the real canon binary');
// `npm start` is typed at the workspace root (nx then runs this from tools/demo), so the
// default directory is shown from there; a directory elsewhere is shown absolute.
const shownFrom = dir.startsWith(workspace) ? workspace : undefined;
const shown = (p: string): string => (shownFrom === undefined ? p : relative(shownFrom, p));
try {
  const result = await runDemo({ dir, ui, signal: controller.signal, ...(shownFrom === undefined ? {} : { shownFrom }) });
  if (result.interrupted) {
    process.stdout.write('canon demo: interrupted; every process it started has ended.\n');
    process.exitCode = 130;
  } else {
    ui.step(`Done in ${(result.durationMs / 1000).toFixed(1)} s`);
    ui.line(`Markdown excuses  ${shown(result.reports.md)}`);
    ui.line(`HTML dashboard    ${shown(result.reports.html)}   (open it in a browser)`);
    ui.line(`Prometheus        ${shown(result.reports.prom)}`);
    if (!result.ok) ui.bad(`${result.problems.length} thing(s) did not go as described above`);
    process.exitCode = result.ok ? 0 : 1;
  }
} catch (error) {
  process.stderr.write(`canon demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

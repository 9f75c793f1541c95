import { describeEvent, formatElapsed, type ProgressReporter, type ReporterOptions } from './reporter.js';

const ESC = '\u001b[';

/**
 * A live view for terminals: finished lines scroll up, and below them one line per
 * recipe in flight shows its phase and how long it has been in it, redrawn in place.
 */
export function createLiveReporter(opts: ReporterOptions): ProgressReporter {
  const now = opts.now ?? Date.now;
  const start = now();
  const active = new Map<string, { phase: string; since: number }>();
  let drawn = 0;

  const clear = (): string => (drawn === 0 ? '' : `${ESC}${drawn}F${ESC}0J`);
  const draw = (scroll: string | null): void => {
    const t = now();
    const rows = [...active].map(([recipe, a]) => {
      const line = `  ${recipe}: ${a.phase} ${formatElapsed(t - a.since)}`;
      return opts.color ? `${ESC}2m${line}${ESC}0m` : line;
    });
    const head = scroll === null ? '' : `[+${formatElapsed(t - start).padStart(6)}] ${scroll}\n`;
    opts.write(`${clear()}${head}${rows.map((r) => `${r}\n`).join('')}`);
    drawn = rows.length;
  };
  const timer = setInterval(() => {
    if (active.size > 0) draw(null);
  }, 500);
  timer.unref();

  return {
    event(e) {
      if (e.type === 'phase') {
        active.set(e.recipe, { phase: e.phase, since: now() });
        draw(null);
        return;
      }
      if (e.type === 'recipe-done') active.delete(e.recipe);
      draw(describeEvent(e, opts.color));
    },
    close() {
      clearInterval(timer);
      active.clear();
      draw(null);
    },
  };
}

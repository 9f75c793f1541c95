/**
 * Writes run.json as the sweep goes without rewriting it for every small change: a
 * 200-recipe no-op sweep changes its record ~600 times, and each atomic write validates,
 * fsyncs and renames the whole, growing record (the write count made a no-op sweep
 * quadratic). Changes are coalesced to at most one write per `intervalMs`; an `urgent`
 * change — a recipe about to run a long step, whose entry must survive a kill -9 mid-test —
 * is written as soon as the write in flight ends.
 */
export type RecordWriter = {
  /** The record changed. Resolves when an urgent change is on disk; at once otherwise. */
  changed(urgent?: boolean): Promise<void>;
  /** Writes any pending change and waits for it. */
  flush(): Promise<void>;
};

export function createRecordWriter(
  write: () => Promise<void>,
  opts: { intervalMs: number; onError: (error: unknown) => void },
): RecordWriter {
  let chain: Promise<void> = Promise.resolve();
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let lastWrite = 0;

  const writeNow = (): Promise<void> => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    const next = chain.then(async () => {
      if (!dirty) return;
      dirty = false;
      lastWrite = Date.now();
      await write();
    });
    // A failed write must not stop later ones: the caller of this write sees its error.
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    changed(urgent = false) {
      dirty = true;
      if (urgent) return writeNow();
      if (timer === null) {
        timer = setTimeout(() => void writeNow().catch(opts.onError), Math.max(0, lastWrite + opts.intervalMs - Date.now()));
      }
      return Promise.resolve();
    },
    flush: writeNow,
  };
}

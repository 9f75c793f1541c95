import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Body bytes read between two young-generation collections the listener asks for. */
export const BODY_GC_BYTES = 2 << 20;

type Gc = (options: { type: 'minor' }) => void;

let gc: Gc | null = null;

/**
 * `gc` without `--expose-gc` on the command line: the flag makes V8 give `gc` to contexts
 * created after it, so the main context and the sweep children are left as they are.
 */
function youngGc(): Gc {
  if (gc === null) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  return gc;
}

/**
 * Counts the request-body bytes node hands the listener and collects the young generation
 * every `every` of them.
 *
 * node copies every piece of a body it parses into a fresh buffer, and V8 collects young
 * buffers on its own only once 32 MB of them are outstanding (twice its largest semi-space,
 * whatever the semi-space flags say): a flood of oversized uploads kept up to 32 MB of dead
 * pieces alive, and glibc kept the heap they had grown. A young collection every 2 MiB costs
 * well under a millisecond (the pieces are dead by then) and bounds both.
 */
export function bodyGc(every = BODY_GC_BYTES): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < every) return;
    since = 0;
    youngGc()({ type: 'minor' });
  };
}

import type { Worker } from 'bullmq';
import { trackedGroups } from '@canon/warm-registry';
import { signalGroup } from '../internal/process-group.js';

export type ActiveJob = {
  controller: AbortController;
  /** The run id its test's process group is tracked under. */
  trackingId: string;
  /** When BullMQ last extended the job's lock (or when the job started). */
  lastRenewed: number;
  ending: 'cancelled' | 'lock-lost' | 'shutdown' | null;
};

/**
 * Fencing: a job whose lock this worker no longer holds may already run on another worker,
 * so its test is killed at once (SIGKILL, no grace) — whether Redis said the renewal failed,
 * or no renewal succeeded for a whole lock period (Redis unreachable). Returns a stop function.
 */
export function watchLocks(opts: {
  worker: Worker;
  active: Map<string, ActiveJob>;
  lockMs: number;
  stateDir: string;
  log: (line: string) => void;
}): () => void {
  const { active, lockMs } = opts;
  const lose = (jobId: string, why: string) => {
    const entry = active.get(jobId);
    if (entry === undefined || entry.ending === 'lock-lost') return;
    entry.ending = 'lock-lost';
    opts.log(`${jobId}: lock lost (${why}): killing its test`);
    void trackedGroups({ stateDir: opts.stateDir, runId: entry.trackingId })
      .then((groups) => {
        for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
      })
      .catch((error: unknown) => opts.log(`warning: ${jobId}: could not list its process groups: ${(error as Error).message}`))
      .finally(() => entry.controller.abort(new Error('lock lost')));
  };
  const onFailed = (jobIds: string[]) => {
    for (const id of jobIds) lose(id, 'Redis refused to extend it');
  };
  const onRenewed = ({ jobIds }: { jobIds: string[] }) => {
    const now = Date.now();
    for (const id of jobIds) {
      const entry = active.get(id);
      if (entry !== undefined) entry.lastRenewed = now;
    }
  };
  opts.worker.on('lockRenewalFailed', onFailed);
  opts.worker.on('locksRenewed', onRenewed);
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [id, entry] of active) {
      if (entry.ending === null && now - entry.lastRenewed > lockMs) lose(id, `not renewed for ${Math.round((now - entry.lastRenewed) / 1000)} s`);
    }
  }, Math.max(100, Math.min(1000, lockMs / 4)));
  return () => {
    clearInterval(timer);
    opts.worker.off('lockRenewalFailed', onFailed);
    opts.worker.off('locksRenewed', onRenewed);
  };
}

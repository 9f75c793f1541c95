// /proc is read by warm-registry alone (it owns child tracking); the runner asks it.
export { groupHasLiveMembers, isProcessRunning } from '@canon/warm-registry';

/** Sends `signal` to every process of the group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

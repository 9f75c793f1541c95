const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const GIB = 1024 ** 3;

export function short(commit: string): string {
  return commit.slice(0, 12);
}

/** `3 days`, `5 hours`, `1 minute`: the coarsest unit that is at least one. */
export function duration(ms: number): string {
  const [n, unit] =
    ms >= DAY_MS
      ? [Math.floor(ms / DAY_MS), 'day']
      : ms >= HOUR_MS
        ? [Math.floor(ms / HOUR_MS), 'hour']
        : [Math.max(0, Math.floor(ms / MINUTE_MS)), 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)} GiB`;
}

export const DAY = DAY_MS;

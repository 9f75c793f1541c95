const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * True when `expires` (ISO-8601) is at or before `now`. A date without a time
 * (`2026-12-31`) lasts to the end of that UTC day, the way an operator reads
 * `--expires 2026-12-31`. A value that is not a date counts as expired: an excuse
 * nobody can date never silently lasts forever.
 */
export function isExpired(expires: string, now: Date): boolean {
  const start = Date.parse(DATE_ONLY.test(expires) ? `${expires}T00:00:00Z` : expires);
  if (Number.isNaN(start)) return true;
  const end = DATE_ONLY.test(expires) ? start + DAY_MS : start;
  return now.getTime() >= end;
}

/** Edit distance with adjacent transpositions (optimal string alignment): `swep`→`sweep` is 1. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The candidate nearest to what was typed, or null when none is close: within a third of
 * the longer word's length (at least one edit), or one being the start of the other.
 */
export function nearest(typed: string, candidates: readonly string[]): string | null {
  let best: { name: string; d: number } | null = null;
  for (const name of candidates) {
    const d = name.startsWith(typed) || typed.startsWith(name) ? 0.5 : distance(typed, name);
    if (d <= Math.max(1, Math.floor(Math.max(typed.length, name.length) / 3)) && (best === null || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

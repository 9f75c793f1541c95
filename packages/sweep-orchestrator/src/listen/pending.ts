import { join } from 'node:path';
import { z } from 'zod';
import { createSerial } from './serial.js';
import { readStateFile, writeStateFile } from './state-file.js';

const entrySchema = z.object({
  /** The first event not yet swept: the debounce counts from here. */
  since: z.iso.datetime(),
  last: z.iso.datetime(),
  events: z.number().int().nonnegative(),
});

const fileSchema = z.object({
  schema: z.literal(1),
  recipes: z.record(z.string(), entrySchema),
  /** Start times of listen-triggered sweeps in the last hour (maxSweepsPerHour survives a restart). */
  sweeps: z.array(z.iso.datetime()),
});

export type PendingEntry = z.infer<typeof entrySchema>;
export type PendingState = z.infer<typeof fileSchema>;

export type PendingSet = {
  readonly path: string;
  /** A copy of the current state. */
  snapshot(): PendingState;
  add(recipes: readonly string[], at?: Date): Promise<void>;
  /**
   * Drops the recipes a sweep started at `startedAt` swept; a recipe with an event after
   * that start stays pending, counted from the start (the sweep may not have seen that tag).
   */
  settle(swept: readonly string[], startedAt: Date): Promise<void>;
  /** Forgets recipes no longer enrolled (they would make `canon sweep --recipe` exit 2). */
  drop(recipes: readonly string[]): Promise<void>;
  recordSweep(at: Date): Promise<void>;
  forgetSweep(at: Date): Promise<void>;
};

const HOUR_MS = 3_600_000;

/** `<stateDir>/listen/pending.json`, rewritten atomically on every change; survives a restart. */
export async function openPendingSet(stateDir: string): Promise<PendingSet> {
  const path = join(stateDir, 'listen', 'pending.json');
  let state: PendingState = (await readStateFile(path, fileSchema)) ?? { schema: 1, recipes: {}, sweeps: [] };
  const serial = createSerial();
  const change = (edit: (draft: PendingState) => void): Promise<void> =>
    serial(async () => {
      const draft = structuredClone(state);
      edit(draft);
      await writeStateFile(path, draft);
      state = draft;
    });
  return {
    path,
    snapshot: () => structuredClone(state),
    add: (recipes, at = new Date()) =>
      change((d) => {
        const when = at.toISOString();
        for (const name of recipes) {
          const entry = d.recipes[name];
          d.recipes[name] = entry === undefined ? { since: when, last: when, events: 1 } : { ...entry, last: when, events: entry.events + 1 };
        }
      }),
    settle: (swept, startedAt) =>
      change((d) => {
        const start = startedAt.getTime();
        const done = new Set(swept);
        d.recipes = Object.fromEntries(
          Object.entries(d.recipes).flatMap(([name, entry]): [string, PendingEntry][] => {
            if (!done.has(name)) return [[name, entry]];
            if (Date.parse(entry.last) < start) return [];
            return [[name, Date.parse(entry.since) < start ? { ...entry, since: startedAt.toISOString() } : entry]];
          }),
        );
      }),
    drop: (recipes) =>
      change((d) => {
        d.recipes = Object.fromEntries(Object.entries(d.recipes).filter(([name]) => !recipes.includes(name)));
      }),
    recordSweep: (at) =>
      change((d) => {
        d.sweeps = [...d.sweeps.filter((t) => Date.parse(t) > at.getTime() - HOUR_MS), at.toISOString()];
      }),
    forgetSweep: (at) =>
      change((d) => {
        d.sweeps = d.sweeps.filter((t) => t !== at.toISOString());
      }),
  };
}

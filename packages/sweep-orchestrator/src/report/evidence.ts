// The evidence beside a failed outcome: which log to read and its telling line, so
// "FAILED — exited 1" also says `not ok 5 - login page renders: HTTP 500`. This is the
// one part of report/ that reads files: the sweep (journal line) and the report context
// call it, the renderers only print what it found.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RecipeRun } from '@canon/warm-registry';
import type { Evidence } from './context.js';
import { isProblem } from './internal/view.js';

/** Longer lines are cut: the evidence is one line of a report, not the log. */
const MAX_LINE = 300;

/** The step whose log explains the outcome: the test's, the promote's, else the last step logged. */
export function evidenceStep(entry: RecipeRun): string | null {
  const steps = Object.keys(entry.logs);
  const preferred = entry.outcome === 'GREEN-BUT-PROMOTE-FAILED' ? 'promote' : entry.outcome === 'SYNC-FAILED' ? 'sync' : 'test';
  if (steps.includes(preferred)) return preferred;
  return steps.at(-1) ?? null;
}

/** `runs/<runId>/<recipe>/<step>.log`: the log's path relative to stateDir. */
export function evidenceLog(entry: RecipeRun, runId: string, step: string): string {
  const path = entry.logs[step] ?? `${entry.recipe}/${step}.log`;
  return path.startsWith('/') ? path : `runs/${runId}/${path}`;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[A-Za-z]|[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** The first line matching `pattern`, else (no pattern, or nothing matched) the last non-empty line. */
export async function pickEvidenceLine(file: string, pattern: RegExp | null): Promise<string | null> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let last: string | null = null;
  try {
    for await (const raw of lines) {
      const line = raw.replace(CONTROL, '').trim();
      if (line === '') continue;
      if (pattern !== null && pattern.test(line)) return cut(line);
      last = line;
    }
  } catch {
    return null;
  } finally {
    lines.close();
  }
  return last === null ? null : cut(last);
}

function cut(line: string): string {
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/**
 * The evidence of one recipe's entry; null unless its outcome is a failure with a log.
 * `pattern` is test.failurePattern.
 */
export async function readEvidence(stateDir: string, runId: string, entry: RecipeRun, pattern: string | null | undefined): Promise<Evidence | null> {
  if (!isProblem(entry.outcome)) return null;
  const step = evidenceStep(entry);
  if (step === null) return null;
  const log = evidenceLog(entry, runId, step);
  const file = log.startsWith('/') ? log : `${stateDir.replace(/\/+$/, '')}/${log}`;
  return { log, line: await pickEvidenceLine(file, pattern ? new RegExp(pattern) : null) };
}

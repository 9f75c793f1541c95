export type GateInput = {
  enrolled: boolean;
  /** The suite's exit code; null when it never exited (killed, timed out). */
  exitCode: number | null;
  quick: boolean;
  /** A ref/branch override the run was made with, or null for a plain tag run. */
  ref: string | null;
  /** The tested version is a release tag on the mirror. */
  tagged: boolean;
  /** An unexpired `waive` entry for exactly the tested version (and commit): a red suite passes. */
  waiver?: { reason: string } | null;
};

export type GateExcuseCode =
  | 'not-enrolled'
  | 'suite-red'
  | 'quick-run'
  | 'ref-override'
  | 'not-a-release-tag'
  | 'blocked'
  | 'older-than-canonical';

export type GateExcuse = { code: GateExcuseCode; message: string };

/** `reasons` is empty exactly when `promote` is true; `waived` names the waiver a red passed by. */
export type GateVerdict = { promote: boolean; reasons: GateExcuse[]; waived?: string };

/**
 * Whether a run may become the canonical. Every failed clause is reported, like Debian
 * britney's excuses, so an operator sees all that stands in the way at once.
 */
export function evaluateGate(input: GateInput): GateVerdict {
  const reasons: GateExcuse[] = [];
  // A waiver excuses a red exit code only: a suite that never exited said nothing to waive.
  const waiver = input.exitCode !== null && input.exitCode !== 0 ? (input.waiver ?? null) : null;
  if (!input.enrolled) {
    reasons.push({ code: 'not-enrolled', message: 'the recipe is not enrolled in canon' });
  }
  if (input.exitCode !== 0 && waiver === null) {
    const how =
      input.exitCode === null ? 'did not exit (killed or timed out)' : `exited ${input.exitCode}`;
    reasons.push({ code: 'suite-red', message: `the suite ${how}; only exit code 0 is green` });
  }
  if (input.quick) {
    reasons.push({ code: 'quick-run', message: 'a quick run skips parts of the suite' });
  }
  if (input.ref !== null) {
    reasons.push({
      code: 'ref-override',
      message: `the run tested ref ${JSON.stringify(input.ref)}, not a release tag as published`,
    });
  }
  if (!input.tagged) {
    reasons.push({
      code: 'not-a-release-tag',
      message: 'the tested version is not a release tag on the mirror',
    });
  }
  const promote = reasons.length === 0;
  return promote && waiver !== null
    ? { promote, reasons, waived: waiver.reason }
    : { promote, reasons };
}

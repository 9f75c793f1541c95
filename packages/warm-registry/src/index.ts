export { LockedError, RegistryError } from './errors.js';
export { writeFileAtomic } from './write-file-atomic.js';
export type {
  LockedErrorData,
  LockHolder,
  RegistryErrorCode,
  RegistryErrorData,
} from './errors.js';
export { openRegistry } from './registry.js';
export type { DecisionRecords, LastGoodCheck, Registry, RegistryOptions } from './registry.js';
export {
  canonicalRecordSchema,
  ciWarmCanonicalSchema,
  REGISTRY_FORMATS,
} from './records/canonical.js';
export type {
  CanonicalRecord,
  CanonicalView,
  CiWarmCanonicalRecord,
  RegistryFormat,
} from './records/canonical.js';
export { HISTORY_EVENT_TYPES, historyEventSchema } from './records/history.js';
export type { HistoryEvent, KnownHistoryEventType } from './records/history.js';
export { attemptRecordSchema } from './records/attempt.js';
export {
  TEST_VERDICTS,
  testAttemptSchema,
  testVerdictSchema,
  verdictKeySchema,
  verdictRecordSchema,
} from './records/verdict.js';
export type { TestAttempt, TestVerdict, VerdictRecord } from './records/verdict.js';
export { APPROVAL_KINDS, approvalRecordSchema } from './records/approval.js';
export type { ApprovalKind, ApprovalRecord } from './records/approval.js';
export type { JsonlRead, JsonlWarning } from './internal/jsonl-lines.js';
export type { AttemptRecord } from './records/attempt.js';
export { recipeRunSchema, runRecordSchema, summarizeOutcomes } from './records/run.js';
export type { RecipeRun, RunRecord } from './records/run.js';
export { closeUnfinishedRuns, createRun, listRuns, newRunId, pruneRuns, readLatestFullRun, readLatestRun, readRun } from './runs.js';
export type { RunStore, UnfinishedRuns } from './runs.js';
export { acquireAppLock, acquireSweepLock, readSweepLock } from './locks.js';
export { acquireFlocks } from './flocks.js';
export type { FlockOptions, Flocks } from './flocks.js';
export type { AppLock, AppLockOptions, SweepLock, SweepLockOptions } from './locks.js';
export { reapOrphans, trackChild, trackedGroups, untrackChild } from './children.js';
export {
  groupHasLiveMembers,
  isProcessRunning,
  isRunning,
  liveGroupMembers,
  readProcStat,
  readProcStatSync,
} from './proc.js';
export type { ProcStat } from './proc.js';
export type { ReapResult } from './children.js';
export { registryJsonSchemas } from './json-schemas.js';

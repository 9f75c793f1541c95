export { checkPrograms, checkRelativePrograms, REQUIRED_PROGRAMS } from './check-programs.js';
export type { ProgramCheck } from './check-programs.js';
export {
  deriveTimeoutStartSec,
  deriveTimeoutStopSec,
  DEFAULT_KILL_GRACE_SECONDS,
  RECIPE_OVERHEAD_SECONDS,
  SWEEP_OVERHEAD_SECONDS,
} from './derive-timeout.js';
export type { RecipeLimits, UnitLimits } from './derive-timeout.js';
export { TimerUnitsError } from './errors.js';
export type { TimerUnitsErrorCode, TimerUnitsErrorData } from './errors.js';
export { parseOnCalendar } from './parse-on-calendar.js';
export type { OnCalendarResult } from './parse-on-calendar.js';
export { parseSchedule } from './schedule.js';
export type { ScheduleResult } from './schedule.js';
export {
  LISTEN_ENVIRONMENT,
  LISTEN_SERVICE_NAME,
  METRICS_SERVICE_NAME,
  METRICS_TIMER_NAME,
  renderUnits,
  SERVICE_NAME,
  TIMER_NAME,
  WORKER_SERVICE_NAME,
} from './render-units.js';
export type {
  ListenUnitInput,
  MetricsUnitInput,
  RenderedUnits,
  RenderInput,
  Schedule,
  WorkerUnitInput,
} from './render-units.js';
export { resolveOnPath, splitPath } from './resolve-on-path.js';
export { verifyUnits } from './verify-units.js';
export type { ProblemCode, UnitProblem } from './problems.js';
export type { VerifyExpected, VerifyResult } from './verify-units.js';
export { writeUnits } from './write-units.js';
export type { WrittenUnits } from './write-units.js';

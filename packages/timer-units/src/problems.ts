/** What verifyUnits and checkPrograms report; each code names one kind of broken unit. */
export type ProblemCode =
  | 'MISSING_UNIT'
  | 'BAD_ON_CALENDAR'
  | 'MISSING_PERSISTENT'
  | 'BAD_PERSISTENT'
  | 'SCHEDULE_MISMATCH'
  | 'NOT_ONESHOT'
  | 'EXECSTART_NOT_ABSOLUTE'
  | 'EXECSTART_NOT_EXECUTABLE'
  | 'EXECSTART_NOT_SWEEP'
  | 'MISSING_PATH'
  | 'PROGRAM_NOT_ON_PATH'
  | 'MISSING_INTERPRETER'
  | 'RELATIVE_PROGRAM'
  | 'MISSING_ENVIRONMENT'
  | 'MISSING_CREDENTIAL'
  | 'READ_ONLY_PATH'
  | 'MISSING_WORKING_DIRECTORY'
  | 'MISSING_CONFIG'
  | 'CONFIG_MISMATCH'
  | 'BAD_KILL_MODE'
  | 'HOLLOW'
  | 'SYSTEMD_ANALYZE';

export type UnitProblem = { code: ProblemCode; message: string };

export { evaluateGate } from './gate.js';
export type { GateExcuse, GateExcuseCode, GateInput, GateVerdict } from './gate.js';
export { policyExcuses } from './policy.js';
export type { PolicyInput } from './policy.js';
export { deriveOutcome, OUTCOMES } from './outcome.js';
export type { Outcome, OutcomeInput, OutcomeLabel, RecordRef } from './outcome.js';

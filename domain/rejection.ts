/**
 * Why a step was refused, for every workflow type: the code says how the API answers it
 * (api/update-problem.ts) — a rule broken by the content is 422, a step that does not fit now 409,
 * an answer already given 409, a link from an earlier round 410, an embassy's answer that cannot be
 * recorded 422. `details` carries what the client needs to act (e.g. each passenger who cannot board).
 */
export type RejectionCode = 'stage_conflict' | 'rule_violation' | 'already_answered' | 'stale_link' | 'invalid_answer';

export class StepRejected extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'StepRejected';
  }
}

/** The step does not fit the object now (its stage, a hold, a closure). */
export const conflict = (message: string) => new StepRejected('stage_conflict', message);

/** The step's content breaks a programme rule. */
export const violation = (message: string, details?: unknown) => new StepRejected('rule_violation', message, details);

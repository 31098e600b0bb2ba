/** The programme's published eligibility criteria: returned through it, within its window, not assisted before, screened. */
export interface EligibilityCriteria {
  returnedThroughProgramme: boolean;
  withinProgrammeWindow: boolean;
  notPreviouslyAssisted: boolean;
  vulnerabilityScreeningDone: boolean;
}

export const ELIGIBILITY_DECISIONS = ['eligible', 'ineligible', 'referred'] as const;
export type EligibilityDecision = (typeof ELIGIBILITY_DECISIONS)[number];

/** The criteria a decision of `eligible` leaves unmet; a non-empty list makes it an exception. */
export function unmetCriteria(criteria: EligibilityCriteria): (keyof EligibilityCriteria)[] {
  return (Object.keys(criteria) as (keyof EligibilityCriteria)[]).filter((key) => !criteria[key]);
}

/** An `eligible` decision the criteria do not support needs a supervisor's approval. */
export function isException(decision: EligibilityDecision, criteria: EligibilityCriteria): boolean {
  return decision === 'eligible' && unmetCriteria(criteria).length > 0;
}

/**
 * The criteria Sira knows from its own records rather than the officer's say-so: whether the return
 * falls within the programme's window, and whether the person was assisted before (an earlier case
 * of the same biometric reference or document number reached an approved plan).
 */
export function criteriaFromRecords(
  facts: { arrivedAt: string; previouslyAssisted?: boolean },
  window: { startsOn: string; endsOn?: string },
): Pick<EligibilityCriteria, 'withinProgrammeWindow' | 'notPreviouslyAssisted'> {
  const day = facts.arrivedAt.slice(0, 10);
  return {
    withinProgrammeWindow: day >= window.startsOn && (window.endsOn === undefined || day <= window.endsOn),
    notPreviouslyAssisted: !facts.previouslyAssisted,
  };
}

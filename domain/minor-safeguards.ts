/**
 * An unaccompanied or separated minor (UASC) cannot start a plan or travel until the safeguards
 * allow it: not merely recorded, but favourable (UNHCR/IOM best-interests
 * procedures).
 */
import { CLOCK_SKEW_MS } from './clock';

export const BEST_INTERESTS_DETERMINATIONS = ['return_in_best_interests', 'return_not_in_best_interests', 'pending'] as const;
export type BestInterestsDetermination = (typeof BEST_INTERESTS_DETERMINATIONS)[number];

export const TRACING_STATUSES = ['not_started', 'in_progress', 'done'] as const;
export const TRACING_OUTCOMES = ['family_found', 'family_not_found', 'family_found_not_safe'] as const;
export type TracingOutcome = (typeof TRACING_OUTCOMES)[number];

export interface MinorSafeguards {
  bestInterests: {
    assessedAt: string;
    /** The determination's reference in the child-protection file (a manifest carries it). */
    reference: string;
    determination: BestInterestsDetermination;
    notes?: string;
  };
  familyTracing: {
    status: (typeof TRACING_STATUSES)[number];
    outcome?: TracingOutcome;
    /** Care arranged when the family cannot take the child back (foster family, centre): how and by whom. */
    alternativeCare?: string;
  };
  consents: { minor: boolean; guardian: boolean };
  escort?: string;
}

/** Tracing allows return when it found a family that can take the child back, or arranged alternative care. */
export function tracingAllowsReturn(tracing: MinorSafeguards['familyTracing']): boolean {
  if (tracing.status !== 'done') return false;
  return tracing.outcome === 'family_found' || Boolean(tracing.alternativeCare?.trim());
}

/** What still stands in the way of a minor's plan; empty when nothing does. */
export function missingForPlan(safeguards: MinorSafeguards | undefined): string[] {
  if (!safeguards) {
    return ['a best-interests determination in favour of return', 'family tracing that allows return', "minor's consent", "guardian's consent"];
  }
  const missing: string[] = [];
  if (safeguards.bestInterests.determination !== 'return_in_best_interests') {
    missing.push('a best-interests determination in favour of return');
  }
  if (!tracingAllowsReturn(safeguards.familyTracing)) {
    missing.push('family tracing that allows return (family found, or alternative care documented)');
  }
  if (!safeguards.consents.minor) missing.push("minor's consent");
  if (!safeguards.consents.guardian) missing.push("guardian's consent");
  return missing;
}

/** Travel also needs a named escort. */
export function missingForTravel(safeguards: MinorSafeguards | undefined): string[] {
  const missing = missingForPlan(safeguards);
  if (!safeguards?.escort?.trim()) missing.push('escort');
  return missing;
}

/** Safeguard dates are facts already established: never in the future. */
export function futureSafeguardDates(safeguards: MinorSafeguards, now: number): string[] {
  return Date.parse(safeguards.bestInterests.assessedAt) > now + CLOCK_SKEW_MS ? ['bestInterests.assessedAt'] : [];
}

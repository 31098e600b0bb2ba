/** Sustainability scores of a monitoring visit, in the spirit of IOM's Reintegration Sustainability Survey. */
export interface SustainabilityScores {
  economic: number;
  social: number;
  psychosocial: number;
}

/** The composite is the mean of the three dimensions, rounded to three decimals. */
export function compositeScore(scores: SustainabilityScores): number {
  const mean = (scores.economic + scores.social + scores.psychosocial) / 3;
  return Math.round(mean * 1000) / 1000;
}

export function isSustainable(composite: number, threshold: number): boolean {
  return composite >= threshold;
}

/**
 * Why a visit dated `visitedAt` cannot count as the case's next scheduled visit, or undefined when
 * it can: visits are ordered, dated after monitoring starts, and the n-th counts only from its offset
 * after the start (less the early window), so three visits on one day never complete a case.
 */
export function visitScheduleProblem(
  visit: { visitedAt: string; n: number; previousVisitedAt?: string; monitoringStartsAt: number },
  schedule: { offsetsMs: number[]; earlyWindowMs: number },
): string | undefined {
  const at = Date.parse(visit.visitedAt);
  if (at < visit.monitoringStartsAt) return `visitedAt is before monitoring started (${new Date(visit.monitoringStartsAt).toISOString()})`;
  if (visit.previousVisitedAt && at < Date.parse(visit.previousVisitedAt)) {
    return `visitedAt is before the previous visit (${visit.previousVisitedAt})`;
  }
  const offset = schedule.offsetsMs[Math.min(visit.n, schedule.offsetsMs.length) - 1];
  const earliest = visit.monitoringStartsAt + offset - schedule.earlyWindowMs;
  if (at < earliest) {
    return `visit ${visit.n} is due from ${new Date(visit.monitoringStartsAt + offset).toISOString().slice(0, 10)}; it counts from ${new Date(earliest).toISOString().slice(0, 10)}`;
  }
  return undefined;
}

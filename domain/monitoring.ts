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

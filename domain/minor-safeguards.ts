/**
 * An unaccompanied or separated minor cannot start a plan or travel until these are recorded
 * (DOMAIN.md, Children).
 */
export interface MinorSafeguards {
  bestInterests: { assessedAt: string; determination: string };
  familyTracing: { status: 'not_started' | 'in_progress' | 'done'; outcome?: string };
  consents: { minor: boolean; guardian: boolean };
  escort?: string;
}

/** What is still missing before a minor's plan can be approved; empty when nothing is. */
export function missingForPlan(safeguards: MinorSafeguards | undefined): string[] {
  if (!safeguards) return ['best-interests assessment', 'family tracing', "minor's consent", "guardian's consent"];
  const missing: string[] = [];
  if (!safeguards.bestInterests.assessedAt) missing.push('best-interests assessment');
  if (safeguards.familyTracing.status !== 'done') missing.push('family tracing');
  if (!safeguards.consents.minor) missing.push("minor's consent");
  if (!safeguards.consents.guardian) missing.push("guardian's consent");
  return missing;
}

/** Travel also needs a named escort. */
export function missingForTravel(safeguards: MinorSafeguards | undefined): string[] {
  const missing = missingForPlan(safeguards);
  if (!safeguards?.escort) missing.push('escort');
  return missing;
}

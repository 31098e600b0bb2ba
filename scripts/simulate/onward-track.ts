import type { CaseStepPlan, Journey } from './journey';
import type { Programme } from './programme';
import type { Random } from './random';
import { after, afterHours } from './schedule';

/** What becomes of a migrant in transit: home with a document, or not (refused, or no answer yet). */
export type OnwardOutcome = 'departs' | 'refused' | 'unanswered';

export interface OnwardContext {
  rng: Random;
  programme: Programme;
  end: number;
}

/**
 * The steps of a migrant in transit (the onward-return track): reception, an unaccompanied minor's
 * safeguards, a travel document (asked of the embassy, answered through the liaison link, or already
 * held), then the departure home and the handover; after a refusal the case is closed.
 */
export function planOnwardJourney(ctx: OnwardContext, journey: Journey, outcome: OnwardOutcome): void {
  const { rng, programme: p, end } = ctx;
  const steps = journey.steps;
  const reception = afterHours(rng, journey.arrival.at, p.reception.hoursAfterArrival, end);
  if (reception === undefined) return;
  steps.push({
    kind: 'reception',
    at: reception,
    medical: false,
    psychologicalFirstAid: false,
    referrals: [],
  });
  let previous = reception;
  if (journey.unaccompaniedMinor) {
    const at = after(rng, previous, p.minorSafeguards.daysAfterReception, end);
    if (at === undefined) return;
    // The best-interests determination was made the day before it was recorded.
    steps.push({
      kind: 'minorSafeguards',
      at,
      assessedAt: Math.max(reception, at - 86_400_000),
      reference: `BID-${journey.ref}`,
      escort: p.minorSafeguards.escort,
    });
    previous = at;
  }
  const requestAt = after(rng, previous, p.travelDocuments.requestDaysAfterReception, end);
  if (requestAt === undefined) return;
  const td = p.travelDocuments;
  const held = outcome === 'departs' && rng.chance(td.heldDocumentShare);
  const answers: ('interview' | 'issued' | 'refused')[] =
    outcome === 'unanswered'
      ? []
      : outcome === 'refused'
        ? ['refused']
        : held
          ? []
          : rng.chance(td.interviewShare)
            ? ['interview', 'issued']
            : ['issued'];
  const request: CaseStepPlan = held
    ? {
        kind: 'travelDocument',
        at: requestAt,
        held: { type: rng.weighted(td.heldDocumentTypes), number: `P${journey.ref}` },
        answers,
        documentNumber: `P${journey.ref}`,
      }
    : {
        kind: 'travelDocument',
        at: requestAt,
        documentType: rng.weighted(td.documentTypes),
        answers,
        documentNumber: `LP-${journey.person.nationality}-${journey.ref}`,
      };
  steps.push(request);
  if (outcome === 'departs') {
    const departedAt = after(rng, requestAt, td.departureDaysAfterRequest, end);
    if (departedAt === undefined) return;
    steps.push({
      kind: 'departure',
      at: departedAt,
      transport: rng.pick(p.nonMalians.transport),
      handoverTo: `${p.nonMalians.handoverTo} ${journey.person.nationality}`,
    });
  } else if (outcome === 'refused') {
    const at = after(rng, requestAt, p.nonMalians.closureDaysAfterRefusal, end);
    const approved = after(rng, at, p.eligibility.closureApprovalDays, end);
    if (at === undefined || approved === undefined) return;
    steps.push(
      { kind: 'closure', at, reason: p.nonMalians.closureAfterRefusal },
      { kind: 'closureApproval', at: approved },
    );
  }
}

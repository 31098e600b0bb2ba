import type { Actor } from './actors';
import { iso } from './calendar';
import type { CaseStepPlan, Journey } from './journey';

/** One HTTP request of a step: who sends it, where, with what body. */
export interface StepRequest {
  actor: Actor;
  method: 'POST' | 'DELETE';
  path: string;
  body: unknown;
}

export interface StepRequestContext {
  caseId: string;
  /** Names this run apart from others on the same stack (biometric references, project ids, keys). */
  runTag: string;
  vendorIds: string[];
  /** Dates Sira checks against the real calendar: a planned departure is today or later. */
  now: number;
  travelDocuments: { plannedDepartureInDays: number; validityDays: number };
}

const DAY_MS = 86_400_000;

/** The registration a case officer sends for someone who did not come by charter. */
export function registrationRequest(journey: Journey, runTag: string): StepRequest {
  return {
    actor: { role: 'case_officer', centre: journey.centreCode },
    method: 'POST',
    path: '/v1/cases',
    body: {
      person: journey.person,
      arrival: {
        mode: journey.arrival.mode,
        arrivedAt: iso(journey.arrival.at),
        fromCountry: journey.arrival.fromCountry,
      },
      centreCode: journey.centreCode,
      ...(journey.residenceRegion ? { residenceRegion: journey.residenceRegion } : {}),
      vulnerabilities: journey.vulnerabilities,
      unaccompaniedMinor: journey.unaccompaniedMinor,
      biometricRef: biometricRefOf(journey.biometricRef, runTag),
      consentToDataProcessing: true,
    },
  };
}

export const biometricRefOf = (ref: string, runTag: string): string => `MIMOSA-${runTag}-${ref}`;

/** A planned departure Sira accepts today: a few days ahead on the real calendar, with a document valid beyond it. */
export function documentDates(ctx: Pick<StepRequestContext, 'now' | 'travelDocuments'>): {
  plannedDeparture: string;
  validUntil: string;
} {
  const day = (ms: number) => iso(ms).slice(0, 10);
  return {
    plannedDeparture: day(ctx.now + ctx.travelDocuments.plannedDepartureInDays * DAY_MS),
    validUntil: day(
      ctx.now + (ctx.travelDocuments.plannedDepartureInDays + ctx.travelDocuments.validityDays) * DAY_MS,
    ),
  };
}

/** The request that takes a planned step on the journey's case, as its officer or supervisor would send it. */
export function stepRequest(journey: Journey, step: CaseStepPlan, ctx: StepRequestContext): StepRequest {
  const officer: Actor = { role: 'case_officer', centre: journey.centreCode };
  const supervisor: Actor = { role: 'supervisor', centre: journey.centreCode };
  const at = iso(step.at);
  const on = (path: string, body: unknown, actor: Actor = officer): StepRequest => ({
    actor,
    method: 'POST',
    path: `/v1/cases/${ctx.caseId}${path}`,
    body,
  });
  switch (step.kind) {
    case 'reception':
      return on('/reception', {
        occurredAt: at,
        centreCode: journey.centreCode,
        ...(step.medical ? { medical: { provided: true, notes: 'Soins de premier recours au centre' } } : {}),
        ...(step.psychologicalFirstAid ? { psychologicalFirstAid: true } : {}),
        ...(step.referrals.length ? { referrals: step.referrals } : {}),
      });
    case 'counselling':
      return on('/counselling-sessions', { heldAt: at, summary: step.summary });
    case 'eligibility':
      return on('/eligibility', {
        occurredAt: at,
        decision: step.decision,
        criteria: {
          returnedThroughProgramme: true,
          withinProgrammeWindow: true,
          notPreviouslyAssisted: true,
          vulnerabilityScreeningDone: step.screeningDone,
        },
        reason: step.reason,
      });
    case 'eligibilityApproval':
      return on(
        '/approvals',
        { occurredAt: at, subject: 'eligibility', decision: 'approved', comment: 'Décision confirmée' },
        supervisor,
      );
    case 'plan':
      return on('/plan', {
        occurredAt: at,
        type: step.planType,
        ...(step.projectId ? { projectId: `${ctx.runTag}-${step.projectId}` } : {}),
        sector: step.sector,
        budgetXof: step.budgetXof,
        dimensions: step.dimensions,
      });
    case 'planDecision':
      return on(
        '/approvals',
        { occurredAt: at, subject: 'plan', decision: step.decision, comment: step.comment },
        supervisor,
      );
    case 'tranche':
      return on('/tranches', {
        occurredAt: at,
        amountXof: step.amountXof,
        vendorId: ctx.vendorIds[step.vendor % ctx.vendorIds.length],
        items: step.items,
      });
    case 'trancheApproval':
      return on(
        '/approvals',
        { occurredAt: at, subject: 'tranche', ref: step.n, decision: 'approved' },
        supervisor,
      );
    case 'payment':
      return on(`/tranches/${step.n}/payment`, { paidAt: at, reference: step.reference });
    case 'visit':
      return on('/monitoring-visits', { visitedAt: at, scores: step.scores });
    case 'minorSafeguards':
      return on('/minor-safeguards', {
        occurredAt: at,
        bestInterests: {
          assessedAt: iso(step.assessedAt),
          reference: step.reference,
          determination: 'return_in_best_interests',
        },
        familyTracing: { status: 'done', outcome: 'family_found' },
        consents: { minor: true, guardian: true },
        escort: step.escort,
      });
    case 'travelDocument': {
      const { plannedDeparture, validUntil } = documentDates(ctx);
      return on(
        '/travel-documents',
        step.held
          ? {
              existingDocument: { type: step.held.type, number: step.held.number, validUntil },
              plannedDeparture,
              occurredAt: at,
            }
          : { documentType: step.documentType, plannedDeparture, occurredAt: at },
      );
    }
    case 'departure':
      return on('/departure', { departedAt: at, transport: step.transport, handoverTo: step.handoverTo });
    case 'closure':
      return on('/closure', { occurredAt: at, reason: step.reason });
    case 'closureApproval':
      return on(
        '/approvals',
        { occurredAt: at, subject: 'closure', decision: 'approved', comment: 'Clôture confirmée' },
        supervisor,
      );
  }
}

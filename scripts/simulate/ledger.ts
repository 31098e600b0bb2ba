import type { CaseStepPlan, FlowObservationPlan, Journey } from './journey';

/** The embassy's answers to one journey's travel-document request, with when each was given (wall clock). */
export interface TravelDocumentFacts {
  requestedAt: number;
  held: boolean;
  answers: { decision: 'interview' | 'issued' | 'refused'; answeredAt: number }[];
}

/**
 * What the simulation did, and only what Sira accepted: the cases opened, each step taken with its
 * business date, the charters landed, the embassies' answers, the flow counts recorded. The ground
 * truth is counted from this, never from Sira.
 */
export class Ledger {
  readonly opened = new Map<string, { journey: Journey; caseId: string }>();
  readonly steps = new Map<string, CaseStepPlan[]>();
  readonly travelDocuments = new Map<string, TravelDocumentFacts>();
  readonly chartersLanded: { ref: string; arrivedAt: number }[] = [];
  readonly flowObservations: FlowObservationPlan[] = [];

  open(journey: Journey, caseId: string): void {
    this.opened.set(journey.ref, { journey, caseId });
    this.steps.set(journey.ref, []);
  }

  took(journey: Journey, step: CaseStepPlan): void {
    this.steps.get(journey.ref)!.push(step);
  }

  caseIdOf(journey: Journey): string | undefined {
    return this.opened.get(journey.ref)?.caseId;
  }
}

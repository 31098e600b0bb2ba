/**
 * What the simulation plans before it sends anything: each returnee's journey (their case and the
 * steps people take on it, each with its business date in ms), each charter and its manifest. The
 * planned programme is a pure function of the programme file, the scale and the seed.
 */
export type Sex = 'F' | 'M';
export type Track = 'reintegration' | 'onward_return';
export type PlanType = 'individual' | 'collective' | 'community';

export interface Person {
  familyName: string;
  givenName: string;
  sex: Sex;
  dateOfBirth: string;
  nationality: string;
}

export interface TrancheItem {
  description: string;
  quantity: number;
  unitCostXof: number;
}

/** One step of a case, as the person who takes it would; `at` is its business date. */
export type CaseStepPlan =
  | {
      kind: 'reception';
      at: number;
      medical: boolean;
      psychologicalFirstAid: boolean;
      referrals: { kind: 'health' | 'psychosocial'; to: string }[];
    }
  | { kind: 'counselling'; at: number; summary: string }
  | {
      kind: 'eligibility';
      at: number;
      decision: 'eligible' | 'ineligible';
      screeningDone: boolean;
      reason: string;
    }
  | { kind: 'eligibilityApproval'; at: number }
  | {
      kind: 'plan';
      at: number;
      planType: PlanType;
      projectId?: string;
      sector: string;
      budgetXof: number;
      dimensions: string[];
    }
  | { kind: 'planDecision'; at: number; decision: 'approved' | 'rejected'; comment: string }
  | { kind: 'tranche'; at: number; n: number; amountXof: number; vendor: number; items: TrancheItem[] }
  | { kind: 'trancheApproval'; at: number; n: number }
  | { kind: 'payment'; at: number; n: number; reference: string }
  | { kind: 'visit'; at: number; scores: { economic: number; social: number; psychosocial: number } }
  | { kind: 'minorSafeguards'; at: number; assessedAt: number; reference: string; escort: string }
  | {
      kind: 'travelDocument';
      at: number;
      /** Asked of the embassy, or a document the migrant already holds (`held`). */
      documentType?: string;
      held?: { type: string; number: string };
      /** The embassy's answers, in order, through the liaison link; none: it never answers. */
      answers: ('interview' | 'issued' | 'refused')[];
      documentNumber: string;
    }
  | { kind: 'departure'; at: number; transport: string; handoverTo: string }
  | { kind: 'closure'; at: number; reason: string }
  | { kind: 'closureApproval'; at: number };

export type CaseStepKind = CaseStepPlan['kind'];

export interface Arrival {
  mode: 'charter' | 'commercial' | 'land' | 'in_transit';
  at: number;
  fromCountry: string;
  /** The charter that brought them: the case opens on the flight's arrival. */
  charter?: string;
}

export interface Journey {
  /** The journey's name within the run (M00042, N00007): keys, references and the ledger use it. */
  ref: string;
  track: Track;
  person: Person;
  /** The person's biometric reference within the run (MiMOSA-style); a person back a second time keeps theirs. */
  biometricRef: string;
  unaccompaniedMinor: boolean;
  arrival: Arrival;
  centreCode: string;
  residenceRegion?: string;
  vulnerabilities: string[];
  steps: CaseStepPlan[];
  /** Pending in mid-January 2019: suspended with the others by one bulk hold, resumed later. */
  heldInBulk: boolean;
}

export interface CharterPlan {
  ref: string;
  flightNumber: string;
  origin: string;
  destination: string;
  capacity: number;
  consentSignedAt: number;
  departedAt: number;
  arrivedAt: number;
  centreCode: string;
  /** Those who board: each opens a case on arrival. */
  passengers: Journey[];
  /** On the manifest, but not at the gate. */
  noShows: { ref: string; person: Person }[];
}

export interface FlowObservationPlan {
  point: string;
  date: string;
  counts: Record<string, number>;
}

export interface VendorPlan {
  name: string;
  region: string;
}

export interface ProgrammePlan {
  period: { from: string; to: string };
  /** When the bulk hold falls: steps before it run first, then the hold, then the rest. */
  holdAt: number;
  charters: CharterPlan[];
  /** Cases a case officer registers (everyone who did not come by charter). */
  registrations: Journey[];
  flowObservations: FlowObservationPlan[];
  vendors: VendorPlan[];
}

/** Every journey of the plan, charter passengers included. */
export function allJourneys(plan: ProgrammePlan): Journey[] {
  return [...plan.charters.flatMap((c) => c.passengers), ...plan.registrations];
}

import type { EligibilityCriteria, EligibilityDecision } from './eligibility';
import type { MinorSafeguards } from './minor-safeguards';
import type { SustainabilityScores } from './monitoring';
import type { Role } from './reference';
import type { ClosureReason, Stage, Track } from './stages';

/** Who performed a step: the token's subject and role. Never a name. */
export interface Actor {
  sub: string;
  role: Role;
}

export const PLAN_TYPES = ['individual', 'collective', 'community'] as const;
export type PlanType = (typeof PLAN_TYPES)[number];
export const PLAN_DIMENSIONS = ['economic', 'social', 'psychosocial'] as const;
export type PlanDimension = (typeof PLAN_DIMENSIONS)[number];

export interface Plan {
  version: number;
  type: PlanType;
  projectId?: string;
  sector: string;
  budgetXof: number;
  dimensions: PlanDimension[];
  status: 'submitted' | 'approved' | 'rejected';
  submittedBy: string;
  /** The budget first approved, when a supervisor has since reduced it. */
  reducedFromXof?: number;
}

export interface Tranche {
  n: number;
  amountXof: number;
  /** The vendor's name; `vendorId` names it in the vendors' reference data (absent on older tranches). */
  vendor: string;
  vendorId?: string;
  status: 'requested' | 'approved' | 'rejected' | 'paid' | 'cancelled';
  requestedBy: string;
  approvedBy?: string;
  paidAt?: string;
}

export interface OpenTask {
  /** Changes whenever the task changes, which restarts its clock. */
  key: string;
  label: string;
  startedAt: number;
  slaMs: number;
  /** Time spent suspended while this task was open: the clock stops meanwhile. */
  pausedMs: number;
  /** 0 on time, 1 past its due date (supervisor told), 2 past twice its SLA (manager told). */
  overdueLevel: 0 | 1 | 2;
}

/**
 * The live state of one case, as the workflow holds it. It carries no names, dates of birth or
 * phone numbers: those live in Postgres only.
 */
/**
 * The rules a case follows. A case keeps the rules it was opened under: the version is fixed when its
 * workflow starts (a `patched` marker each), so cases opened earlier, and their recorded histories,
 * replay as they ran. Version 2: holds freeze commitments not facts, completion means completion,
 * favourable safeguards, binding eligibility, money controls, documents never lost. Version 3: a
 * step's own date (heldAt, paidAt, visitedAt, departedAt) is never before the case's previous step.
 * Undefined: the first rules.
 */
export const RULES_VERSION = 3;

export interface CaseState {
  /** The rules this case follows (see RULES_VERSION); undefined for cases opened under the first rules. */
  rulesVersion?: number;
  caseId: string;
  track: Track;
  stage: Stage;
  /** Incremented by every applied step; keys the step's event row. */
  seq: number;
  centreCode: string;
  nationality: string;
  minor: boolean;
  /** A minor's 18th birthday (YYYY-MM-DD): the case stops counting them as a minor that day. */
  adultOn?: string;
  officer: string;
  flightId?: string;
  arrivedAt: string;
  receivedAt?: string;
  /** The latest business date of the case's steps: a step recorded later may not say it happened before it. */
  lastOccurredAt?: string;
  /** The person's earlier case, when this is a second return (same biometric reference or document). */
  previousCaseId?: string;
  /** The earlier case reached reintegration assistance (an approved plan): not eligible again by default. */
  previouslyAssisted?: boolean;
  counsellingSessions: number;
  eligibility?: {
    decision: EligibilityDecision;
    criteria: EligibilityCriteria;
    reason: string;
    /** The decision awaits a supervisor: an `eligible` against unmet criteria, or an officer's `ineligible`. */
    exception: boolean;
    approval?: 'approved' | 'rejected';
    decidedBy: string;
    /** A supervisor's rejection binds: the same decision again needs a counselling session held after it. */
    rejectedAfterSessions?: number;
  };
  /** The arrival cash grant given at reception; above the cap it waits for a supervisor. */
  cashGrant?: { amountXof: number; status: 'granted' | 'awaiting_approval' | 'rejected'; recordedBy: string };
  plan?: Plan;
  tranches: Tranche[];
  monitoringStartedAt?: number;
  visits: { visitedAt: string; composite: number; sustainable: boolean }[];
  safeguards?: MinorSafeguards;
  pendingClosure?: { reason: ClosureReason; requestedBy: string; comment?: string };
  travelDocument?: {
    requestId: string;
    status: 'requested' | 'issued' | 'refused' | 'expired';
    validUntil?: string;
    /** The departure the document must cover (YYYY-MM-DD or date-time). */
    plannedDeparture?: string;
    /** A document the person already held (passport, national ID): no embassy was asked. */
    held?: { type: string };
  };
  suspension?: { reason: string; since: number; by: string };
  task?: OpenTask;
  /** `stage`: where the case was when it closed, for a reopening. */
  closure?: { reason: ClosureReason; at: string; by: string; stage?: Stage };
  /** How many times a supervisor reopened the case. */
  reopenings?: number;
  /** When the person withdrew their consent to data processing: the case closed then, for good. */
  consentWithdrawnAt?: string;
}

export interface CaseRegistration {
  caseId: string;
  track: Track;
  centreCode: string;
  nationality: string;
  minor: boolean;
  officer: string;
  flightId?: string;
  arrivedAt: string;
  adultOn?: string;
}

export function newCaseState(registration: CaseRegistration): CaseState {
  return {
    ...registration,
    rulesVersion: RULES_VERSION,
    stage: 'registered',
    seq: 0,
    counsellingSessions: 0,
    tranches: [],
    visits: [],
  };
}

export type { SustainabilityScores };

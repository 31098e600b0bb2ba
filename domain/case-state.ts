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
}

export interface Tranche {
  n: number;
  amountXof: number;
  vendor: string;
  status: 'requested' | 'approved' | 'rejected' | 'paid';
  requestedBy: string;
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
export interface CaseState {
  caseId: string;
  track: Track;
  stage: Stage;
  /** Incremented by every applied step; keys the step's event row. */
  seq: number;
  centreCode: string;
  nationality: string;
  minor: boolean;
  officer: string;
  flightId?: string;
  arrivedAt: string;
  receivedAt?: string;
  counsellingSessions: number;
  eligibility?: {
    decision: EligibilityDecision;
    criteria: EligibilityCriteria;
    reason: string;
    exception: boolean;
    approval?: 'approved' | 'rejected';
    decidedBy: string;
  };
  plan?: Plan;
  tranches: Tranche[];
  monitoringStartedAt?: number;
  visits: { visitedAt: string; composite: number; sustainable: boolean }[];
  safeguards?: MinorSafeguards;
  pendingClosure?: { reason: ClosureReason; requestedBy: string; comment?: string };
  travelDocument?: { requestId: string; status: 'requested' | 'issued' | 'refused' | 'expired'; validUntil?: string };
  suspension?: { reason: string; since: number; by: string };
  task?: OpenTask;
  closure?: { reason: ClosureReason; at: string; by: string };
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
}

export function newCaseState(registration: CaseRegistration): CaseState {
  return {
    ...registration,
    stage: 'registered',
    seq: 0,
    counsellingSessions: 0,
    tranches: [],
    visits: [],
  };
}

export type { SustainabilityScores };

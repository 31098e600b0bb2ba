import type { CasePolicy } from './case-policy';
import type { Actor, CaseState, PlanDimension, PlanType } from './case-state';
import { type EligibilityCriteria, type EligibilityDecision, isException } from './eligibility';
import { type MinorSafeguards, missingForPlan, missingForTravel } from './minor-safeguards';
import { compositeScore, isSustainable, type SustainabilityScores } from './monitoring';
import { refreshTask } from './open-task';
import { type ClosureReason, isTerminal, type Stage } from './stages';
import type { TravelDocumentRequest } from './travel-document';

/** A human step on a case. Each one is a Workflow Update of the same name. */
export type CaseStep =
  | {
      type: 'recordReception';
      centreCode: string;
      cashGrantXof?: number;
      medical?: { provided: boolean; notes?: string };
      psychologicalFirstAid?: boolean;
      referrals?: { kind: 'health' | 'legal' | 'psychosocial'; to: string }[];
    }
  | { type: 'recordCounsellingSession'; heldAt: string; summary?: string }
  | { type: 'decideEligibility'; decision: EligibilityDecision; criteria: EligibilityCriteria; reason: string }
  | {
      type: 'submitPlan';
      planType: PlanType;
      projectId?: string;
      sector: string;
      budgetXof: number;
      dimensions: PlanDimension[];
    }
  | {
      type: 'recordApproval';
      subject: 'eligibility' | 'plan' | 'tranche' | 'closure';
      decision: 'approved' | 'rejected';
      ref?: number;
      comment?: string;
    }
  | {
      type: 'requestTranche';
      amountXof: number;
      vendor: string;
      items: { description: string; quantity: number; unitCostXof?: number }[];
    }
  | { type: 'recordTranchePayment'; n: number; paidAt: string; reference?: string }
  | { type: 'recordMonitoringVisit'; visitedAt: string; scores: SustainabilityScores }
  | ({ type: 'recordMinorSafeguards' } & MinorSafeguards)
  | { type: 'requestClosure'; reason: ClosureReason; comment?: string }
  | { type: 'suspend'; reason: string }
  | { type: 'resume'; reason?: string }
  | { type: 'attachFlight'; flightId: string }
  | {
      type: 'recordTravelDocumentRequest';
      requestId: string;
      /** The request this one replaces: required while the case's current request still awaits the embassy. */
      replaces?: string;
      /** The request itself, opened by the case's workflow once the step is recorded (absent in older histories). */
      request?: TravelDocumentRequest;
    }
  | {
      type: 'recordTravelDocumentOutcome';
      requestId: string;
      outcome: 'issued' | 'refused' | 'expired';
      validUntil?: string;
      reason?: string;
    }
  | { type: 'recordDeparture'; departedAt: string; transport: string; handoverTo: string };

export type CaseStepType = CaseStep['type'];
export type StepInput<T extends CaseStepType> = Omit<Extract<CaseStep, { type: T }>, 'type'> & { actor: Actor };

/**
 * Why a step was refused. `stage_conflict` means the step does not fit the case now (HTTP 409);
 * `rule_violation` means its content breaks a programme rule (HTTP 422).
 */
export class StepRejected extends Error {
  constructor(
    readonly code: 'stage_conflict' | 'rule_violation',
    message: string,
  ) {
    super(message);
    this.name = 'StepRejected';
  }
}

const conflict = (message: string) => new StepRejected('stage_conflict', message);
const violation = (message: string) => new StepRejected('rule_violation', message);

export interface StepContext {
  now: number;
  policy: CasePolicy;
  actor: Actor;
}

function requireStage(state: CaseState, allowed: Stage[], step: string): void {
  if (!allowed.includes(state.stage)) {
    throw conflict(`${step} does not fit a case at stage ${state.stage} (expected ${allowed.join(' or ')})`);
  }
}

function requireTrack(state: CaseState, track: CaseState['track'], step: string): void {
  if (state.track !== track) throw conflict(`${step} applies to the ${track} track, not to ${state.track}`);
}

function requireNotFuture(iso: string, now: number, field: string): void {
  if (Date.parse(iso) > now + 5 * 60_000) throw violation(`${field} is in the future`);
}

/** A document valid until a plain date is valid through the whole of that day. */
function endOfValidity(validUntil: string): number {
  return Date.parse(validUntil) + (/^\d{4}-\d{2}-\d{2}$/.test(validUntil) ? 86_400_000 - 1 : 0);
}

function approvedBudget(state: CaseState): number {
  return state.plan?.status === 'approved' ? state.plan.budgetXof : 0;
}

function committedXof(state: CaseState): number {
  return state.tranches.filter((t) => t.status !== 'rejected').reduce((sum, t) => sum + t.amountXof, 0);
}

function paidXof(state: CaseState): number {
  return state.tranches.filter((t) => t.status === 'paid').reduce((sum, t) => sum + t.amountXof, 0);
}

/** Throws StepRejected when the step does not fit the case or breaks a rule; changes nothing. */
export function checkStep(state: CaseState, step: CaseStep, ctx: StepContext): void {
  if (isTerminal(state.stage)) throw conflict(`the case is ${state.stage}`);
  if (state.suspension && step.type !== 'resume' && step.type !== 'suspend') {
    throw conflict(`the case is suspended (${state.suspension.reason}); resume it first`);
  }
  switch (step.type) {
    case 'recordReception':
      requireStage(state, ['registered'], 'reception');
      if (step.cashGrantXof !== undefined && step.cashGrantXof < 0) throw violation('cashGrantXof cannot be negative');
      return;
    case 'recordCounsellingSession':
      requireStage(
        state,
        state.track === 'reintegration'
          ? ['received', 'counselling', 'eligibility']
          : ['received', 'counselling', 'travel_document', 'ready_to_depart'],
        'a counselling session',
      );
      requireNotFuture(step.heldAt, ctx.now, 'heldAt');
      if (Date.parse(step.heldAt) < Date.parse(state.arrivedAt)) throw violation('heldAt is before the arrival');
      return;
    case 'decideEligibility':
      requireTrack(state, 'reintegration', 'eligibility');
      requireStage(state, ['counselling', 'eligibility'], 'an eligibility decision');
      if (state.stage === 'eligibility' && state.eligibility?.exception && !state.eligibility.approval) {
        throw conflict('an eligibility exception already awaits a supervisor');
      }
      return;
    case 'submitPlan':
      requireStage(state, ['planning'], 'a plan');
      if (state.plan?.status === 'submitted') throw conflict('a plan already awaits approval');
      if (step.budgetXof > ctx.policy.ceilingXof) {
        throw violation(`budgetXof ${step.budgetXof} is above the ceiling of ${ctx.policy.ceilingXof} XOF`);
      }
      if (step.planType !== 'individual' && !step.projectId) {
        throw violation(`a ${step.planType} plan needs the projectId it shares with other cases`);
      }
      return;
    case 'recordApproval':
      checkApproval(state, step, ctx);
      return;
    case 'requestTranche': {
      requireStage(state, ['disbursing', 'monitoring'], 'a tranche');
      if (state.tranches.some((t) => t.status === 'requested' || t.status === 'approved')) {
        throw conflict('the previous tranche is not settled yet');
      }
      const remaining = approvedBudget(state) - committedXof(state);
      if (step.amountXof > remaining) {
        throw violation(`amountXof ${step.amountXof} exceeds the ${remaining} XOF left of the approved budget`);
      }
      return;
    }
    case 'recordTranchePayment': {
      requireStage(state, ['disbursing', 'monitoring'], 'a tranche payment');
      const tranche = state.tranches.find((t) => t.n === step.n);
      if (!tranche) throw conflict(`there is no tranche ${step.n}`);
      if (tranche.status !== 'approved') throw conflict(`tranche ${step.n} is ${tranche.status}, not approved`);
      requireNotFuture(step.paidAt, ctx.now, 'paidAt');
      return;
    }
    case 'recordMonitoringVisit':
      // Monitoring may start once something has been paid, even before the whole budget is.
      if (!(state.stage === 'disbursing' && paidXof(state) > 0)) requireStage(state, ['monitoring'], 'a monitoring visit');
      requireNotFuture(step.visitedAt, ctx.now, 'visitedAt');
      return;
    case 'recordMinorSafeguards':
      if (!state.minor) throw conflict('safeguards apply to unaccompanied or separated minors only');
      return;
    case 'requestClosure':
      if (state.pendingClosure) throw conflict('a closure already awaits a supervisor');
      return;
    case 'suspend':
      if (state.suspension) throw conflict('the case is already suspended');
      return;
    case 'resume':
      if (!state.suspension) throw conflict('the case is not suspended');
      return;
    case 'attachFlight':
      if (state.flightId && state.flightId !== step.flightId) {
        throw conflict(`the case already came on flight ${state.flightId}`);
      }
      return;
    case 'recordTravelDocumentRequest':
      requireTrack(state, 'onward_return', 'a travel document');
      // From travel_document too: a new request replaces one that stalled or was cancelled, so a case is
      // never stranded waiting on a request that will not be answered.
      requireStage(state, ['received', 'counselling', 'travel_document', 'ready_to_depart'], 'a travel-document request');
      if (state.travelDocument?.requestId === step.requestId) throw conflict(`request ${step.requestId} is already the current one`);
      // One live request per case: a second one (a double click, a parallel retry) never e-mails the embassy twice.
      if (state.travelDocument?.status === 'requested' && step.replaces !== state.travelDocument.requestId) {
        throw conflict(
          `request ${state.travelDocument.requestId} still awaits the embassy; cancel it, or name it in "replaces" to replace it`,
        );
      }
      return;
    case 'recordTravelDocumentOutcome':
      requireStage(state, ['travel_document', 'ready_to_depart'], 'a travel-document outcome');
      if (state.travelDocument?.requestId !== step.requestId) {
        throw conflict(`request ${step.requestId} is not the case's current travel-document request`);
      }
      return;
    case 'recordDeparture': {
      requireTrack(state, 'onward_return', 'a departure');
      requireStage(state, ['ready_to_depart'], 'a departure');
      requireNotFuture(step.departedAt, ctx.now, 'departedAt');
      const validUntil = state.travelDocument?.validUntil;
      if (validUntil && endOfValidity(validUntil) < Date.parse(step.departedAt)) {
        throw violation(`the travel document expired on ${validUntil}, before the departure`);
      }
      if (state.minor) {
        const missing = missingForTravel(state.safeguards);
        if (missing.length) throw violation(`a minor cannot travel before: ${missing.join(', ')}`);
      }
      return;
    }
  }
}

function checkApproval(state: CaseState, step: Extract<CaseStep, { type: 'recordApproval' }>, ctx: StepContext): void {
  if (ctx.actor.role !== 'supervisor') throw violation('only a supervisor approves');
  const requester = (() => {
    switch (step.subject) {
      case 'eligibility':
        if (state.stage !== 'eligibility' || !state.eligibility?.exception || state.eligibility.approval) {
          throw conflict('no eligibility exception awaits approval');
        }
        return state.eligibility.decidedBy;
      case 'plan':
        if (state.stage !== 'planning' || state.plan?.status !== 'submitted') throw conflict('no plan awaits approval');
        if (step.decision === 'approved' && state.minor) {
          const missing = missingForPlan(state.safeguards);
          if (missing.length) throw violation(`a minor's plan cannot be approved before: ${missing.join(', ')}`);
        }
        return state.plan.submittedBy;
      case 'tranche': {
        const tranche = state.tranches.find((t) => t.n === step.ref);
        if (!tranche) throw conflict(step.ref === undefined ? 'ref (the tranche number) is required' : `there is no tranche ${step.ref}`);
        if (tranche.status !== 'requested') throw conflict(`tranche ${tranche.n} is ${tranche.status}, not awaiting approval`);
        return tranche.requestedBy;
      }
      case 'closure':
        if (!state.pendingClosure) throw conflict('no closure awaits approval');
        return state.pendingClosure.requestedBy;
    }
  })();
  // Four eyes: whoever asked cannot approve their own request.
  if (requester === ctx.actor.sub) throw violation('a supervisor cannot approve their own request');
}

function close(state: CaseState, reason: ClosureReason, ctx: StepContext): CaseState {
  return {
    ...state,
    stage: reason === 'completed' ? 'completed' : 'closed',
    pendingClosure: undefined,
    closure: { reason, at: new Date(ctx.now).toISOString(), by: ctx.actor.sub },
  };
}

function afterVisitOrPayment(state: CaseState, ctx: StepContext): CaseState {
  if (state.stage === 'disbursing' && state.plan && paidXof(state) >= state.plan.budgetXof) {
    return { ...state, stage: 'monitoring', monitoringStartedAt: ctx.now };
  }
  // The case completes after its last visit, but never while a vendor is still owed a tranche.
  const unsettled = state.tranches.some((t) => t.status === 'requested' || t.status === 'approved');
  if (state.stage === 'monitoring' && !unsettled && state.visits.length >= ctx.policy.monitoringVisitOffsetsMs.length) {
    return close(state, 'completed', ctx);
  }
  return state;
}

function transition(state: CaseState, step: CaseStep, ctx: StepContext): CaseState {
  const by = ctx.actor.sub;
  switch (step.type) {
    case 'recordReception':
      return { ...state, stage: 'received', centreCode: step.centreCode, receivedAt: new Date(ctx.now).toISOString() };
    case 'recordCounsellingSession':
      return {
        ...state,
        stage: state.stage === 'received' ? 'counselling' : state.stage,
        counsellingSessions: state.counsellingSessions + 1,
      };
    case 'decideEligibility': {
      const exception = isException(step.decision, step.criteria);
      const eligibility = { decision: step.decision, criteria: step.criteria, reason: step.reason, exception, decidedBy: by };
      if (step.decision === 'ineligible') return close({ ...state, eligibility }, 'ineligible', ctx);
      const stage = step.decision === 'eligible' && !exception ? 'planning' : 'eligibility';
      return { ...state, stage, eligibility };
    }
    case 'submitPlan':
      return {
        ...state,
        plan: {
          version: (state.plan?.version ?? 0) + 1,
          type: step.planType,
          projectId: step.projectId,
          sector: step.sector,
          budgetXof: step.budgetXof,
          dimensions: step.dimensions,
          status: 'submitted',
          submittedBy: by,
        },
      };
    case 'recordApproval':
      return applyApproval(state, step, ctx);
    case 'requestTranche':
      return {
        ...state,
        tranches: [
          ...state.tranches,
          { n: state.tranches.length + 1, amountXof: step.amountXof, vendor: step.vendor, status: 'requested', requestedBy: by },
        ],
      };
    case 'recordTranchePayment':
      return afterVisitOrPayment(
        { ...state, tranches: state.tranches.map((t) => (t.n === step.n ? { ...t, status: 'paid' } : t)) },
        ctx,
      );
    case 'recordMonitoringVisit': {
      const inMonitoring: CaseState =
        state.stage === 'monitoring' ? state : { ...state, stage: 'monitoring', monitoringStartedAt: ctx.now };
      const composite = compositeScore(step.scores);
      const visit = {
        visitedAt: step.visitedAt,
        composite,
        sustainable: isSustainable(composite, ctx.policy.sustainabilityThreshold),
      };
      return afterVisitOrPayment({ ...inMonitoring, visits: [...inMonitoring.visits, visit] }, ctx);
    }
    case 'recordMinorSafeguards': {
      const { type: _type, ...safeguards } = step;
      return { ...state, safeguards };
    }
    case 'requestClosure':
      // A supervisor's closure stands on its own; anyone else's waits for one.
      return ctx.actor.role === 'supervisor'
        ? close(state, step.reason, ctx)
        : { ...state, pendingClosure: { reason: step.reason, requestedBy: by, comment: step.comment } };
    case 'suspend':
      return { ...state, suspension: { reason: step.reason, since: ctx.now, by } };
    case 'resume': {
      const paused = ctx.now - (state.suspension?.since ?? ctx.now);
      return {
        ...state,
        suspension: undefined,
        task: state.task ? { ...state.task, pausedMs: state.task.pausedMs + paused } : undefined,
      };
    }
    case 'attachFlight':
      return { ...state, flightId: step.flightId };
    case 'recordTravelDocumentRequest':
      return { ...state, stage: 'travel_document', travelDocument: { requestId: step.requestId, status: 'requested' } };
    case 'recordTravelDocumentOutcome': {
      const travelDocument = { requestId: step.requestId, status: step.outcome, validUntil: step.validUntil };
      const stage = step.outcome === 'issued' ? 'ready_to_depart' : 'counselling';
      return { ...state, stage, travelDocument };
    }
    case 'recordDeparture':
      return close(state, 'completed', ctx);
  }
}

function applyApproval(state: CaseState, step: Extract<CaseStep, { type: 'recordApproval' }>, ctx: StepContext): CaseState {
  const approved = step.decision === 'approved';
  switch (step.subject) {
    case 'eligibility':
      return {
        ...state,
        stage: approved ? 'planning' : 'eligibility',
        eligibility: state.eligibility && { ...state.eligibility, approval: step.decision },
      };
    case 'plan':
      return {
        ...state,
        stage: approved ? 'disbursing' : 'planning',
        plan: state.plan && { ...state.plan, status: approved ? 'approved' : 'rejected' },
      };
    case 'tranche':
      return {
        ...state,
        tranches: state.tranches.map((t) => (t.n === step.ref ? { ...t, status: approved ? 'approved' : 'rejected' } : t)),
      };
    case 'closure':
      return approved && state.pendingClosure ? close(state, state.pendingClosure.reason, ctx) : { ...state, pendingClosure: undefined };
  }
}

/** The state after a step that checkStep accepted: the next stage, a fresh clock if the task changed. */
export function applyStep(state: CaseState, step: CaseStep, ctx: StepContext): CaseState {
  const next = { ...transition(state, step, ctx), seq: state.seq + 1 };
  return { ...next, task: isTerminal(next.stage) ? undefined : refreshTask(next, ctx.policy, ctx.now) };
}

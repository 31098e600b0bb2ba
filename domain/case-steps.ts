import { CLOCK_SKEW_MS } from './clock';
import { businessDateOf, namedDateOf } from './business-date';
import type { CasePolicy } from './case-policy';
import type { Actor, CaseState, PlanDimension, PlanType } from './case-state';
import {
  approvedBudget,
  committedXof,
  firstPaymentAt,
  isFullyPaid,
  itemsTotalXof,
  paidXof,
  unsettledTranches,
} from './disbursement';
import { criteriaFromRecords, type EligibilityCriteria, type EligibilityDecision, isException } from './eligibility';
import { futureSafeguardDates, type MinorSafeguards, missingForPlan, missingForTravel } from './minor-safeguards';
import { compositeScore, isSustainable, type SustainabilityScores, visitScheduleProblem } from './monitoring';
import { refreshTask } from './open-task';
import { conflict, StepRejected, violation } from './rejection';
import { CLOSURES_DURING_HOLD, type ClosureReason, isTerminal, MANUAL_CLOSURE_REASONS, type Stage } from './stages';
import { documentConflict, lapsesBeforeDeparture, type TravelDocumentRequest, validThrough } from './travel-document';

/** A document the person already holds, recorded instead of asking an embassy. */
export interface HeldDocument {
  type: (typeof HELD_DOCUMENT_TYPES)[number];
  /** Kept in Postgres with the request, never in the case's state. */
  number: string;
  validUntil: string;
}

export const HELD_DOCUMENT_TYPES = ['passport', 'national_id', 'laissez_passer', 'emergency_travel_certificate'] as const;

/** When a step happened, if not when it was recorded (see domain/business-date.ts). */
export interface Dated {
  occurredAt?: string;
}

/** A step on a case. Each one is a Workflow Update of the same name. */
export type CaseStep = Dated &
  (
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
      subject: 'eligibility' | 'plan' | 'tranche' | 'closure' | 'cash_grant';
      decision: 'approved' | 'rejected';
      ref?: number;
      comment?: string;
    }
  | {
      type: 'requestTranche';
      amountXof: number;
      /** The vendor's name, as the reference data holds it. */
      vendor: string;
      vendorId?: string;
      items: { description: string; quantity: number; unitCostXof?: number }[];
    }
  | { type: 'recordTranchePayment'; n: number; paidAt: string; reference?: string }
  | { type: 'cancelTranche'; n: number; reason: string }
  | { type: 'reduceBudget'; budgetXof: number; reason: string }
  | { type: 'recordMonitoringVisit'; visitedAt: string; scores: SustainabilityScores }
  | ({ type: 'recordMinorSafeguards' } & MinorSafeguards)
  | { type: 'requestClosure'; reason: ClosureReason; comment?: string }
  | { type: 'withdrawConsent'; reason: string }
  | { type: 'reopen'; reason: string }
  | { type: 'suspend'; reason: string }
  | { type: 'resume'; reason?: string }
  | { type: 'attachFlight'; flightId: string }
  | { type: 'cameOfAge' }
  | {
      type: 'recordTravelDocumentRequest';
      requestId: string;
      /** The request this one replaces: required while the case's current request still awaits the embassy. */
      replaces?: string;
      /** The request itself, opened by the case's workflow once the step is recorded (absent in older histories). */
      request?: TravelDocumentRequest;
      /** A document the person already holds: the case is ready to depart, no embassy is asked. */
      held?: HeldDocument & { plannedDeparture: string };
    }
  | {
      type: 'recordTravelDocumentOutcome';
      requestId: string;
      outcome: 'issued' | 'refused' | 'expired';
      validUntil?: string;
      reason?: string;
    }
  | { type: 'movePlannedDeparture'; plannedDeparture: string }
  | { type: 'recordDeparture'; departedAt: string; transport: string; handoverTo: string }
  );

export type CaseStepType = CaseStep['type'];
export { StepRejected };
export type StepInput<T extends CaseStepType> = Omit<Extract<CaseStep, { type: T }>, 'type'> & { actor: Actor };

export interface StepContext {
  now: number;
  policy: CasePolicy;
  actor: Actor;
}

/** Rules of version 2 (see RULES_VERSION) apply to cases opened under them; older cases keep theirs. */
const v2 = (state: CaseState) => (state.rulesVersion ?? 1) >= 2;

function requireStage(state: CaseState, allowed: Stage[], step: string): void {
  if (!allowed.includes(state.stage)) {
    throw conflict(`${step} does not fit a case at stage ${state.stage} (expected ${allowed.join(' or ')})`);
  }
}

function requireTrack(state: CaseState, track: CaseState['track'], step: string): void {
  if (state.track !== track) throw conflict(`${step} applies to the ${track} track, not to ${state.track}`);
}

function requireNotFuture(iso: string, now: number, field: string): void {
  if (Date.parse(iso) > now + CLOCK_SKEW_MS) throw violation(`${field} is in the future`);
}

function requireSupervisor(ctx: StepContext, what: string): void {
  if (ctx.actor.role !== 'supervisor') throw violation(`only a supervisor ${what}`);
}

/**
 * The case follows a minor until their 18th birthday: from that day the safeguards no longer bind plans
 * or travel, even before the workflow has taken its `cameOfAge` step (it takes it when no other step
 * is coming in, so a backlog recorded after the birthday would otherwise meet rules that no longer apply).
 */
function followsMinor(state: CaseState, now: number): boolean {
  return state.minor && !(state.adultOn !== undefined && now >= Date.parse(state.adultOn));
}

/** The case's document lapses before its planned departure: it waits until one of them changes. */
export const hasDocumentConflict = (state: CaseState): boolean => lapsesBeforeDeparture(state.travelDocument);

/**
 * Steps that make a new commitment: they wait while the case is suspended. Everything else records
 * a fact (a payment already approved, a visit, an embassy's answer, a death) and is taken at once.
 */
function isCommitment(step: CaseStep): boolean {
  switch (step.type) {
    case 'decideEligibility':
    case 'submitPlan':
    case 'requestTranche':
    case 'reduceBudget':
    case 'recordTravelDocumentRequest':
    case 'movePlannedDeparture':
    case 'recordDeparture':
      return true;
    case 'requestClosure':
      return !CLOSURES_DURING_HOLD.includes(step.reason);
    case 'recordApproval':
      return step.subject !== 'closure';
    default:
      return false;
  }
}

/** Monitoring starts when the help is fully paid, or at the first payment when a visit comes before that. */
function monitoringStartsAt(state: CaseState): number | undefined {
  if (state.monitoringStartedAt !== undefined) return state.monitoringStartedAt;
  const first = firstPaymentAt(state);
  return first === undefined ? undefined : Date.parse(first);
}

/** Throws StepRejected when the step does not fit the case or breaks a rule; changes nothing. */
export function checkStep(state: CaseState, step: CaseStep, ctx: StepContext): void {
  checkOccurredAt(state, step, ctx);
  if (step.type === 'reopen') return checkReopening(state, ctx);
  if (isTerminal(state.stage)) throw conflict(`the case is ${state.stage}`);
  if (state.suspension && step.type !== 'resume' && step.type !== 'suspend' && isCommitment(step)) {
    throw conflict(`the case is suspended (${state.suspension.reason}); resume it first`);
  }
  switch (step.type) {
    case 'recordReception':
      requireStage(state, ['registered'], 'reception');
      if (step.cashGrantXof !== undefined && step.cashGrantXof < 0) throw violation('cashGrantXof cannot be negative');
      if (v2(state) && state.track !== 'reintegration' && (step.cashGrantXof ?? 0) > 0) {
        throw violation('the arrival cash grant is for returnees on the reintegration track');
      }
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
    case 'decideEligibility': {
      requireTrack(state, 'reintegration', 'eligibility');
      requireStage(state, ['counselling', 'eligibility'], 'an eligibility decision');
      const current = state.eligibility;
      if (state.stage === 'eligibility' && current?.exception && !current.approval) {
        throw conflict('an eligibility decision already awaits a supervisor');
      }
      // A supervisor's rejection binds: the same decision again needs new facts, recorded in a session.
      if (v2(state) && current?.approval === 'rejected' && current.decision === step.decision) {
        if (state.counsellingSessions <= (current.rejectedAfterSessions ?? 0)) {
          throw conflict(`a supervisor rejected the decision "${step.decision}"; record a counselling session with the new facts before deciding it again`);
        }
      }
      return;
    }
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
      if (unsettledTranches(state).length > 0) throw conflict('the previous tranche is not settled yet');
      const remaining = approvedBudget(state) - committedXof(state);
      if (step.amountXof > remaining) {
        throw violation(`amountXof ${step.amountXof} exceeds the ${remaining} XOF left of the approved budget`);
      }
      if (v2(state)) {
        if (!step.vendorId) throw violation('a tranche is paid to a vendor of the reference data (vendorId)');
        const total = itemsTotalXof(step.items);
        if (total === undefined) throw violation('every item needs its unitCostXof');
        if (total !== step.amountXof) throw violation(`the items add up to ${total} XOF, not to amountXof ${step.amountXof}`);
      }
      return;
    }
    case 'recordTranchePayment': {
      requireStage(state, ['disbursing', 'monitoring'], 'a tranche payment');
      const tranche = state.tranches.find((t) => t.n === step.n);
      if (!tranche) throw conflict(`there is no tranche ${step.n}`);
      if (tranche.status !== 'approved') throw conflict(`tranche ${step.n} is ${tranche.status}, not approved`);
      requireNotFuture(step.paidAt, ctx.now, 'paidAt');
      if (v2(state)) {
        if (!step.reference) throw violation("a payment names its reference (the vendor's receipt or transfer)");
        // Four eyes on money: whoever approved a tranche does not also record it paid.
        if (tranche.approvedBy === ctx.actor.sub) throw violation('the payment is recorded by someone other than its approver');
        if (Date.parse(step.paidAt) < Date.parse(state.arrivedAt)) throw violation('paidAt is before the arrival');
      }
      return;
    }
    case 'cancelTranche': {
      requireStage(state, ['disbursing', 'monitoring'], 'cancelling a tranche');
      const tranche = state.tranches.find((t) => t.n === step.n);
      if (!tranche) throw conflict(`there is no tranche ${step.n}`);
      if (tranche.status !== 'requested' && tranche.status !== 'approved') throw conflict(`tranche ${step.n} is ${tranche.status}; only an unpaid one is cancelled`);
      return;
    }
    case 'reduceBudget':
      requireSupervisor(ctx, 'reduces an approved budget');
      requireStage(state, ['disbursing', 'monitoring'], 'a budget reduction');
      if (step.budgetXof >= approvedBudget(state)) throw violation(`budgetXof must be below the approved ${approvedBudget(state)} XOF`);
      if (step.budgetXof < committedXof(state)) {
        throw violation(`${committedXof(state)} XOF is already committed to tranches; cancel unpaid ones before reducing below that`);
      }
      return;
    case 'recordMonitoringVisit': {
      // Monitoring may start once something has been paid, even before the whole budget is.
      if (!(state.stage === 'disbursing' && paidXof(state) > 0)) requireStage(state, ['monitoring'], 'a monitoring visit');
      requireNotFuture(step.visitedAt, ctx.now, 'visitedAt');
      const startsAt = monitoringStartsAt(state);
      if (v2(state) && startsAt !== undefined) {
        const problem = visitScheduleProblem(
          { visitedAt: step.visitedAt, n: state.visits.length + 1, previousVisitedAt: state.visits.at(-1)?.visitedAt, monitoringStartsAt: startsAt },
          { offsetsMs: ctx.policy.monitoringVisitOffsetsMs, earlyWindowMs: ctx.policy.monitoringEarlyWindowMs },
        );
        if (problem) throw violation(problem);
      }
      return;
    }
    case 'recordMinorSafeguards':
      if (!state.minor) throw conflict('safeguards apply to unaccompanied or separated minors only');
      if (v2(state)) {
        const future = futureSafeguardDates(step, ctx.now);
        if (future.length) throw violation(`${future.join(', ')} is in the future`);
      }
      return;
    case 'requestClosure':
      if (state.pendingClosure) throw conflict('a closure already awaits a supervisor');
      if (v2(state)) {
        if (!(MANUAL_CLOSURE_REASONS as readonly string[]).includes(step.reason)) {
          throw violation(
            step.reason === 'completed'
              ? 'a case completes by its journey (help delivered, last visit done), not by a closure'
              : 'ineligibility is an eligibility decision a supervisor confirms, not a closure',
          );
        }
        const unsettled = unsettledTranches(state);
        if (unsettled.length) {
          throw conflict(`tranche ${unsettled.map((t) => t.n).join(', ')} is ${unsettled[0].status} but unpaid: record its payment or cancel it first`);
        }
      }
      return;
    case 'withdrawConsent':
      // The person's own decision: taken at any open stage, during a hold, over a pending closure.
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
    case 'cameOfAge':
      if (!state.minor || !state.adultOn) throw conflict('the case does not follow a minor');
      if (ctx.now < Date.parse(state.adultOn)) throw conflict(`the person turns 18 on ${state.adultOn}`);
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
      if (step.held) {
        requireNotPast(step.held.plannedDeparture, ctx.now, 'plannedDeparture');
        if (documentConflict(step.held.validUntil, step.held.plannedDeparture)) {
          throw violation(`the document lapses on ${step.held.validUntil}, before the planned departure`);
        }
      }
      return;
    case 'recordTravelDocumentOutcome':
      requireStage(state, ['travel_document', 'ready_to_depart'], 'a travel-document outcome');
      if (state.travelDocument?.requestId !== step.requestId) {
        throw conflict(`request ${step.requestId} is not the case's current travel-document request`);
      }
      return;
    case 'movePlannedDeparture':
      requireTrack(state, 'onward_return', 'a planned departure');
      requireStage(state, ['travel_document', 'ready_to_depart'], 'moving the planned departure');
      requireNotPast(step.plannedDeparture, ctx.now, 'plannedDeparture');
      return;
    case 'recordDeparture': {
      requireTrack(state, 'onward_return', 'a departure');
      requireStage(state, ['ready_to_depart'], 'a departure');
      requireNotFuture(step.departedAt, ctx.now, 'departedAt');
      const validUntil = state.travelDocument?.validUntil;
      if (validUntil && validThrough(validUntil) < Date.parse(step.departedAt)) {
        throw violation(`the travel document expired on ${validUntil}, before the departure`);
      }
      if (followsMinor(state, ctx.now)) {
        const missing = v2(state) ? missingForTravel(state.safeguards) : missingUnderFirstRules(state.safeguards, 'travel');
        if (missing.length) throw violation(`a minor cannot travel before: ${missing.join(', ')}`);
      }
      return;
    }
  }
}

/**
 * A step recorded later from paper says when it happened: never in the future, never before the
 * case's previous step (the arrival, for the first one), so the case's history reads in order.
 */
function checkOccurredAt(state: CaseState, step: CaseStep, ctx: StepContext): void {
  const named = namedDateOf(step);
  // A step's own date follows the same order from the third rules on; older cases keep theirs.
  const [field, date] = step.occurredAt !== undefined ? ['occurredAt', step.occurredAt] : (state.rulesVersion ?? 1) >= 3 && named ? named : [];
  if (!field || !date) return;
  requireNotFuture(date, ctx.now, field);
  const previous = state.lastOccurredAt ?? state.arrivedAt;
  // Within the clocks' skew, "now" on an officer's device and "now" on the worker are the same moment.
  if (Date.parse(date) < Date.parse(previous) - CLOCK_SKEW_MS) {
    throw violation(`${field} is before the case's previous step (${previous})`);
  }
}

/** A planned departure is today or later (a date is compared as a day). */
function requireNotPast(iso: string, now: number, field: string): void {
  const day = new Date(now).toISOString().slice(0, 10);
  if (iso.slice(0, 10) < day) throw violation(`${field} is in the past`);
}

/** Safeguards as the first rules checked them (presence only), for cases opened under those rules. */
function missingUnderFirstRules(s: MinorSafeguards | undefined, purpose: 'plan' | 'travel'): string[] {
  const missing: string[] = [];
  if (!s?.bestInterests.assessedAt) missing.push('best-interests assessment');
  if (s?.familyTracing.status !== 'done') missing.push('family tracing');
  if (!s?.consents.minor) missing.push("minor's consent");
  if (!s?.consents.guardian) missing.push("guardian's consent");
  if (purpose === 'travel' && !s?.escort) missing.push('escort');
  return missing;
}

function checkReopening(state: CaseState, ctx: StepContext): void {
  requireSupervisor(ctx, 'reopens a case');
  if (state.stage !== 'closed') throw conflict(state.stage === 'completed' ? 'a completed case is not reopened' : 'the case is not closed');
  if (!state.closure?.stage) throw conflict('the case was closed before closures kept their stage; it cannot be reopened');
  if (state.consentWithdrawnAt) throw conflict('the person withdrew their consent; only a new registration with new consent opens a case again');
}

function checkApproval(state: CaseState, step: Extract<CaseStep, { type: 'recordApproval' }>, ctx: StepContext): void {
  requireSupervisor(ctx, 'approves');
  const requester = (() => {
    switch (step.subject) {
      case 'eligibility':
        if (state.stage !== 'eligibility' || !state.eligibility?.exception || state.eligibility.approval) {
          throw conflict('no eligibility decision awaits approval');
        }
        return state.eligibility.decidedBy;
      case 'plan':
        if (state.stage !== 'planning' || state.plan?.status !== 'submitted') throw conflict('no plan awaits approval');
        if (step.decision === 'approved' && followsMinor(state, ctx.now)) {
          const missing = v2(state) ? missingForPlan(state.safeguards) : missingUnderFirstRules(state.safeguards, 'plan');
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
        if (state.suspension && !CLOSURES_DURING_HOLD.includes(state.pendingClosure.reason)) {
          throw conflict(`the case is suspended (${state.suspension.reason}); resume it first`);
        }
        return state.pendingClosure.requestedBy;
      case 'cash_grant':
        if (state.cashGrant?.status !== 'awaiting_approval') throw conflict('no arrival cash grant awaits approval');
        return state.cashGrant.recordedBy;
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
    closure: { reason, at: new Date(ctx.now).toISOString(), by: ctx.actor.sub, stage: state.stage },
  };
}

function lastPaymentAt(state: CaseState): number | undefined {
  const dates = state.tranches.filter((t) => t.status === 'paid' && t.paidAt).map((t) => Date.parse(t.paidAt!));
  return dates.length ? Math.max(...dates) : undefined;
}

function afterVisitOrPayment(state: CaseState, ctx: StepContext): CaseState {
  if (state.stage === 'disbursing' && state.plan && paidXof(state) >= state.plan.budgetXof) {
    // Monitoring starts when the help was delivered (the last payment's date), not when it was recorded.
    const startedAt = v2(state) ? (lastPaymentAt(state) ?? ctx.now) : ctx.now;
    return { ...state, stage: 'monitoring', monitoringStartedAt: startedAt };
  }
  // The case completes after its last visit, once the help is delivered and no vendor is still owed.
  const settled = unsettledTranches(state).length === 0 && (!v2(state) || isFullyPaid(state));
  if (state.stage === 'monitoring' && settled && state.visits.length >= ctx.policy.monitoringVisitOffsetsMs.length) {
    return close(state, 'completed', ctx);
  }
  return state;
}

function transition(state: CaseState, step: CaseStep, ctx: StepContext): CaseState {
  const by = ctx.actor.sub;
  switch (step.type) {
    case 'recordReception': {
      const received: CaseState = { ...state, stage: 'received', centreCode: step.centreCode, receivedAt: new Date(ctx.now).toISOString() };
      if (!v2(state)) return received;
      // The standard grant unless the officer records another amount; nothing for migrants in transit.
      const amountXof = step.cashGrantXof ?? (state.track === 'reintegration' ? ctx.policy.defaultCashGrantXof : 0);
      const needsApproval = amountXof > ctx.policy.cashGrantCapXof && ctx.actor.role !== 'supervisor';
      return { ...received, cashGrant: { amountXof, status: needsApproval ? 'awaiting_approval' : 'granted', recordedBy: by } };
    }
    case 'recordCounsellingSession':
      return {
        ...state,
        stage: state.stage === 'received' ? 'counselling' : state.stage,
        counsellingSessions: state.counsellingSessions + 1,
      };
    case 'decideEligibility':
      return decideEligibility(state, step, ctx);
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
          {
            n: state.tranches.length + 1,
            amountXof: step.amountXof,
            vendor: step.vendor,
            ...(step.vendorId ? { vendorId: step.vendorId } : {}),
            status: 'requested',
            requestedBy: by,
          },
        ],
      };
    case 'recordTranchePayment':
      return afterVisitOrPayment(
        { ...state, tranches: state.tranches.map((t) => (t.n === step.n ? { ...t, status: 'paid', paidAt: step.paidAt } : t)) },
        ctx,
      );
    case 'cancelTranche':
      return { ...state, tranches: state.tranches.map((t) => (t.n === step.n ? { ...t, status: 'cancelled' } : t)) };
    case 'reduceBudget': {
      const plan = state.plan!;
      return afterVisitOrPayment({ ...state, plan: { ...plan, budgetXof: step.budgetXof, reducedFromXof: plan.reducedFromXof ?? plan.budgetXof } }, ctx);
    }
    case 'recordMonitoringVisit': {
      const startedAt = v2(state) ? (monitoringStartsAt(state) ?? ctx.now) : ctx.now;
      const inMonitoring: CaseState = state.stage === 'monitoring' ? state : { ...state, stage: 'monitoring', monitoringStartedAt: startedAt };
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
    case 'withdrawConsent': {
      // No further processing: unpaid tranches are cancelled with the case, which closes as `withdrew`.
      const tranches = state.tranches.map((t) => (t.status === 'requested' || t.status === 'approved' ? { ...t, status: 'cancelled' as const } : t));
      const withdrawnAt = step.occurredAt ?? new Date(ctx.now).toISOString();
      return { ...close({ ...state, tranches }, 'withdrew', ctx), consentWithdrawnAt: withdrawnAt };
    }
    case 'reopen': {
      const { closure: _closure, ...open } = state;
      return { ...open, stage: state.closure!.stage!, pendingClosure: undefined, reopenings: (state.reopenings ?? 0) + 1 };
    }
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
    case 'cameOfAge':
      return { ...state, minor: false };
    case 'recordTravelDocumentRequest':
      if (step.held) {
        const { type, validUntil, plannedDeparture } = step.held;
        // The document's number stays in Postgres (the request's row); the state keeps its type.
        return {
          ...state,
          stage: 'ready_to_depart',
          travelDocument: { requestId: step.requestId, status: 'issued', validUntil, plannedDeparture, held: { type } },
        };
      }
      return {
        ...state,
        stage: 'travel_document',
        travelDocument: {
          requestId: step.requestId,
          status: 'requested',
          ...(step.request ? { plannedDeparture: step.request.plannedDeparture } : {}),
        },
      };
    case 'recordTravelDocumentOutcome': {
      const plannedDeparture = state.travelDocument?.plannedDeparture;
      const travelDocument = {
        requestId: step.requestId,
        status: step.outcome,
        validUntil: step.validUntil,
        ...(plannedDeparture ? { plannedDeparture } : {}),
      };
      const stage = step.outcome === 'issued' ? 'ready_to_depart' : 'counselling';
      return { ...state, stage, travelDocument };
    }
    case 'movePlannedDeparture':
      return { ...state, travelDocument: state.travelDocument && { ...state.travelDocument, plannedDeparture: step.plannedDeparture } };
    case 'recordDeparture':
      return close(state, 'completed', ctx);
  }
}

function decideEligibility(state: CaseState, step: Extract<CaseStep, { type: 'decideEligibility' }>, ctx: StepContext): CaseState {
  const decidedBy = ctx.actor.sub;
  if (!v2(state)) {
    const exception = isException(step.decision, step.criteria);
    const eligibility = { decision: step.decision, criteria: step.criteria, reason: step.reason, exception, decidedBy };
    if (step.decision === 'ineligible') return close({ ...state, eligibility }, 'ineligible', ctx);
    return { ...state, stage: step.decision === 'eligible' && !exception ? 'planning' : 'eligibility', eligibility };
  }
  // The window and earlier assistance come from the records, whatever the officer ticked.
  const criteria = { ...step.criteria, ...criteriaFromRecords(state, ctx.policy.programmeWindow) };
  // An officer's `ineligible` ends a person's chance of help: a supervisor confirms it.
  const needsReview = isException(step.decision, criteria) || (step.decision === 'ineligible' && ctx.actor.role !== 'supervisor');
  const eligibility = { decision: step.decision, criteria, reason: step.reason, exception: needsReview, decidedBy };
  if (step.decision === 'ineligible' && !needsReview) return close({ ...state, eligibility }, 'ineligible', ctx);
  return { ...state, stage: step.decision === 'eligible' && !needsReview ? 'planning' : 'eligibility', eligibility };
}

function applyApproval(state: CaseState, step: Extract<CaseStep, { type: 'recordApproval' }>, ctx: StepContext): CaseState {
  const approved = step.decision === 'approved';
  switch (step.subject) {
    case 'eligibility': {
      const eligibility = state.eligibility && {
        ...state.eligibility,
        approval: step.decision,
        ...(approved || !v2(state) ? {} : { rejectedAfterSessions: state.counsellingSessions }),
      };
      if (approved && eligibility?.decision === 'ineligible') return close({ ...state, eligibility }, 'ineligible', ctx);
      return { ...state, stage: approved ? 'planning' : 'eligibility', eligibility };
    }
    case 'plan':
      return {
        ...state,
        stage: approved ? 'disbursing' : 'planning',
        plan: state.plan && { ...state.plan, status: approved ? 'approved' : 'rejected' },
      };
    case 'tranche':
      return {
        ...state,
        tranches: state.tranches.map((t) =>
          t.n === step.ref ? { ...t, status: approved ? 'approved' : 'rejected', ...(approved ? { approvedBy: ctx.actor.sub } : {}) } : t,
        ),
      };
    case 'closure':
      return approved && state.pendingClosure ? close(state, state.pendingClosure.reason, ctx) : { ...state, pendingClosure: undefined };
    case 'cash_grant':
      return { ...state, cashGrant: state.cashGrant && { ...state.cashGrant, status: approved ? 'granted' : 'rejected' } };
  }
}

/**
 * Steps Sira records as they reach it, with no business date of their own: the embassy's answer (the
 * liaison link is answered when it is, whatever day the document was issued) and a minor's 18th
 * birthday. They do not move the case's business clock, so facts recorded later from paper (a
 * departure, a counselling session, a closure) are still ordered against the steps people dated.
 */
const UNDATED_BY_PEOPLE: readonly CaseStepType[] = ['recordTravelDocumentOutcome', 'cameOfAge'];

/** The case after a step it has accepted: the next stage, the step's records, and the task it now waits on. */
export function applyStep(state: CaseState, step: CaseStep, ctx: StepContext): CaseState {
  const happened = businessDateOf(step) ?? new Date(ctx.now).toISOString();
  const previous = state.lastOccurredAt ?? state.arrivedAt;
  const moves = !UNDATED_BY_PEOPLE.includes(step.type) && Date.parse(happened) > Date.parse(previous);
  const lastOccurredAt = moves ? happened : previous;
  const next = { ...transition(state, step, ctx), seq: state.seq + 1, lastOccurredAt };
  return { ...next, task: isTerminal(next.stage) ? undefined : refreshTask(next, ctx.policy, ctx.now) };
}

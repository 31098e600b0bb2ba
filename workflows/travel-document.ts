import {
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CaseOutcomeDelivery, TravelDocumentActivities } from '../activities/travel-document-activities';
import {
  applyAnswer,
  applyCancellation,
  applyDepartureMove,
  checkAnswer,
  checkCancellation,
  checkDepartureMove,
  currentDocumentLapsesAt,
  DEFAULT_ESCALATION_INTERVAL_MS,
  markCaseTold,
  markEscalated,
  markExpired,
  markFinished,
  markOutcomeRaised,
  markReminded,
  markSent,
  newTravelDocumentState,
  nextChase,
  nextOutcomeAttemptAt,
  pendingCaseOutcome,
  renewalDueAt,
  startRenewal,
  type TravelDocumentPolicy,
  type TravelDocumentRequest,
  type TravelDocumentState,
} from '../domain/travel-document';
import { travelDocumentDetails, travelDocumentDueAt } from '../domain/cover-page';
import { leanSteps } from './lean-steps';
import { StepCore } from './step-core';
import { CaseCentre, CaseNationality, TravelDocDueAt, TravelDocOverdue, TravelDocStatus } from './search-attributes';
import {
  answerTravelDocumentRequest,
  cancelTravelDocumentRequest,
  getTravelDocumentState,
  movePlannedDeparture,
} from './travel-document-messages';

const options = {
  startToCloseTimeout: '30s',
  // SMTP and the case's workflow may be away for a while: back off up to ten minutes, never give up.
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10m' },
} as const;
const acts = proxyActivities<TravelDocumentActivities>(options);
/** The request's own Postgres writes, inside the step's workflow task in lean runs. */
const localRecords = proxyLocalActivities<TravelDocumentActivities>(options);

export interface TravelDocumentInput {
  /** Requests started before escalations repeated have no escalation interval: they take the default. */
  policy: Omit<TravelDocumentPolicy, 'escalationIntervalMs'> & { escalationIntervalMs?: number };
  request: TravelDocumentRequest;
  /** After continue-as-new: the state carried over. */
  state?: TravelDocumentState;
}

/** Escalations repeat every interval; a request escalated before that waited for the answer without a timer. */
const REPEATED_ESCALATIONS = 'repeated-escalations';

/**
 * Whether the case refused the outcome. Histories recorded before refusals were retried may hold
 * 'case_moved_on' here, a string: they took the outcome as told, and still do on replay.
 */
const refusedDelivery = (delivery: CaseOutcomeDelivery): delivery is Extract<CaseOutcomeDelivery, object> => typeof delivery === 'object';

/**
 * One request to an embassy for one person's travel document, from the e-mail to the outcome the
 * case takes in: reminders, escalations, interview, a planned departure that moves, and a renewal if
 * the person is still here when the document is about to lapse.
 */
export async function travelDocument(input: TravelDocumentInput): Promise<TravelDocumentState> {
  const policy: TravelDocumentPolicy = {
    ...input.policy,
    escalationIntervalMs: input.policy.escalationIntervalMs ?? DEFAULT_ESCALATION_INTERVAL_MS,
  };
  const lean = leanSteps();
  // Lean runs also describe themselves in the UI (the open task, a due date): same release, one marker.
  const described = lean;
  const core = new StepCore<TravelDocumentState>(
    input.state ?? newTravelDocumentState(input.request),
    (state) => requestAttributes(state, described ? policy : undefined),
    lean,
    (state) => travelDocumentDetails(state, policy),
  );

  /** Records a change in Postgres (row and event), then makes it the live state. */
  const commit = (next: TravelDocumentState, kind: string, detail: Record<string, unknown> = {}) =>
    core.recordThenCommit(next, () => core.recorder(localRecords, acts, next.finished === true).recordTravelDocumentProgress({ state: next, event: { kind, detail }, at: new Date().toISOString() }));

  setHandler(getTravelDocumentState, () => core.state);
  core.update(answerTravelDocumentRequest, {
    check: ({ answer, round }) => checkAnswer(core.state, answer, { now: Date.now(), round }),
    perform: async ({ answer, round }) => {
      const next = applyAnswer(core.state, answer, Date.now());
      const conflict = answer.decision === 'issued' && next.conflict ? { conflict: next.conflict } : {};
      await commit(next, `answered_${answer.decision}`, { ...answer, round, ...conflict });
      return core.state;
    },
  });
  core.update(cancelTravelDocumentRequest, {
    check: () => checkCancellation(core.state),
    perform: async ({ actor, reason }) => {
      await commit(applyCancellation(core.state, reason, actor.sub), 'cancelled', { reason, by: actor.sub });
      return core.state;
    },
  });
  core.update(movePlannedDeparture, {
    check: ({ plannedDeparture }) => checkDepartureMove(core.state, plannedDeparture, Date.now()),
    perform: async ({ actor, plannedDeparture }) => {
      if (plannedDeparture === core.state.plannedDeparture) return core.state;
      const from = core.state.plannedDeparture;
      const next = applyDepartureMove(core.state, plannedDeparture);
      await commit(next, 'departure_moved', { from, to: plannedDeparture, by: actor.sub, conflict: next.conflict ?? null });
      return core.state;
    },
  });

  /** Sends the request (or renewal) e-mail and starts the embassy's clock. */
  const sendToEmbassy = () =>
    core.exclusive(async () => {
      const state = core.state;
      if (state.status !== 'requested') return; // cancelled meanwhile
      await acts.sendTravelDocumentMail({ requestId: state.requestId, message: { kind: 'request', round: state.round } });
      await commit(markSent(core.state, Date.now()), state.round === 0 ? 'sent' : 'renewal_sent', { round: state.round });
    });

  if (!input.state) {
    const state = core.state;
    await commit(state, 'requested', { documentType: state.documentType, plannedDeparture: state.plannedDeparture });
  }
  core.publish();

  while (!core.state.finished) {
    if (core.state.status === 'requested') {
      await sendToEmbassy();
      continue;
    }
    const outcome = pendingCaseOutcome(core.state);
    if (outcome) {
      await deliverOutcome(outcome);
      continue;
    }

    const seen = core.state.seq;
    let chase = nextChase(core.state, policy);
    if (chase?.kind === 'escalation' && chase.n > 1 && !lean && !patched(REPEATED_ESCALATIONS)) chase = undefined;
    const lapse = currentDocumentLapsesAt(core.state);
    const renewal = renewalDueAt(core.state, policy);
    const changed = await core.nextChange(Math.min(chase?.at ?? Infinity, lapse ?? Infinity, renewal ?? Infinity));
    if (!changed) {
      await core.exclusive(async () => {
        if (core.state.seq !== seen) return; // an answer landed while the timer fired: look again
        const now = Date.now();
        if (lapse !== undefined && lapse <= now) {
          await commit(markExpired(core.state), 'expired', { validUntil: core.state.document?.validUntil });
        } else if (renewal !== undefined && renewal <= now) {
          await renewOrFinish();
        } else if (chase && chase.at <= now) {
          await chaseEmbassy(chase);
        }
      });
    }

    if (core.continueAsNewDue()) {
      await core.settle();
      await continueAsNew<typeof travelDocument>({ policy, request: input.request, state: core.state });
    }
  }
  await core.drain();
  return core.state;

  /**
   * Tells the case the outcome. A case that refuses it for now (suspended) is asked again with
   * backoff for a while; one that still cannot take it then, or never will (it ended, or waits on
   * another request), has it raised to the centre's supervisor, once: an outcome is never dropped
   * (a fact from outside is always recorded).
   */
  async function deliverOutcome(outcome: NonNullable<ReturnType<typeof pendingCaseOutcome>>) {
    let refusedSince: number | undefined;
    for (let refusals = 1; ; refusals++) {
      const delivery = await acts.tellCaseTravelDocumentOutcome({
        caseId: core.state.caseId,
        requestId: core.state.requestId,
        outcome: outcome.outcome,
        validUntil: outcome.validUntil,
        reason: outcome.reason,
      });
      if (!refusedDelivery(delivery)) {
        await core.exclusive(() => commit(markCaseTold(core.state, outcome.key), 'case_told', { outcome: outcome.outcome, result: delivery }));
        return;
      }
      refusedSince ??= Date.now();
      const retryAt = delivery.temporary ? nextOutcomeAttemptAt(refusedSince, refusals, Date.now()) : undefined;
      if (retryAt === undefined) {
        await acts.sendTravelDocumentMail({
          requestId: core.state.requestId,
          message: { kind: 'outcome_not_taken', round: core.state.round, outcome: outcome.outcome, reason: delivery.reason },
        });
        await core.exclusive(() =>
          commit(markOutcomeRaised(core.state, outcome.key, delivery.reason), 'outcome_raised', {
            outcome: outcome.outcome,
            reason: delivery.reason,
            refusals,
          }),
        );
        return;
      }
      await sleep(retryAt - Date.now());
    }
  }

  /** A reminder to the embassy, or an escalation to the programme manager, unless the case has moved on. */
  async function chaseEmbassy(chase: NonNullable<ReturnType<typeof nextChase>>) {
    const standing = await acts.caseTravelDocumentStanding({ caseId: core.state.caseId, requestId: core.state.requestId });
    if (!standing.holdsRequest) {
      await commit(applyCancellation(core.state, `the case no longer waits for this request (${standing.stage})`, 'sira'), 'cancelled', {
        reason: 'case moved on',
        stage: standing.stage,
      });
      return;
    }
    if (chase.kind === 'reminder') {
      await acts.sendTravelDocumentMail({
        requestId: core.state.requestId,
        message: { kind: 'reminder', round: core.state.round, cycle: core.state.cycle, n: chase.n },
      });
      await commit(markReminded(core.state, chase.n), 'reminded', { n: chase.n });
    } else {
      await acts.sendTravelDocumentMail({
        requestId: core.state.requestId,
        message: { kind: 'escalation', round: core.state.round, cycle: core.state.cycle, n: chase.n },
      });
      await commit(markEscalated(core.state, chase.n), 'escalated', { n: chase.n, remindersSent: core.state.remindersSent });
    }
  }

  /** The issued document is about to lapse: ask for a renewal if the person is still here, or stop. */
  async function renewOrFinish() {
    const standing = await acts.caseTravelDocumentStanding({ caseId: core.state.caseId, requestId: core.state.requestId });
    if (!standing.holdsRequest || standing.stage !== 'ready_to_depart') {
      await commit(markFinished(core.state), 'finished', { stage: standing.stage });
      return;
    }
    await commit(startRenewal(core.state), 'renewal_started', { validUntil: core.state.document?.validUntil });
    await acts.sendTravelDocumentMail({ requestId: core.state.requestId, message: { kind: 'renewal_notice', round: core.state.round } });
  }
}

/**
 * The request's search attributes (status, overdue, centre, nationality): no personal data. With the
 * policy (lean runs) also when the embassy's answer is due.
 */
function requestAttributes(state: TravelDocumentState, policy?: TravelDocumentPolicy): SearchAttributeUpdatePair[] {
  const due = policy && travelDocumentDueAt(state, policy);
  return [
    { key: TravelDocStatus, value: state.status },
    { key: TravelDocOverdue, value: state.overdue },
    { key: CaseCentre, value: state.centreCode },
    { key: CaseNationality, value: state.country },
    ...(policy ? [{ key: TravelDocDueAt, value: due === undefined ? null : new Date(due) }] : []),
  ];
}

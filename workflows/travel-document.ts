import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
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
  TravelDocumentRejected,
  type TravelDocumentState,
} from '../domain/travel-document';
import { Exclusive } from './exclusive';
import { withInputRefusal } from './input-refusal';
import { CaseCentre, CaseNationality, TravelDocOverdue, TravelDocStatus } from './search-attributes';
import {
  answerTravelDocumentRequest,
  cancelTravelDocumentRequest,
  getTravelDocumentState,
  movePlannedDeparture,
} from './travel-document-messages';

const acts = proxyActivities<TravelDocumentActivities>({
  startToCloseTimeout: '30s',
  // SMTP and the case's workflow may be away for a while: back off up to ten minutes, never give up.
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10m' },
});

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

function rejection(error: unknown): unknown {
  return error instanceof TravelDocumentRejected
    ? ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true })
    : error;
}

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
  let state: TravelDocumentState = input.state ?? newTravelDocumentState(input.request);
  const exclusive = new Exclusive();

  const publish = () =>
    upsertSearchAttributes([
      { key: TravelDocStatus, value: state.status },
      { key: TravelDocOverdue, value: state.overdue },
      { key: CaseCentre, value: state.centreCode },
      { key: CaseNationality, value: state.country },
    ]);

  /** Records a change in Postgres (row and event), then makes it the live state. */
  const commit = async (next: TravelDocumentState, kind: string, detail: Record<string, unknown> = {}) => {
    await acts.recordTravelDocumentProgress({ state: next, event: { kind, detail }, at: new Date().toISOString() });
    state = next;
    publish();
  };

  setHandler(getTravelDocumentState, () => state);
  setHandler(
    answerTravelDocumentRequest,
    ({ answer, round }) =>
      exclusive.run(async () => {
        try {
          checkAnswer(state, answer, { now: Date.now(), round });
        } catch (error) {
          throw rejection(error);
        }
        const next = applyAnswer(state, answer, Date.now());
        const conflict = answer.decision === 'issued' && next.conflict ? { conflict: next.conflict } : {};
        await withInputRefusal(commit(next, `answered_${answer.decision}`, { ...answer, round, ...conflict }));
        return state;
      }),
    {
      validator: ({ answer, round }) => {
        try {
          checkAnswer(state, answer, { now: Date.now(), round });
        } catch (error) {
          throw rejection(error);
        }
      },
    },
  );
  setHandler(
    cancelTravelDocumentRequest,
    ({ actor, reason }) =>
      exclusive.run(async () => {
        try {
          checkCancellation(state);
        } catch (error) {
          throw rejection(error);
        }
        await withInputRefusal(commit(applyCancellation(state, reason, actor.sub), 'cancelled', { reason, by: actor.sub }));
        return state;
      }),
    {
      validator: (_input) => {
        try {
          checkCancellation(state);
        } catch (error) {
          throw rejection(error);
        }
      },
    },
  );

  setHandler(
    movePlannedDeparture,
    ({ actor, plannedDeparture }) =>
      exclusive.run(async () => {
        try {
          checkDepartureMove(state, plannedDeparture, Date.now());
        } catch (error) {
          throw rejection(error);
        }
        if (plannedDeparture === state.plannedDeparture) return state;
        const from = state.plannedDeparture;
        const next = applyDepartureMove(state, plannedDeparture);
        await withInputRefusal(commit(next, 'departure_moved', { from, to: plannedDeparture, by: actor.sub, conflict: next.conflict ?? null }));
        return state;
      }),
    {
      validator: ({ plannedDeparture }) => {
        try {
          checkDepartureMove(state, plannedDeparture, Date.now());
        } catch (error) {
          throw rejection(error);
        }
      },
    },
  );

  /** Sends the request (or renewal) e-mail and starts the embassy's clock. */
  const sendToEmbassy = () =>
    exclusive.run(async () => {
      if (state.status !== 'requested') return; // cancelled meanwhile
      await acts.sendTravelDocumentMail({ requestId: state.requestId, message: { kind: 'request', round: state.round } });
      await commit(markSent(state, Date.now()), state.round === 0 ? 'sent' : 'renewal_sent', { round: state.round });
    });

  if (!input.state) {
    await commit(state, 'requested', { documentType: state.documentType, plannedDeparture: state.plannedDeparture });
  }
  publish();

  while (!state.finished) {
    if (state.status === 'requested') {
      await sendToEmbassy();
      continue;
    }
    const outcome = pendingCaseOutcome(state);
    if (outcome) {
      await deliverOutcome(outcome);
      continue;
    }

    const seen = state.seq;
    let chase = nextChase(state, policy);
    if (chase?.kind === 'escalation' && chase.n > 1 && !patched(REPEATED_ESCALATIONS)) chase = undefined;
    const lapse = currentDocumentLapsesAt(state);
    const renewal = renewalDueAt(state, policy);
    const wakeAt = Math.min(chase?.at ?? Infinity, lapse ?? Infinity, renewal ?? Infinity);
    const changed = Number.isFinite(wakeAt)
      ? await condition(() => state.seq !== seen, Math.max(1, wakeAt - Date.now()))
      : (await condition(() => state.seq !== seen), true);
    if (!changed) {
      await exclusive.run(async () => {
        if (state.seq !== seen) return; // an answer landed while the timer fired: look again
        const now = Date.now();
        if (lapse !== undefined && lapse <= now) {
          await commit(markExpired(state), 'expired', { validUntil: state.document?.validUntil });
        } else if (renewal !== undefined && renewal <= now) {
          await renewOrFinish();
        } else if (chase && chase.at <= now) {
          await chaseEmbassy(chase);
        }
      });
    }

    const info = workflowInfo();
    if (info.continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof travelDocument>({ policy, request: input.request, state });
    }
  }
  await condition(allHandlersFinished);
  return state;

  /**
   * Tells the case the outcome. A case that refuses it for now (suspended) is asked again with
   * backoff for a while; one that still cannot take it then, or never will (it ended, or waits on
   * another request), has it raised to the centre's supervisor, once: an outcome is never dropped
   * (DESIGN.md, principle 11).
   */
  async function deliverOutcome(outcome: NonNullable<ReturnType<typeof pendingCaseOutcome>>) {
    let refusedSince: number | undefined;
    for (let refusals = 1; ; refusals++) {
      const delivery = await acts.tellCaseTravelDocumentOutcome({
        caseId: state.caseId,
        requestId: state.requestId,
        outcome: outcome.outcome,
        validUntil: outcome.validUntil,
        reason: outcome.reason,
      });
      if (!refusedDelivery(delivery)) {
        await exclusive.run(() => commit(markCaseTold(state, outcome.key), 'case_told', { outcome: outcome.outcome, result: delivery }));
        return;
      }
      refusedSince ??= Date.now();
      const retryAt = delivery.temporary ? nextOutcomeAttemptAt(refusedSince, refusals, Date.now()) : undefined;
      if (retryAt === undefined) {
        await acts.sendTravelDocumentMail({
          requestId: state.requestId,
          message: { kind: 'outcome_not_taken', round: state.round, outcome: outcome.outcome, reason: delivery.reason },
        });
        await exclusive.run(() =>
          commit(markOutcomeRaised(state, outcome.key, delivery.reason), 'outcome_raised', {
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
    const standing = await acts.caseTravelDocumentStanding({ caseId: state.caseId, requestId: state.requestId });
    if (!standing.holdsRequest) {
      await commit(applyCancellation(state, `the case no longer waits for this request (${standing.stage})`, 'sira'), 'cancelled', {
        reason: 'case moved on',
        stage: standing.stage,
      });
      return;
    }
    if (chase.kind === 'reminder') {
      await acts.sendTravelDocumentMail({
        requestId: state.requestId,
        message: { kind: 'reminder', round: state.round, cycle: state.cycle, n: chase.n },
      });
      await commit(markReminded(state, chase.n), 'reminded', { n: chase.n });
    } else {
      await acts.sendTravelDocumentMail({
        requestId: state.requestId,
        message: { kind: 'escalation', round: state.round, cycle: state.cycle, n: chase.n },
      });
      await commit(markEscalated(state, chase.n), 'escalated', { n: chase.n, remindersSent: state.remindersSent });
    }
  }

  /** The issued document is about to lapse: ask for a renewal if the person is still here, or stop. */
  async function renewOrFinish() {
    const standing = await acts.caseTravelDocumentStanding({ caseId: state.caseId, requestId: state.requestId });
    if (!standing.holdsRequest || standing.stage !== 'ready_to_depart') {
      await commit(markFinished(state), 'finished', { stage: standing.stage });
      return;
    }
    await commit(startRenewal(state), 'renewal_started', { validUntil: state.document?.validUntil });
    await acts.sendTravelDocumentMail({ requestId: state.requestId, message: { kind: 'renewal_notice', round: state.round } });
  }
}

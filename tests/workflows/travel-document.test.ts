import { runWithWorker, startTimeSkippingEnv } from '../support/time-skipping';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import type { CaseOutcomeDelivery, TravelDocumentActivities } from '../../activities/travel-document-activities';
import { messageKey, type TravelDocumentMessage, type TravelDocumentPolicy, type TravelDocumentState } from '../../domain/travel-document';
import { TravelDocOverdue, TravelDocStatus } from '../../workflows/search-attributes';
import { travelDocument } from '../../workflows/travel-document';
import { answerTravelDocumentRequest, getTravelDocumentState, movePlannedDeparture } from '../../workflows/travel-document-messages';

const DAY = 86_400_000;
const policy: TravelDocumentPolicy = { reminderIntervalMs: 7 * DAY, maxReminders: 3, escalationIntervalMs: 14 * DAY, renewalLeadMs: 7 * DAY };
const officer = { sub: 'awa', role: 'case_officer' } as const;

/** Activities that record what they were asked, standing in for Postgres, SMTP and the case. */
function recordingActivities(
  standing: { stage: string; holdsRequest: boolean } = { stage: 'travel_document', holdsRequest: true },
  /** How the case answers the n-th offer of an outcome (from 1). */
  caseAnswers: (n: number) => CaseOutcomeDelivery = () => 'recorded',
) {
  const calls = {
    mail: [] as { key: string; message: TravelDocumentMessage }[],
    told: [] as { outcome: string; validUntil?: string; reason?: string }[],
    events: [] as { kind: string; detail: Record<string, unknown> }[],
    standing,
  };
  const activities: TravelDocumentActivities = {
    async recordTravelDocumentProgress({ event }) {
      calls.events.push(event);
    },
    async sendTravelDocumentMail({ requestId, message }) {
      calls.mail.push({ key: messageKey(requestId, message).replace(requestId, 'R'), message });
      return 'sent';
    },
    async tellCaseTravelDocumentOutcome({ outcome, validUntil, reason }) {
      calls.told.push({ outcome, validUntil, reason });
      return caseAnswers(calls.told.length);
    },
    async caseTravelDocumentStanding() {
      return calls.standing;
    },
  };
  return { calls, activities };
}

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type Start = (plannedDeparture?: string) => Promise<WorkflowHandle<typeof travelDocument>>;

/** Runs `body` with a worker on its own task queue, then terminates what it started (timers would hold the clock). */
async function withWorker<T>(activities: TravelDocumentActivities, body: (start: Start) => Promise<T>): Promise<T> {
  const taskQueue = `td-${randomUUID()}`;
  const started: WorkflowHandle<typeof travelDocument>[] = [];
  const start: Start = async (plannedDeparture) => {
    const requestId = randomUUID();
    const now = (await env.currentTimeMs());
    const handle = await env.client.workflow.start(travelDocument, {
      workflowId: `traveldoc:${requestId}`,
      taskQueue,
      args: [
        {
          policy,
          request: {
            requestId,
            caseId: randomUUID(),
            country: 'GIN',
            centreCode: 'BKO-MMEIA',
            documentType: 'laissez_passer',
            plannedDeparture: plannedDeparture ?? isoDate(now + 20 * DAY),
            requestedBy: 'awa',
            requestedAt: new Date(now).toISOString(),
          },
        },
      ],
    });
    started.push(handle);
    return handle;
  };
  return runWithWorker(env, { taskQueue, activities, started }, () => body(start));
}

/**
 * Polls the workflow's query until `until` holds. Tests poll rather than await `result()`: on the
 * time-skipping server a `result()` left the next test's `env.sleep` hanging.
 */
async function settle(handle: WorkflowHandle<typeof travelDocument>, until: (s: TravelDocumentState) => boolean): Promise<TravelDocumentState> {
  for (let i = 0; i < 50; i++) {
    const state = await handle.query(getTravelDocumentState);
    if (until(state)) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the workflow did not settle');
}

test('reminders go out at 7, 14 and 21 days, the escalation a week after the third, then another every escalation interval until an answer', async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const handle = await start();
    await settle(handle, (s) => s.status === 'sent');
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request']);

    await env.sleep(7 * DAY - 60_000);
    expect(calls.mail).toHaveLength(1);
    await env.sleep(2 * 60_000);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request', 'traveldoc:R:reminder:1']);
    await env.sleep(7 * DAY);
    await env.sleep(7 * DAY);
    expect(calls.mail.map((m) => m.key)).toEqual([
      'traveldoc:R:request',
      'traveldoc:R:reminder:1',
      'traveldoc:R:reminder:2',
      'traveldoc:R:reminder:3',
    ]);
    expect((await handle.query(getTravelDocumentState)).overdue).toBe(false);

    await env.sleep(7 * DAY);
    expect(calls.mail.map((m) => m.key).slice(4)).toEqual(['traveldoc:R:escalation']);
    const overdue = await handle.query(getTravelDocumentState);
    expect(overdue).toMatchObject({ status: 'sent', overdue: true, remindersSent: 3 });
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(TravelDocOverdue)).toBe(true);
    expect(description.typedSearchAttributes.get(TravelDocStatus)).toBe('sent');

    // Repeated escalation at the interval, each with its own key, while the embassy stays silent.
    await env.sleep(14 * DAY - 2 * 60_000);
    expect(calls.mail).toHaveLength(5);
    await env.sleep(2 * 60_000);
    await env.sleep(14 * DAY);
    expect(calls.mail.map((m) => m.key).slice(4)).toEqual(['traveldoc:R:escalation', 'traveldoc:R:escalation:2', 'traveldoc:R:escalation:3']);
    expect(calls.mail.slice(4).map((m) => m.message)).toEqual([1, 2, 3].map((n) => ({ kind: 'escalation', round: 0, cycle: 0, n })));
    expect(await handle.query(getTravelDocumentState)).toMatchObject({ status: 'sent', overdue: true, escalations: 3 });

    // An answer ends the escalations.
    await handle.executeUpdate(answerTravelDocumentRequest, { args: [{ answer: { decision: 'refused', reason: 'unknown to us' }, round: 0 }] });
    await settle(handle, (s) => s.finished);
    await env.sleep(60 * DAY);
    expect(calls.mail).toHaveLength(7);
  });
});

test('escalations stop when the case no longer waits on the request: it is cancelled', async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const handle = await start(isoDate((await env.currentTimeMs()) + 90 * DAY));
    await settle(handle, (s) => s.status === 'sent');
    await env.sleep(28 * DAY + 60_000);
    expect(calls.mail.map((m) => m.key).at(-1)).toBe('traveldoc:R:escalation');
    calls.standing = { stage: 'counselling', holdsRequest: false };
    await env.sleep(14 * DAY);
    expect(await settle(handle, (s) => s.finished)).toMatchObject({ status: 'cancelled' });
    expect(calls.mail.map((m) => m.key).filter((k) => k.includes('escalation'))).toEqual(['traveldoc:R:escalation']);
  });
});

test('no reminder after an answer; an issued document sends the case on, a refusal ends the request', async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const issued = await start(isoDate((await env.currentTimeMs()) + 20 * DAY));
    await settle(issued, (s) => s.status === 'sent');
    await env.sleep(8 * DAY);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request', 'traveldoc:R:reminder:1']);

    const validUntil = isoDate((await env.currentTimeMs()) + 60 * DAY);
    const after = await issued.executeUpdate(answerTravelDocumentRequest, {
      args: [{ answer: { decision: 'issued', documentNumber: 'LP-1', validUntil }, round: 0 }],
    });
    expect(after.status).toBe('issued');
    expect(after.conflict).toBeUndefined();
    await settle(issued, (s) => s.caseToldOf === '0:issued');
    expect(calls.told).toEqual([{ outcome: 'issued', validUntil }]);
    await expect(
      issued.executeUpdate(answerTravelDocumentRequest, { args: [{ answer: { decision: 'refused', reason: 'again' }, round: 0 }] }),
    ).rejects.toMatchObject({ cause: { type: 'already_answered' } });
    await env.sleep(30 * DAY);
    expect(calls.mail).toHaveLength(2);

    const refused = await start();
    await settle(refused, (s) => s.status === 'sent');
    await refused.executeUpdate(answerTravelDocumentRequest, { args: [{ answer: { decision: 'refused', reason: 'not a national' }, round: 0 }] });
    const final = await settle(refused, (s) => s.finished);
    expect(final).toMatchObject({ status: 'refused', finished: true, refusalReason: 'not a national' });
    expect(calls.told[1]).toEqual({ outcome: 'refused', validUntil: undefined, reason: 'not a national' });
  });
});

test('an interview restarts the reminder clock from the interview day', async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const handle = await start(isoDate((await env.currentTimeMs()) + 40 * DAY));
    await settle(handle, (s) => s.status === 'sent');
    const interviewAt = new Date((await env.currentTimeMs()) + 3 * DAY).toISOString();
    await handle.executeUpdate(answerTravelDocumentRequest, {
      args: [{ answer: { decision: 'interview', interviewAt, interviewPlace: 'Consulate, ACI 2000' }, round: 0 }],
    });
    await env.sleep(9 * DAY);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request']);
    await env.sleep(2 * DAY);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request', 'traveldoc:R:interview:1:reminder:1']);
  });
});

test('a document about to lapse before the departure is renewed in the same request, and the officer is told', async () => {
  const { calls, activities } = recordingActivities({ stage: 'ready_to_depart', holdsRequest: true });
  await withWorker(activities, async (start) => {
    const handle = await start(isoDate((await env.currentTimeMs()) + 10 * DAY));
    await settle(handle, (s) => s.status === 'sent');
    const validUntil = isoDate((await env.currentTimeMs()) + 30 * DAY);
    await handle.executeUpdate(answerTravelDocumentRequest, {
      args: [{ answer: { decision: 'issued', documentNumber: 'LP-7', validUntil }, round: 0 }],
    });
    await settle(handle, (s) => s.caseToldOf === '0:issued');

    // Renewal is due seven days before the end of validity (the document covers its last day).
    await env.sleep(22 * DAY);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request']);
    await env.sleep(2 * DAY);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request', 'traveldoc:R:renewal:1:officer', 'traveldoc:R:renewal:1']);
    const renewing = await handle.query(getTravelDocumentState);
    expect(renewing).toMatchObject({ status: 'renewal_requested', round: 1, document: { number: 'LP-7', validUntil } });

    // The old link cannot answer the renewal; the renewal's can.
    await expect(
      handle.executeUpdate(answerTravelDocumentRequest, {
        args: [{ answer: { decision: 'issued', documentNumber: 'LP-8', validUntil: isoDate((await env.currentTimeMs()) + 60 * DAY) }, round: 0 }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'stale_link' } });
    const renewedUntil = isoDate((await env.currentTimeMs()) + 60 * DAY);
    await handle.executeUpdate(answerTravelDocumentRequest, {
      args: [{ answer: { decision: 'issued', documentNumber: 'LP-8', validUntil: renewedUntil }, round: 1 }],
    });
    await settle(handle, (s) => s.caseToldOf === '1:issued');
    expect(calls.told).toEqual([
      { outcome: 'issued', validUntil },
      { outcome: 'issued', validUntil: renewedUntil },
    ]);
  });
});

test('an unanswered renewal lets the document lapse: the case is told it expired', async () => {
  const { calls, activities } = recordingActivities({ stage: 'ready_to_depart', holdsRequest: true });
  await withWorker(activities, async (start) => {
    const handle = await start(isoDate((await env.currentTimeMs()) + 5 * DAY));
    await settle(handle, (s) => s.status === 'sent');
    const validUntil = isoDate((await env.currentTimeMs()) + 10 * DAY);
    await handle.executeUpdate(answerTravelDocumentRequest, {
      args: [{ answer: { decision: 'issued', documentNumber: 'LP-9', validUntil }, round: 0 }],
    });
    await env.sleep(12 * DAY);
    const final = await settle(handle, (s) => s.finished);
    expect(final).toMatchObject({ status: 'expired', finished: true });
    expect(calls.told.map((t) => t.outcome)).toEqual(['issued', 'expired']);
  });
});

test('a person who has left needs no renewal: the request finishes as issued', async () => {
  const { calls, activities } = recordingActivities({ stage: 'completed', holdsRequest: false });
  await withWorker(activities, async (start) => {
    const handle = await start(isoDate((await env.currentTimeMs()) + 5 * DAY));
    await settle(handle, (s) => s.status === 'sent');
    await handle.executeUpdate(answerTravelDocumentRequest, {
      args: [{ answer: { decision: 'issued', documentNumber: 'LP-10', validUntil: isoDate((await env.currentTimeMs()) + 20 * DAY) }, round: 0 }],
    });
    await env.sleep(20 * DAY);
    expect(await settle(handle, (s) => s.finished)).toMatchObject({ status: 'issued', finished: true });
    expect(calls.mail).toHaveLength(1);
  });
});

test('a document that lapses before the departure is recorded with its conflict and told to the case; moving the departure clears it', async () => {
  const { calls, activities } = recordingActivities({ stage: 'ready_to_depart', holdsRequest: true });
  await withWorker(activities, async (start) => {
    const now = await env.currentTimeMs();
    const departure = isoDate(now + 45 * DAY);
    const handle = await start(departure);
    await settle(handle, (s) => s.status === 'sent');

    // A real 30-day laissez-passer for a departure 45 days away: the embassy is not refused.
    const validUntil = isoDate(now + 30 * DAY);
    const answered = await handle.executeUpdate(answerTravelDocumentRequest, {
      args: [{ answer: { decision: 'issued', documentNumber: 'LP-30', validUntil }, round: 0 }],
    });
    const conflict = { kind: 'lapses_before_departure', validUntil, plannedDeparture: departure };
    expect(answered).toMatchObject({ status: 'issued', document: { number: 'LP-30', validUntil }, conflict });
    await settle(handle, (s) => s.caseToldOf === '0:issued');
    expect(calls.told).toEqual([{ outcome: 'issued', validUntil }]);
    expect(calls.events.find((e) => e.kind === 'answered_issued')?.detail).toMatchObject({ conflict });

    // Not into the past; then to a day the document covers: the conflict is gone, and recorded so.
    await expect(
      handle.executeUpdate(movePlannedDeparture, { args: [{ actor: officer, plannedDeparture: isoDate(now - 2 * DAY) }] }),
    ).rejects.toMatchObject({ cause: { type: 'rule_violation', message: expect.stringMatching(/already passed/) } });
    const earlier = isoDate(now + 25 * DAY);
    const moved = await handle.executeUpdate(movePlannedDeparture, { args: [{ actor: officer, plannedDeparture: earlier }] });
    expect(moved).toMatchObject({ status: 'issued', plannedDeparture: earlier });
    expect(moved.conflict).toBeUndefined();
    expect(calls.events.at(-1)).toEqual({ kind: 'departure_moved', detail: { from: departure, to: earlier, by: 'awa', conflict: null } });
    expect((await handle.query(getTravelDocumentState)).conflict).toBeUndefined();

    // Moving it beyond the document again brings the conflict back.
    const later = isoDate(now + 40 * DAY);
    const again = await handle.executeUpdate(movePlannedDeparture, { args: [{ actor: officer, plannedDeparture: later }] });
    expect(again.conflict).toEqual({ kind: 'lapses_before_departure', validUntil, plannedDeparture: later });
    expect(calls.told).toHaveLength(1);
  });
});

test('an outcome the case refuses for now is offered again with backoff, then raised to the centre supervisor once', async () => {
  const suspended: CaseOutcomeDelivery = { refused: true, reason: 'the case is suspended (hospital); resume it first', temporary: true };
  const { calls, activities } = recordingActivities(undefined, () => suspended);
  await withWorker(activities, async (start) => {
    const handle = await start();
    await settle(handle, (s) => s.status === 'sent');
    await handle.executeUpdate(answerTravelDocumentRequest, { args: [{ answer: { decision: 'refused', reason: 'not a national' }, round: 0 }] });
    await env.sleep(12 * 3_600_000);
    expect(calls.told.length).toBeGreaterThan(5);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request']);
    // Refused, the request no longer leads to a departure: its departure does not move.
    await expect(
      handle.executeUpdate(movePlannedDeparture, { args: [{ actor: officer, plannedDeparture: isoDate((await env.currentTimeMs()) + 30 * DAY) }] }),
    ).rejects.toMatchObject({ cause: { type: 'stage_conflict', message: expect.stringMatching(/request is refused/) } });

    await env.sleep(DAY);
    const final = await settle(handle, (s) => s.finished);
    expect(final).toMatchObject({ status: 'refused', outcomeRaised: { key: '0:refused', reason: suspended.reason } });
    expect(final.caseToldOf).toBeUndefined();
    const raised = calls.mail.filter((m) => m.message.kind === 'outcome_not_taken');
    expect(raised).toEqual([
      { key: 'traveldoc:R:outcome:refused', message: { kind: 'outcome_not_taken', round: 0, outcome: 'refused', reason: suspended.reason } },
    ]);
    expect(calls.events.filter((e) => e.kind === 'outcome_raised')).toEqual([
      { kind: 'outcome_raised', detail: { outcome: 'refused', reason: suspended.reason, refusals: calls.told.length } },
    ]);
    const offers = calls.told.length;
    await env.sleep(10 * DAY);
    expect(calls.told).toHaveLength(offers);
  });
});

test('a case that takes the outcome on a later offer is told, and no one else is', async () => {
  const { calls, activities } = recordingActivities(undefined, (n) =>
    n < 3 ? { refused: true, reason: 'the case is suspended (x); resume it first', temporary: true } : 'recorded',
  );
  await withWorker(activities, async (start) => {
    const handle = await start();
    await settle(handle, (s) => s.status === 'sent');
    await handle.executeUpdate(answerTravelDocumentRequest, { args: [{ answer: { decision: 'refused', reason: 'no' }, round: 0 }] });
    await env.sleep(10 * 60_000);
    const final = await settle(handle, (s) => s.finished);
    expect(final.caseToldOf).toBe('0:refused');
    expect(final.outcomeRaised).toBeUndefined();
    expect(calls.told).toHaveLength(3);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request']);
  });
});

test('a case that can never take the outcome (it ended) has it raised at once', async () => {
  const { calls, activities } = recordingActivities(undefined, () => ({
    refused: true,
    reason: 'a travel-document outcome does not fit a case at stage closed',
    temporary: false,
  }));
  await withWorker(activities, async (start) => {
    const handle = await start();
    await settle(handle, (s) => s.status === 'sent');
    await handle.executeUpdate(answerTravelDocumentRequest, { args: [{ answer: { decision: 'refused', reason: 'no' }, round: 0 }] });
    expect(await settle(handle, (s) => s.finished)).toMatchObject({ outcomeRaised: { key: '0:refused' } });
    expect(calls.told).toHaveLength(1);
    expect(calls.mail.map((m) => m.key)).toEqual(['traveldoc:R:request', 'traveldoc:R:outcome:refused']);
  });
});

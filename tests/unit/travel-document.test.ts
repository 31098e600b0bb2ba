import { escapeHtml, html } from '../../platform/html';
import { escalationMail, outcomeNotTakenMail } from '../../activities/templates/travel-document-mail';
import type { LiaisonFacts } from '../../db/queries/travel-documents';
import {
  applyAnswer,
  applyCancellation,
  applyDepartureMove,
  checkAnswer,
  checkDepartureMove,
  documentConflict,
  markCaseTold,
  markEscalated,
  markExpired,
  markOutcomeRaised,
  markReminded,
  markSent,
  mayTakeOutcomeLater,
  messageKey,
  newTravelDocumentState,
  nextChase,
  nextOutcomeAttemptAt,
  pendingCaseOutcome,
  renewalDueAt,
  startRenewal,
  type TravelDocumentPolicy,
  type TravelDocumentState,
} from '../../domain/travel-document';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0 = Date.parse('2026-03-01T09:00:00Z');
const policy: TravelDocumentPolicy = { reminderIntervalMs: 7 * DAY, maxReminders: 3, escalationIntervalMs: 14 * DAY, renewalLeadMs: 7 * DAY };

const sent = (): TravelDocumentState =>
  markSent(
    newTravelDocumentState({
      requestId: 'r1',
      caseId: 'c1',
      country: 'GIN',
      centreCode: 'BKO-MMEIA',
      documentType: 'laissez_passer',
      plannedDeparture: '2026-03-20',
      requestedBy: 'awa',
      requestedAt: new Date(T0).toISOString(),
    }),
    T0,
  );

const reason = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
  return 'accepted';
};

describe('the embassy chase', () => {
  test('three reminders a week apart, then an escalation, then another every escalation interval', () => {
    let state = sent();
    const at: string[] = [];
    for (let chase = nextChase(state, policy); chase && at.length < 7; chase = nextChase(state, policy)) {
      at.push(`${chase.kind}${chase.n}@${(chase.at - T0) / DAY}`);
      state = chase.kind === 'reminder' ? markReminded(state, chase.n) : markEscalated(state, chase.n);
    }
    expect(at).toEqual(['reminder1@7', 'reminder2@14', 'reminder3@21', 'escalation1@28', 'escalation2@42', 'escalation3@56', 'escalation4@70']);
    expect(state).toMatchObject({ overdue: true, escalations: 4 });
  });

  test('escalations stop when the wait ends: an answer, a cancellation or the lapse of the document', () => {
    const escalated = markEscalated(markReminded(sent(), 3), 1);
    expect(nextChase(applyAnswer(escalated, { decision: 'refused', reason: 'no' }, T0 + 30 * DAY), policy)).toBeUndefined();
    expect(nextChase(applyCancellation(escalated, 'withdrew', 'awa'), policy)).toBeUndefined();
    expect(nextChase(markExpired(escalated), policy)).toBeUndefined();
  });

  test('an interview or a new e-mail to the embassy starts the escalations over, after the reminders', () => {
    const escalated = markEscalated(markReminded(sent(), 3), 2);
    expect(markSent(escalated, T0 + 50 * DAY)).toMatchObject({ overdue: false, remindersSent: 0, escalations: 0 });
    const interviewAt = new Date(T0 + 60 * DAY).toISOString();
    const interview = applyAnswer(escalated, { decision: 'interview', interviewAt, interviewPlace: 'Consulate' }, T0 + 50 * DAY);
    expect(interview).toMatchObject({ overdue: false, escalations: 0 });
    expect(nextChase(markReminded(interview, 3), policy)).toEqual({ kind: 'escalation', n: 1, at: Date.parse(interviewAt) + 28 * DAY });
  });

  test('a state carried over from before escalations repeated counts its one escalation', () => {
    const { escalations: _dropped, ...carried } = { ...markReminded(sent(), 3), overdue: true };
    expect(nextChase(carried, policy)).toEqual({ kind: 'escalation', n: 2, at: T0 + 42 * DAY });
  });

  test('no chase once answered', () => {
    const issued = applyAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-04-01' }, T0 + DAY);
    expect(nextChase(issued, policy)).toBeUndefined();
  });

  test('message keys: one per request, round, interview, reminder, escalation and outcome not taken', () => {
    expect(messageKey('r1', { kind: 'request', round: 0 })).toBe('traveldoc:r1:request');
    expect(messageKey('r1', { kind: 'reminder', round: 0, cycle: 0, n: 1 })).toBe('traveldoc:r1:reminder:1');
    expect(messageKey('r1', { kind: 'reminder', round: 0, cycle: 1, n: 1 })).toBe('traveldoc:r1:interview:1:reminder:1');
    expect(messageKey('r1', { kind: 'request', round: 2 })).toBe('traveldoc:r1:renewal:2');
    // The first escalation keeps the key it had when there was only one.
    expect(messageKey('r1', { kind: 'escalation', round: 1, cycle: 0, n: 1 })).toBe('traveldoc:r1:renewal:1:escalation');
    expect(messageKey('r1', { kind: 'escalation', round: 0, cycle: 0, n: 2 })).toBe('traveldoc:r1:escalation:2');
    expect(messageKey('r1', { kind: 'escalation', round: 0, cycle: 1, n: 3 })).toBe('traveldoc:r1:interview:1:escalation:3');
    expect(messageKey('r1', { kind: 'outcome_not_taken', round: 0, outcome: 'refused', reason: 'suspended' })).toBe('traveldoc:r1:outcome:refused');
    expect(messageKey('r1', { kind: 'outcome_not_taken', round: 1, outcome: 'issued', reason: 'closed' })).toBe('traveldoc:r1:renewal:1:outcome:issued');
  });
});

describe('the liaison answer', () => {
  const now = { now: T0 + DAY, round: 0 };

  test('a document that lapses before the departure is recorded, with its conflict', () => {
    const lapsing = { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-03-19' } as const;
    expect(reason(() => checkAnswer(sent(), lapsing, now))).toBe('accepted');
    expect(applyAnswer(sent(), lapsing, T0 + DAY)).toMatchObject({
      status: 'issued',
      document: { number: 'LP-1', validUntil: '2026-03-19' },
      conflict: { kind: 'lapses_before_departure', validUntil: '2026-03-19', plannedDeparture: '2026-03-20' },
    });
    expect(applyAnswer(sent(), { ...lapsing, validUntil: '2026-03-20' }, T0 + DAY).conflict).toBeUndefined();
  });

  test('other checks on an issued document stay: a number, a validity not yet past', () => {
    expect(reason(() => checkAnswer(sent(), { decision: 'issued', documentNumber: ' ', validUntil: '2026-04-20' }, now))).toMatch(/number is required/);
    expect(reason(() => checkAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-02-27' }, now))).toMatch(
      /^invalid_answer: .*already passed/,
    );
  });

  test('an answered request takes no second answer; an old round\'s link is stale', () => {
    const refused = applyAnswer(sent(), { decision: 'refused', reason: 'not ours' }, T0 + DAY);
    expect(reason(() => checkAnswer(refused, { decision: 'refused', reason: 'again' }, now))).toMatch(/^already_answered/);
    const renewing = markSent(startRenewal(applyAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-04-01' }, T0)), T0 + 20 * DAY);
    expect(renewing.status).toBe('renewal_requested');
    expect(reason(() => checkAnswer(renewing, { decision: 'issued', documentNumber: 'LP-2', validUntil: '2026-05-01' }, now))).toMatch(/^stale_link/);
    expect(reason(() => checkAnswer(renewing, { decision: 'issued', documentNumber: 'LP-2', validUntil: '2026-03-30' }, { ...now, round: 1 }))).toMatch(
      /must be valid after 2026-04-01/,
    );
  });

  test('an interview in the past is refused; one ahead restarts the reminders from its day', () => {
    expect(reason(() => checkAnswer(sent(), { decision: 'interview', interviewAt: '2026-02-01T10:00:00Z', interviewPlace: 'x' }, now))).toMatch(/already passed/);
    const at = '2026-03-05T10:00:00.000Z';
    const next = applyAnswer(sent(), { decision: 'interview', interviewAt: at, interviewPlace: 'Consulate' }, T0 + DAY);
    expect(nextChase(next, policy)).toEqual({ kind: 'reminder', n: 1, at: Date.parse(at) + 7 * DAY });
  });

  test('renewal falls due a lead time before the last day of validity', () => {
    const issued = applyAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-04-01' }, T0);
    expect(new Date(renewalDueAt(issued, policy)!).toISOString()).toBe('2026-03-25T23:59:59.999Z');
  });
});

describe('the document and the planned departure', () => {
  test('documentConflict: a document valid through the day of departure has none; one that ends earlier lapses before it', () => {
    expect(documentConflict('2026-03-20', '2026-03-20')).toBeUndefined();
    expect(documentConflict('2026-03-20', '2026-03-20T23:00:00Z')).toBeUndefined();
    expect(documentConflict('2026-03-20', '2026-03-21T00:00:00Z')).toEqual({
      kind: 'lapses_before_departure',
      validUntil: '2026-03-20',
      plannedDeparture: '2026-03-21T00:00:00Z',
    });
    expect(documentConflict('2026-03-19', '2026-03-20')).toMatchObject({ kind: 'lapses_before_departure' });
  });

  const issuedUntil = (validUntil: string) => applyAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil }, T0 + DAY);

  test('the planned departure moves to any day not yet past, and the conflict follows it', () => {
    const lapsing = issuedUntil('2026-03-19');
    expect(reason(() => checkDepartureMove(lapsing, '2026-03-18', T0 + 2 * DAY))).toBe('accepted');
    const moved = applyDepartureMove(lapsing, '2026-03-18');
    expect(moved).toMatchObject({ plannedDeparture: '2026-03-18', seq: lapsing.seq + 1 });
    expect(moved.conflict).toBeUndefined();
    expect(applyDepartureMove(moved, '2026-04-02').conflict).toEqual({
      kind: 'lapses_before_departure',
      validUntil: '2026-03-19',
      plannedDeparture: '2026-04-02',
    });
    // Before the embassy answers there is no document, so no conflict.
    expect(applyDepartureMove(sent(), '2026-06-01')).toMatchObject({ plannedDeparture: '2026-06-01', conflict: undefined });
  });

  test('a planned departure never moves into the past (today still counts)', () => {
    const today = '2026-03-03';
    const noon = Date.parse(`${today}T12:00:00Z`);
    expect(reason(() => checkDepartureMove(sent(), today, noon))).toBe('accepted');
    expect(reason(() => checkDepartureMove(sent(), '2026-03-02', noon))).toBe('rule_violation: the planned departure 2026-03-02 has already passed');
    expect(reason(() => checkDepartureMove(sent(), 'soon', noon))).toMatch(/^rule_violation: .*not a date/);
  });

  test('a planned departure moves only while the request may still lead to a departure', () => {
    const at = T0 + 2 * DAY;
    expect(reason(() => checkDepartureMove(applyCancellation(sent(), 'withdrew', 'awa'), '2026-04-01', at))).toBe(
      'stage_conflict: the request is finished; its planned departure can no longer move',
    );
    expect(reason(() => checkDepartureMove(applyAnswer(sent(), { decision: 'refused', reason: 'no' }, at), '2026-04-01', at))).toBe(
      'stage_conflict: the request is refused; its planned departure can no longer move',
    );
    expect(reason(() => checkDepartureMove(markExpired(issuedUntil('2026-03-19')), '2026-04-01', at))).toMatch(/^stage_conflict: the request is expired/);
    expect(reason(() => checkDepartureMove(issuedUntil('2026-03-19'), '2026-04-01', at))).toBe('accepted');
  });
});

describe('the outcome told to the case', () => {
  test('a refused outcome is offered again after a minute, twice as long each time up to an hour apart, for a day', () => {
    const waits: number[] = [];
    let now = T0;
    for (let refusals = 1; ; refusals++) {
      const next = nextOutcomeAttemptAt(T0, refusals, now);
      if (next === undefined) break;
      waits.push(next - now);
      now = next;
    }
    expect(waits.slice(0, 8).map((w) => w / MINUTE)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    expect(now - T0).toBeLessThanOrEqual(DAY);
    expect(now - T0).toBeGreaterThan(DAY - HOUR);
  });

  test('a case may take an outcome later only while it is open and still waits on this request', () => {
    expect(mayTakeOutcomeLater({ stage: 'travel_document', travelDocument: { requestId: 'r1' } }, 'r1')).toBe(true);
    expect(mayTakeOutcomeLater({ stage: 'ready_to_depart', travelDocument: { requestId: 'r1' } }, 'r1')).toBe(true);
    expect(mayTakeOutcomeLater({ stage: 'travel_document', travelDocument: { requestId: 'r2' } }, 'r1')).toBe(false);
    expect(mayTakeOutcomeLater({ stage: 'closed', travelDocument: { requestId: 'r1' } }, 'r1')).toBe(false);
    expect(mayTakeOutcomeLater({ stage: 'counselling' }, 'r1')).toBe(false);
    expect(mayTakeOutcomeLater(undefined, 'r1')).toBe(false);
  });

  test('an outcome raised to a person is no longer pending; a raised refusal ends the request', () => {
    const refused = applyAnswer(sent(), { decision: 'refused', reason: 'not ours' }, T0 + DAY);
    const outcome = pendingCaseOutcome(refused)!;
    expect(outcome).toMatchObject({ outcome: 'refused', key: '0:refused', reason: 'not ours' });
    const raised = markOutcomeRaised(refused, outcome.key, 'the case is suspended');
    expect(raised).toMatchObject({ outcomeRaised: { key: '0:refused', reason: 'the case is suspended' }, finished: true });
    expect(pendingCaseOutcome(raised)).toBeUndefined();

    const issued = applyAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-04-01' }, T0 + DAY);
    const raisedIssued = markOutcomeRaised(issued, '0:issued', 'the case is closed');
    expect(raisedIssued.finished).toBe(false);
    expect(pendingCaseOutcome(raisedIssued)).toBeUndefined();
    expect(pendingCaseOutcome(markCaseTold(issued, '0:issued'))).toBeUndefined();
  });
});

describe('the e-mails to people inside the programme', () => {
  const facts: LiaisonFacts = {
    requestId: '0b5e6f7a-1111-4222-8333-944445555666',
    caseId: 'c0ffee00-1111-4222-8333-944445555666',
    status: 'refused',
    round: 0,
    documentType: 'laissez_passer',
    plannedDeparture: '2026-03-20',
    requestedAt: new Date(T0).toISOString(),
    remindersSent: 3,
    document: null,
    conflict: null,
    interview: null,
    refusalReason: 'not a national',
    person: { familyName: 'Camara', givenName: 'Fatoumata', sex: 'F', dateOfBirth: '1995-03-02', nationality: 'GIN' },
    centre: { code: 'BKO-MMEIA', name: 'Centre d’accueil du MMEIA', city: 'Bamako', supervisorEmail: 'sup@sira.local' },
    embassy: { country: 'GIN', name: 'Ambassade de Guinée à Bamako', liaisonEmail: 'liaison@gin', language: 'fr' },
  };

  test('a repeated escalation says it is the n-th and that the request is still overdue', () => {
    expect(escalationMail(facts, 'http://sira.test', 3, 1).subject).toBe('[Sira] Embassy not answering: travel document 0B5E6F7A (GIN)');
    const second = escalationMail(facts, 'http://sira.test', 3, 2);
    expect(second.subject).toBe('[Sira] Embassy still not answering (escalation 2): travel document 0B5E6F7A (GIN)');
    expect(second.text).toContain('after 3 reminder(s) and 1 earlier escalation(s). The request is still overdue.');
  });

  test('an outcome the case could not take says which request, which outcome, and why; no names', () => {
    const reason = 'the case is suspended (re-verification); resume it first';
    const mail = outcomeNotTakenMail(facts, 'http://sira.test', { kind: 'outcome_not_taken', round: 0, outcome: 'refused', reason });
    expect(mail.subject).toBe('[Sira] Travel-document outcome not taken in: case c0ffee00, request 0B5E6F7A');
    expect(mail.text).toContain(`Travel-document request ${facts.requestId} (GIN) has an outcome: the embassy refused the request (not a national).`);
    expect(mail.text).toContain(`Case ${facts.caseId} could not take it in: ${reason}`);
    expect(mail.text).toContain(`http://sira.test/v1/travel-documents/${facts.requestId}`);
    for (const name of ['Camara', 'Fatoumata', '1995']) expect(mail.text).not.toContain(name);
  });
});

test('HTML escaping covers text and attributes', () => {
  expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
  expect(html`<a href="${'"><img src=x onerror=alert(1)>'}">${'<b>'}</a>`.value).toBe('<a href="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;b&gt;</a>');
});

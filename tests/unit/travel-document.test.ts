import { escapeHtml, html } from '../../activities/templates/html';
import {
  applyAnswer,
  checkAnswer,
  markOverdue,
  markReminded,
  markSent,
  messageKey,
  newTravelDocumentState,
  nextChase,
  renewalDueAt,
  startRenewal,
  type TravelDocumentState,
} from '../../domain/travel-document';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T09:00:00Z');
const policy = { reminderIntervalMs: 7 * DAY, maxReminders: 3, renewalLeadMs: 7 * DAY };

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
  test('three reminders a week apart, then an escalation, then nothing', () => {
    let state = sent();
    const at: string[] = [];
    for (let chase = nextChase(state, policy); chase; chase = nextChase(state, policy)) {
      at.push(`${chase.kind}@${(chase.at - T0) / DAY}`);
      state = chase.kind === 'reminder' ? markReminded(state, chase.n) : markOverdue(state);
    }
    expect(at).toEqual(['reminder@7', 'reminder@14', 'reminder@21', 'escalation@28']);
  });

  test('no chase once answered', () => {
    const issued = applyAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-04-01' }, T0 + DAY);
    expect(nextChase(issued, policy)).toBeUndefined();
  });

  test('message keys: one per request, round, interview and reminder', () => {
    expect(messageKey('r1', { kind: 'request', round: 0 })).toBe('traveldoc:r1:request');
    expect(messageKey('r1', { kind: 'reminder', round: 0, cycle: 0, n: 1 })).toBe('traveldoc:r1:reminder:1');
    expect(messageKey('r1', { kind: 'reminder', round: 0, cycle: 1, n: 1 })).toBe('traveldoc:r1:interview:1:reminder:1');
    expect(messageKey('r1', { kind: 'request', round: 2 })).toBe('traveldoc:r1:renewal:2');
    expect(messageKey('r1', { kind: 'escalation', round: 1, cycle: 0 })).toBe('traveldoc:r1:renewal:1:escalation');
  });
});

describe('the liaison answer', () => {
  const now = { now: T0 + DAY, round: 0 };

  test('a document must still be valid on the day of departure (its last day counts)', () => {
    expect(reason(() => checkAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-03-19' }, now))).toBe(
      'invalid_answer: the document is valid until 2026-03-19, before the planned departure on 2026-03-20: it must still be valid on the day of departure',
    );
    expect(reason(() => checkAnswer(sent(), { decision: 'issued', documentNumber: 'LP-1', validUntil: '2026-03-20' }, now))).toBe('accepted');
    expect(reason(() => checkAnswer(sent(), { decision: 'issued', documentNumber: ' ', validUntil: '2026-04-20' }, now))).toMatch(/number is required/);
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

test('HTML escaping covers text and attributes', () => {
  expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
  expect(html`<a href="${'"><img src=x onerror=alert(1)>'}">${'<b>'}</a>`.value).toBe('<a href="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;b&gt;</a>');
});

import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import {
  caseDetails,
  caseStaticDetails,
  caseSummary,
  COVER_MARK,
  flightDetails,
  flightDueAt,
  flightSummary,
  isCoverText,
  travelDocumentDetails,
  travelDocumentDueAt,
  travelDocumentSummary,
  when,
} from '../../domain/cover-page';
import { newFlightState } from '../../domain/flight';
import { newTravelDocumentState } from '../../domain/travel-document';
import { EncryptionCodec, ENCRYPTED_ENCODING, isCoverPayload, parseCodecKeys } from '../../platform/codec';
import { DAY, HOUR, registeredCase, T0 } from './fixtures';

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

describe('the case file cover', () => {
  const cover = { caseId: 'c-1', track: 'reintegration' as const, centreCode: 'BKO-MMEIA', nationality: 'MLI', minor: true, flightId: 'TIP-33', arrivalMode: 'charter' };

  it('summarises what the case is, in one line, never who', () => {
    expect(caseSummary(cover)).toBe(`${COVER_MARK}Returnee case · reintegration · centre BKO-MMEIA · nationality MLI · unaccompanied minor`);
    expect(caseStaticDetails(cover)).toContain('**Arrival:** charter on flight TIP-33');
    expect(caseStaticDetails(cover)).toContain('`GET /v1/cases/c-1`');
  });

  it('says what a case waits for, since when and by when, and who was told at each overdue level', () => {
    const state = registeredCase();
    const onTime = caseDetails(state);
    expect(onTime).toContain('**Waiting for:** Record reception (`registered:reception`)');
    expect(onTime).toContain(`**Since:** ${when(T0)}`);
    expect(onTime).toContain(`**Due:** ${when(T0 + 3 * DAY)}`);
    expect(onTime).toContain('nobody has been told yet');

    const late = caseDetails({ ...state, task: { ...state.task!, overdueLevel: 1 } });
    expect(late).toContain(`**Overdue** since ${when(T0 + 3 * DAY)}: the supervisor of BKO-MMEIA was e-mailed`);
    expect(late).not.toContain('programme manager');
    const escalated = caseDetails({ ...state, task: { ...state.task!, overdueLevel: 2 } });
    expect(escalated).toContain(`past twice its time since ${when(T0 + 6 * DAY)}: the programme manager was e-mailed too`);
  });

  it('shows a hold, without its free-text reason, and a closed case', () => {
    const state = registeredCase();
    const held = caseDetails({ ...state, suspension: { reason: 'Mme Diarra hospitalised', since: T0 + HOUR, by: 'sup-1' } });
    expect(held).toContain(`**Suspended** since ${when(T0 + HOUR)} by \`sup-1\``);
    expect(held).toContain('clock stopped while suspended');
    expect(held).not.toContain('Diarra');
    const closed = caseDetails({ ...state, stage: 'closed', task: undefined, closure: { reason: 'unreachable', at: new Date(T0).toISOString(), by: 'awa' } });
    expect(closed).toContain('**Closed** (unreachable)');
  });

  it('every text carries the cover mark, and only those texts', () => {
    for (const t of [caseSummary(cover), caseDetails(registeredCase())]) expect(isCoverText(t)).toBe(true);
    expect(isCoverText('Returnee case')).toBe(false);
    expect(isCoverText({ currentDetails: COVER_MARK })).toBe(false);
  });
});

describe('flights and travel documents', () => {
  const policy = { fitToTravelWindowMs: 3 * DAY, departureGraceMs: 6 * HOUR };
  const plan = {
    flightId: 'TIP-33',
    flightNumber: 'UJ-3301',
    origin: 'LBY-TIP',
    destination: 'MLI-BKO',
    scheduledDeparture: new Date(T0 + DAY).toISOString(),
    capacity: 160,
    createdBy: 'moussa',
    createdAt: new Date(T0).toISOString(),
  };

  it('a flight is due to depart by its schedule and grace, and says so', () => {
    const state = newFlightState(plan);
    expect(flightSummary(plan)).toContain('Charter flight UJ-3301 · LBY-TIP → MLI-BKO');
    expect(flightDueAt(state, policy)).toBe(T0 + DAY + 6 * HOUR);
    expect(flightDetails(state, policy)).toContain(`**Due to depart by:** ${when(T0 + DAY + 6 * HOUR)}`);
    expect(flightDetails({ ...state, overdue: true }, policy)).toContain('**Overdue:**');
    expect(flightDueAt({ ...state, status: 'departed' }, policy)).toBeUndefined();
  });

  it("a request is due from its embassy at its first escalation, and counts the reminders", () => {
    const request = {
      requestId: 'r-1',
      caseId: 'c-1',
      country: 'CIV',
      centreCode: 'BKO-MMEIA',
      documentType: 'laissez_passer' as const,
      plannedDeparture: '2026-02-01',
      requestedBy: 'awa',
      requestedAt: new Date(T0).toISOString(),
    };
    const p = { reminderIntervalMs: 7 * DAY, maxReminders: 2 };
    const sent = { ...newTravelDocumentState(request), status: 'sent' as const, waitingSince: T0, remindersSent: 2, overdue: true, escalations: 1 };
    expect(travelDocumentSummary(request)).toContain('laissez passer from the CIV embassy');
    expect(travelDocumentDueAt(sent, p)).toBe(T0 + 21 * DAY);
    const details = travelDocumentDetails(sent, p);
    expect(details).toContain("**Waiting for:** the CIV embassy's answer");
    expect(details).toContain('**Reminders** to the embassy\'s liaison: 2 of 2');
    expect(details).toContain('escalated to the programme manager 1 time');
    const issued = { ...sent, status: 'issued' as const, document: { number: 'LP-CIV-99', validUntil: '2026-03-01', issuedAt: new Date(T0).toISOString() } };
    expect(travelDocumentDetails(issued, p)).not.toContain('LP-CIV-99');
  });
});

describe('the codec keeps cover pages readable, and only them', () => {
  const codec = new EncryptionCodec(parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`));
  const summary = defaultPayloadConverter.toPayload(caseSummary({ caseId: 'c', track: 'onward_return', centreCode: 'GAO-PC', nationality: 'GIN', minor: false }))!;
  const metadata = defaultPayloadConverter.toPayload({ definition: { type: 'returneeCase' }, currentDetails: caseDetails(registeredCase()) })!;

  it.each<[string, Payload]>([
    ['a static summary', summary],
    ["the metadata query's answer", metadata],
  ])('%s is stored as it is', async (_, payload) => {
    expect(isCoverPayload(payload)).toBe(true);
    const [stored] = await codec.encode([payload]);
    expect(text(stored.metadata?.encoding)).toBe('json/plain');
    expect((await codec.decode([stored]))[0]).toEqual(payload);
  });

  it.each<[string, unknown]>([
    ['a plain string', 'Returnee case · Traoré'],
    ['an object holding a cover text', { name: 'Traoré', currentDetails: caseDetails(registeredCase()) }],
    ['an object with a cover text and more', { definition: {}, currentDetails: COVER_MARK, person: { familyName: 'Traoré' } }],
    ['a list', [COVER_MARK]],
  ])('%s is encrypted', async (_, value) => {
    const [stored] = await codec.encode([defaultPayloadConverter.toPayload(value)!]);
    expect(text(stored.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
  });
});

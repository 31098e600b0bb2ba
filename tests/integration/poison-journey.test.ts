import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Response } from 'supertest';
import type { CaughtMail } from '../../platform/smtp-catcher';
import { caseStepUpdates } from '../../workflows/case-messages';
import { flightUpdates } from '../../workflows/flight-messages';
import { caseWorkflowId, flightWorkflowId, travelDocumentWorkflowId } from '../../workflows/ids';
import { INVALID_INPUT } from '../../workflows/input-refusal';
import { cancelTravelDocumentRequest } from '../../workflows/travel-document-messages';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { aVendor } from '../support/vendors';

/**
 * Issue 9: a value Postgres cannot store used to pass validation and then fail the activity's write
 * on every retry, freezing the case, flight or request for good. Each poison is now refused at the
 * field that carries it, and the object then takes the valid value and goes on to the end.
 */

let stack: TestStack;
let officer: string;
let supervisor: string;
let movement: string;

beforeAll(async () => {
  stack = await startTestStack({
    MONITORING_VISITS: '1s,2s,3s',
    RATE_LIMIT_API_PER_MINUTE: '10000',
    RATE_LIMIT_LIAISON_PER_MINUTE: '10000',
  });
  officer = await stack.token('case_officer', { sub: 'awa' });
  supervisor = await stack.token('supervisor', { sub: 'sidi' });
  movement = await stack.token('movement_officer', { sub: 'moussa' });
});

afterAll(async () => {
  await stack?.stop();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = () => new Date().toISOString();
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Strings Postgres cannot keep in text or jsonb. */
const STRING_POISON = ['a\u0000b', '\ud800x'];
/** Dates Postgres cannot store (the offset) or Sira should not (year 1). */
const DATE_POISON = ['2026-11-20T10:00:00+23:59', '0001-01-01T00:00:00Z', '0001-01-01'];

/**
 * The fields of a body that take a string ('text') or a date ('date'), by dotted path. A date field
 * gets every poison; a text field only the string poison, since "0001-01-01" is fair text for a note.
 */
type Fields = Record<string, 'text' | 'date'>;
const poisonFor = (kind: 'text' | 'date') => (kind === 'date' ? [...STRING_POISON, ...DATE_POISON] : STRING_POISON);

/** A copy of `body` with `value` at the dotted `path` (numeric segments index arrays). */
function withValue(body: object, path: string, value: string): object {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
  return copy;
}

/**
 * Sends `valid` with each poison in each field and expects every answer to be 422 naming that field.
 * All answers are collected first, so a failure lists every field that let a poison through.
 */
async function expectEachPoisonRefused(send: (body: object) => Promise<Response>, valid: object, fields: Fields): Promise<void> {
  const wrong: unknown[] = [];
  for (const [path, kind] of Object.entries(fields)) {
    for (const poison of poisonFor(kind)) {
      const res = await send(withValue(valid, path, poison));
      const named = (res.body?.errors as { path: string }[] | undefined)?.some((e) => e.path === path) ?? false;
      if (res.status !== 422 || !named) wrong.push({ path, poison, status: res.status, body: res.body });
    }
  }
  expect(wrong).toEqual([]);
}

async function register(body: object) {
  const res = await stack.api.post('/v1/cases').set(auth(officer)).send(body);
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.caseId as string;
}

const step = (caseId: string, path: string, body: object, token = officer, method: 'post' | 'delete' = 'post') =>
  stack.api[method](`/v1/cases/${caseId}${path}`).set(auth(token)).send(body);

async function ok(caseId: string, path: string, body: object, token = officer, method: 'post' | 'delete' = 'post') {
  const res = await step(caseId, path, body, token, method);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Poisons each field of a case step, then takes the step with the valid body. */
async function poisonThenStep(caseId: string, path: string, valid: object, fields: Fields, token = officer, method: 'post' | 'delete' = 'post') {
  await expectEachPoisonRefused((body) => step(caseId, path, body, token, method), valid, fields);
  return ok(caseId, path, valid, token, method);
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const caseDetail = async (caseId: string) => (await stack.api.get(`/v1/cases/${caseId}`).set(auth(officer))).body;

const criteria = { returnedThroughProgramme: true, withinProgrammeWindow: true, notPreviouslyAssisted: true, vulnerabilityScreeningDone: true };

test('a Malian case refuses each poison at each field of each step, and then completes', async () => {
  const registration = registrationBody({
    person: { phone: '+223 70 00 00 00' },
    documentNumber: 'MLI-ID-0042',
    arrival: { mode: 'commercial', arrivedAt: new Date(Date.now() - 2 * DAY).toISOString(), fromCountry: 'LBY', flightId: 'TU 1033' },
  });
  const casesBefore = Number((await stack.db('cases').count<{ count: string }[]>({ count: '*' }))[0].count);
  await expectEachPoisonRefused((body) => stack.api.post('/v1/cases').set(auth(officer)).send(body), registration, {
    'person.familyName': 'text',
    'person.givenName': 'text',
    'person.phone': 'text',
    'person.dateOfBirth': 'date',
    'arrival.arrivedAt': 'date',
    'arrival.flightId': 'text',
    biometricRef: 'text',
    documentNumber: 'text',
  });
  // No refused registration left a row: the valid one is the first with its biometric reference.
  const caseId = await register(registration);
  expect(Number((await stack.db('cases').count<{ count: string }[]>({ count: '*' }))[0].count)).toBe(casesBefore + 1);

  const reception = { centreCode: 'BKO-MMEIA', medical: { provided: true, notes: 'dehydrated' }, referrals: [{ kind: 'health', to: 'CSCOM Bamako' }] };
  expect((await poisonThenStep(caseId, '/reception', reception, { 'medical.notes': 'text', 'referrals.0.to': 'text' })).stage).toBe('received');

  const counselling = { heldAt: now(), summary: 'wants to start a poultry farm' };
  expect((await poisonThenStep(caseId, '/counselling-sessions', counselling, { heldAt: 'date', summary: 'text' })).stage).toBe('counselling');

  const held = await poisonThenStep(caseId, '/suspension', { reason: 'awaiting medical clearance' }, { reason: 'text' }, supervisor);
  expect(held.suspension).toMatchObject({ reason: 'awaiting medical clearance' });
  const resumed = await poisonThenStep(caseId, '/suspension', { reason: 'cleared by CSCOM' }, { reason: 'text' }, supervisor, 'delete');
  expect(resumed.suspension).toBeUndefined();

  const eligibility = { decision: 'eligible', criteria, reason: 'meets every criterion' };
  expect((await poisonThenStep(caseId, '/eligibility', eligibility, { reason: 'text' })).stage).toBe('planning');

  const plan = { type: 'individual', sector: 'poultry', budgetXof: 500_000, dimensions: ['economic', 'social'] };
  await poisonThenStep(caseId, '/plan', plan, { sector: 'text' });
  // A tranche number beyond any the case could hold is refused (422), and the case takes the valid approval next.
  const tooBig = await step(caseId, '/approvals', { subject: 'plan', decision: 'approved', ref: 3_000_000_000 }, supervisor);
  expect(tooBig.status).toBe(422);
  const approval = { subject: 'plan', decision: 'approved', comment: 'a sound plan' };
  expect((await poisonThenStep(caseId, '/approvals', approval, { comment: 'text' }, supervisor)).stage).toBe('disbursing');

  const tranche = { amountXof: 500_000, vendorId: await aVendor(stack), items: [{ description: 'chicken coop', quantity: 1, unitCostXof: 500_000 }] };
  await poisonThenStep(caseId, '/tranches', tranche, { vendorId: 'text', 'items.0.description': 'text' });
  await ok(caseId, '/approvals', { subject: 'tranche', ref: 1, decision: 'approved' }, supervisor);
  const payment = { paidAt: now(), reference: 'PAY-1' };
  expect((await poisonThenStep(caseId, '/tranches/1/payment', payment, { paidAt: 'date', reference: 'text' })).stage).toBe('monitoring');

  const scores = { economic: 0.8, social: 0.8, psychosocial: 0.8 };
  await poisonThenStep(caseId, '/monitoring-visits', { visitedAt: now(), scores }, { visitedAt: 'date' });
  await ok(caseId, '/monitoring-visits', { visitedAt: now(), scores });
  expect((await ok(caseId, '/monitoring-visits', { visitedAt: now(), scores })).stage).toBe('completed');

  expect(await stack.client.workflow.getHandle(caseWorkflowId(caseId)).result()).toEqual({ caseId, stage: 'completed' });
  // Only the valid steps were recorded.
  const kinds = (await stack.db('case_events').where({ case_id: caseId }).orderBy('seq')).map((e) => e.kind);
  expect(kinds).toEqual([
    'registered',
    'recordReception',
    'recordCounsellingSession',
    'suspend',
    'resume',
    'decideEligibility',
    'submitPlan',
    'recordApproval',
    'requestTranche',
    'recordApproval',
    'recordTranchePayment',
    'recordMonitoringVisit',
    'recordMonitoringVisit',
    'recordMonitoringVisit',
  ]);
}, 120_000);

test("a minor's safeguards and a closure comment refuse each poison, and the case then closes", async () => {
  const caseId = await register(
    registrationBody({ person: { familyName: 'Sidibé', givenName: 'Oumar', sex: 'M', dateOfBirth: isoDate(Date.now() - 15 * 365 * DAY) }, unaccompaniedMinor: true }),
  );
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  const safeguards = {
    bestInterests: { assessedAt: now(), reference: 'BIA-2026-017', determination: 'return_in_best_interests', notes: 'wishes to rejoin his mother' },
    familyTracing: { status: 'done', outcome: 'family_found', alternativeCare: 'an uncle in Kayes until his mother returns' },
    consents: { minor: true, guardian: true },
    escort: 'IOM social worker',
  };
  const recorded = await poisonThenStep(caseId, '/minor-safeguards', safeguards, {
    'bestInterests.assessedAt': 'date',
    'bestInterests.reference': 'text',
    'bestInterests.notes': 'text',
    'familyTracing.alternativeCare': 'text',
    escort: 'text',
  });
  expect(recorded.safeguards).toMatchObject({ escort: 'IOM social worker' });

  const pending = await poisonThenStep(caseId, '/closure', { reason: 'withdrew', comment: 'joined his family on his own' }, { comment: 'text' });
  expect(pending.pendingClosure).toMatchObject({ reason: 'withdrew' });
  expect((await ok(caseId, '/approvals', { subject: 'closure', decision: 'approved' }, supervisor)).stage).toBe('closed');
});

const linkIn = (mail: CaughtMail) => {
  const match = /http:\/\/sira\.test(\/liaison\/requests\/[0-9a-f-]+\?token=[A-Za-z0-9._-]+)/.exec(mail.text);
  if (!match) throw new Error(`no liaison link in:\n${mail.text}`);
  return match[1];
};

/** A Guinean case on the onward-return track, received and counselled. */
async function onwardCase() {
  const caseId = await register(registrationBody({ person: { nationality: 'GIN', familyName: 'Camara', givenName: 'Fatoumata' }, arrival: { mode: 'in_transit', fromCountry: 'DZA' } }));
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  await ok(caseId, '/counselling-sessions', { heldAt: now() });
  return caseId;
}

test('an onward-return case: the request, the embassy answer and the departure refuse each poison, then the case completes', async () => {
  const caseId = await onwardCase();
  const request = { documentType: 'laissez_passer', plannedDeparture: isoDate(Date.now() + 20 * DAY) };
  const send = (body: object) => stack.api.post(`/v1/cases/${caseId}/travel-documents`).set(auth(officer)).send(body);
  await expectEachPoisonRefused(send, request, { plannedDeparture: 'date' });
  const created = await send(request);
  expect(created.status).toBe(201);
  const requestId = created.body.requestId as string;
  const link = linkIn(await stack.smtp.waitFor((m) => m.text.includes(requestId)));

  // The liaison answers from the e-mailed link, in JSON here (a script) and by the form below.
  const answer = (body: object) => stack.api.post(link).send(body);
  const validUntil = isoDate(Date.now() + 60 * DAY);
  await expectEachPoisonRefused(answer, { decision: 'issued', documentNumber: 'LP-GIN-7', validUntil }, { documentNumber: 'text', validUntil: 'date' });
  await expectEachPoisonRefused(answer, { decision: 'refused', reason: 'identity not established' }, { reason: 'text' });
  await expectEachPoisonRefused(answer, { decision: 'interview', interviewAt: isoDate(Date.now() + 3 * DAY) + 'T10:30', interviewPlace: 'Embassy, Bamako' }, {
    interviewAt: 'date',
    interviewPlace: 'text',
  });
  // A form cannot carry a lone surrogate (it is not UTF-8), but it can carry a NUL.
  const form = await stack.api.post(link).type('form').send({ decision: 'issued', documentNumber: 'LP\u0000GIN', validUntil });
  expect(form.status).toBe(422);
  expect(form.text).toContain('documentNumber');
  expect(form.text).toContain('name="documentNumber"');

  const issued = await answer({ decision: 'issued', documentNumber: 'LP-GIN-7', validUntil });
  expect(issued.status).toBe(200);
  expect(issued.body).toMatchObject({ requestId, status: 'issued' });
  await eventually(() => caseDetail(caseId), (c) => c.stage === 'ready_to_depart', 'the case to be ready to depart');

  const departure = { departedAt: now(), transport: 'bus', handoverTo: 'IOM Guinea' };
  expect((await poisonThenStep(caseId, '/departure', departure, { departedAt: 'date', transport: 'text', handoverTo: 'text' })).stage).toBe('completed');
  const detail = await stack.api.get(`/v1/travel-documents/${requestId}`).set(auth(officer));
  expect(detail.body.document).toMatchObject({ number: 'LP-GIN-7', validUntil });
});

test('a travel-document cancellation refuses a poisoned reason, then a valid one cancels', async () => {
  const caseId = await onwardCase();
  const created = await stack.api
    .post(`/v1/cases/${caseId}/travel-documents`)
    .set(auth(officer))
    .send({ documentType: 'passport', plannedDeparture: isoDate(Date.now() + 20 * DAY) });
  expect(created.status).toBe(201);
  const requestId = created.body.requestId as string;
  const cancel = (body: object) => stack.api.post(`/v1/travel-documents/${requestId}/cancellation`).set(auth(officer)).send(body);
  await expectEachPoisonRefused(cancel, { reason: 'the person withdrew' }, { reason: 'text' });
  const cancelled = await cancel({ reason: 'the person withdrew' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('cancelled');
});

test('a bulk hold with a poisoned reason is refused and the case goes on; a valid one holds and releases it', async () => {
  const caseId = await register(registrationBody());
  const bulk = (method: 'post' | 'delete') => (body: object) => stack.api[method]('/v1/cases/suspensions').set(auth(supervisor)).send(body);
  await expectEachPoisonRefused(bulk('post'), { caseIds: [caseId], reason: 'audit of the centre' }, { reason: 'text' });
  const received = await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  expect(received.suspension).toBeUndefined();

  expect((await bulk('post')({ caseIds: [caseId], reason: 'audit of the centre' })).body).toEqual({ matched: 1, signalled: 1, failed: 0 });
  await eventually(() => caseDetail(caseId), (c) => c.suspended === true, 'the hold');
  await expectEachPoisonRefused(bulk('delete'), { caseIds: [caseId], reason: 'audit done' }, { reason: 'text' });
  expect((await bulk('delete')({ caseIds: [caseId], reason: 'audit done' })).status).toBe(202);
  await eventually(() => caseDetail(caseId), (c) => c.suspended === false, 'the release');
  expect((await ok(caseId, '/counselling-sessions', { heldAt: now() })).stage).toBe('counselling');
});

test('a charter flight refuses each poison in its plan, manifest, checks, departure and arrival, and then closes', async () => {
  const flights = (path: string, method: 'post' | 'put' = 'post') => (body: object) => stack.api[method](`/v1/flights${path}`).set(auth(movement)).send(body);
  const plan = { flightNumber: '5A 1033', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 2 * HOUR).toISOString(), capacity: 5 };
  await expectEachPoisonRefused(flights(''), plan, { flightNumber: 'text', scheduledDeparture: 'date' });
  const planned = await flights('')(plan);
  expect(planned.status).toBe(201);
  const flightId = planned.body.flightId as string;

  const passenger = {
    person: { familyName: 'Konaté', givenName: 'Bakary', sex: 'M', dateOfBirth: '1994-05-20', nationality: 'MLI' },
    vulnerabilities: [],
    unaccompaniedMinor: false,
    escort: 'none needed',
    biometricRef: `BIO-POISON-${process.pid}-${Date.now()}`,
    consentSignedAt: new Date(Date.now() - DAY).toISOString(),
    fitToTravelAt: new Date(Date.now() - HOUR).toISOString(),
  };
  await expectEachPoisonRefused(flights(`/${flightId}/passengers`), passenger, {
    'person.familyName': 'text',
    'person.dateOfBirth': 'date',
    escort: 'text',
    biometricRef: 'text',
    consentSignedAt: 'date',
    fitToTravelAt: 'date',
  });
  const added = await flights(`/${flightId}/passengers`)(passenger);
  expect(added.status).toBe(201);
  const passengerId = added.body.passengerId as string;

  await expectEachPoisonRefused(flights(`/${flightId}/passengers/${passengerId}/checks`, 'put'), { consentSignedAt: now(), escort: 'IOM nurse' }, {
    consentSignedAt: 'date',
    escort: 'text',
  });
  await expectEachPoisonRefused(flights(`/${flightId}/schedule`, 'put'), { scheduledDeparture: plan.scheduledDeparture }, { scheduledDeparture: 'date' });
  expect((await flights(`/${flightId}/lock`)({})).status).toBe(200);

  const departure = { departedAt: new Date(Date.now() - 3 * HOUR).toISOString() };
  await expectEachPoisonRefused(flights(`/${flightId}/departure`), departure, { departedAt: 'date' });
  expect((await flights(`/${flightId}/departure`)(departure)).body).toMatchObject({ status: 'departed', boarded: 1 });

  const arrival = { arrivedAt: new Date(Date.now() - HOUR).toISOString(), centreCode: 'BKO-MMEIA' };
  await expectEachPoisonRefused(flights(`/${flightId}/arrival`), arrival, { arrivedAt: 'date' });
  expect((await flights(`/${flightId}/arrival`)(arrival)).status).toBe(200);
  const closed = await eventually(
    async () => (await stack.api.get(`/v1/flights/${flightId}`).set(auth(movement))).body,
    (f) => f.status === 'closed',
    'the flight to close',
  );
  expect(closed.cases).toEqual({ opened: 1, attached: 0, unresolved: 0 });
}, 60_000);

/** The Update fails at once with the activity's input refusal; a hang (the old retry loop) fails too. */
async function expectInputRefusal(update: Promise<unknown>): Promise<void> {
  const started = Date.now();
  // Before the fix the activity retried its write forever and the Update never answered.
  const hang = new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), 15_000).unref());
  const outcome = await Promise.race([update.then(() => 'accepted', (e: unknown) => e), hang]);
  expect(outcome).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (outcome as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(INVALID_INPUT);
  expect(Date.now() - started).toBeLessThan(10_000);
}

test('behind the API, a case Update with a NUL or a lone surrogate is refused as invalid_input at once, and the case stays workable', async () => {
  const caseId = await register(registrationBody());
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  const handle = stack.client.workflow.getHandle(caseWorkflowId(caseId));
  for (const summary of STRING_POISON) {
    await expectInputRefusal(
      handle.executeUpdate(caseStepUpdates.recordCounsellingSession, { args: [{ heldAt: now(), summary, actor: { sub: 'x', role: 'case_officer' } }] }),
    );
  }
  const counselled = await ok(caseId, '/counselling-sessions', { heldAt: now(), summary: 'wants to go back to school' });
  expect(counselled.stage).toBe('counselling');
  expect(counselled.counsellingSessions).toBe(1);
  const kinds = (await stack.db('case_events').where({ case_id: caseId }).orderBy('seq')).map((e) => e.kind);
  expect(kinds).toEqual(['registered', 'recordReception', 'recordCounsellingSession']);
}, 60_000);

test('behind the API, a travel-document cancellation and a flight reschedule Postgres cannot store are refused, and both stay workable', async () => {
  const caseId = await onwardCase();
  const created = await stack.api
    .post(`/v1/cases/${caseId}/travel-documents`)
    .set(auth(officer))
    .send({ documentType: 'laissez_passer', plannedDeparture: isoDate(Date.now() + 20 * DAY) });
  expect(created.status).toBe(201);
  const requestId = created.body.requestId as string;
  const request = stack.client.workflow.getHandle(travelDocumentWorkflowId(requestId));
  await expectInputRefusal(request.executeUpdate(cancelTravelDocumentRequest, { args: [{ actor: { sub: 'awa', role: 'case_officer' }, reason: 'a\u0000b' }] }));
  const cancelled = await stack.api.post(`/v1/travel-documents/${requestId}/cancellation`).set(auth(officer)).send({ reason: 'the person withdrew' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('cancelled');

  const planned = await stack.api
    .post('/v1/flights')
    .set(auth(movement))
    .send({ flightNumber: '5A 1034', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 2 * HOUR).toISOString(), capacity: 5 });
  expect(planned.status).toBe(201);
  const flightId = planned.body.flightId as string;
  const flight = stack.client.workflow.getHandle(flightWorkflowId(flightId));
  // JavaScript reads this offset; timestamptz cannot store it.
  const scheduledDeparture = `${isoDate(Date.now() + 3 * DAY)}T10:00:00+23:59`;
  expect(Number.isFinite(Date.parse(scheduledDeparture))).toBe(true);
  await expectInputRefusal(flight.executeUpdate(flightUpdates.reschedule, { args: [{ actor: { sub: 'moussa', role: 'movement_officer' }, scheduledDeparture }] }));
  const rescheduled = await stack.api
    .put(`/v1/flights/${flightId}/schedule`)
    .set(auth(movement))
    .send({ scheduledDeparture: new Date(Date.now() + 3 * HOUR).toISOString() });
  expect(rescheduled.status).toBe(200);
  expect((await stack.api.post(`/v1/flights/${flightId}/cancellation`).set(auth(movement)).send({ reason: 'aircraft unavailable' })).status).toBe(200);
}, 60_000);

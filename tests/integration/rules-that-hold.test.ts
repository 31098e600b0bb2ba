import { caseWorkflowId } from '../../workflows/ids';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { aVendor } from '../support/vendors';

let stack: TestStack;
let officer: string;
let supervisor: string;
let otherSupervisor: string;

beforeAll(async () => {
  stack = await startTestStack({
    RATE_LIMIT_API_PER_MINUTE: '10000',
    RATE_LIMIT_LIAISON_PER_MINUTE: '10000',
    MONITORING_VISITS: '2s,4s',
    MONITORING_EARLY_WINDOW: '0ms',
  });
  officer = await stack.token('case_officer', { sub: 'awa' });
  supervisor = await stack.token('supervisor', { sub: 'sidi' });
  otherSupervisor = await stack.token('supervisor', { sub: 'mariam' });
});

afterAll(async () => {
  await stack?.stop();
});

const DAY = 86_400_000;
const SECOND = 1000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const auth = (token = officer) => ({ Authorization: `Bearer ${token}` });
const criteria = { returnedThroughProgramme: true, withinProgrammeWindow: true, notPreviouslyAssisted: true, vulnerabilityScreeningDone: true };

const post = (caseId: string, path: string, body: object, token = officer) => stack.api.post(`/v1/cases/${caseId}${path}`).set(auth(token)).send(body);
async function ok(caseId: string, path: string, body: object, token = officer) {
  const res = await post(caseId, path, body, token);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
async function register(body = registrationBody()) {
  const res = await stack.api.post('/v1/cases').set(auth()).send(body);
  if (res.status !== 201) throw new Error(`registration: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.caseId as string;
}
async function caseUntil(caseId: string, done: (body: Record<string, unknown>) => boolean) {
  for (let i = 0; i < 100; i++) {
    const res = await stack.api.get(`/v1/cases/${caseId}`).set(auth());
    if (done(res.body)) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`case ${caseId} did not get there`);
}

/** A Malian case with an approved plan of `budgetXof`: disbursing. */
async function disbursingCase(budgetXof = 300_000) {
  const caseId = await register();
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  await ok(caseId, '/counselling-sessions', { heldAt: new Date().toISOString() });
  await ok(caseId, '/eligibility', { decision: 'eligible', criteria, reason: 'meets every criterion' });
  await ok(caseId, '/plan', { type: 'individual', sector: 'poultry', budgetXof, dimensions: ['economic'] });
  await ok(caseId, '/approvals', { subject: 'plan', decision: 'approved' }, supervisor);
  return caseId;
}

async function paidTranche(caseId: string, n: number, amountXof: number, paidAt: string, vendorId: string) {
  await ok(caseId, '/tranches', { amountXof, vendorId, items: [{ description: 'chicken coop kit', quantity: 1, unitCostXof: amountXof }] });
  await ok(caseId, '/approvals', { subject: 'tranche', ref: n, decision: 'approved' }, supervisor);
  return ok(caseId, `/tranches/${n}/payment`, { paidAt, reference: `RCPT-${n}` });
}

/** An onward-return case, received and counselled, with an embassy on file. */
async function counselledTransitCase() {
  const caseId = await register(registrationBody({ person: { nationality: 'GIN' }, arrival: { mode: 'in_transit', fromCountry: 'DZA' } }));
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  await ok(caseId, '/counselling-sessions', { heldAt: new Date().toISOString() });
  return caseId;
}

const linkFor = async (requestId: string) => {
  const mail = await stack.smtp.waitFor((m) => m.text.includes(requestId));
  const match = /http:\/\/sira\.test(\/liaison\/requests\/[0-9a-f-]+\?token=[A-Za-z0-9._-]+)/.exec(mail.text);
  if (!match) throw new Error('no liaison link');
  return match[1];
};

test('a suspended case takes the embassy’s issued document; the departure waits for the resumption', async () => {
  const caseId = await counselledTransitCase();
  const requested = await post(caseId, '/travel-documents', { documentType: 'laissez_passer', plannedDeparture: isoDate(Date.now() + 10 * DAY) });
  expect(requested.status).toBe(201);
  const link = await linkFor(requested.body.requestId);
  expect((await post(caseId, '/suspension', { reason: 're-verification, January 2019' }, supervisor)).status).toBe(200);

  const answered = await stack.api.post(link).send({ decision: 'issued', documentNumber: 'LP-GIN-77', validUntil: isoDate(Date.now() + 30 * DAY) });
  expect(answered.status).toBe(200);
  const ready = await caseUntil(caseId, (c) => c.stage === 'ready_to_depart');
  expect(ready.suspended).toBe(true);
  expect(ready.travelDocument).toMatchObject({ requestId: requested.body.requestId, status: 'issued' });

  const departure = { departedAt: new Date().toISOString(), transport: 'bus', handoverTo: 'IOM Guinea' };
  expect((await post(caseId, '/departure', departure)).status).toBe(409);
  await stack.api.delete(`/v1/cases/${caseId}/suspension`).set(auth(supervisor)).send({ reason: 'verified' }).expect(200);
  expect((await ok(caseId, '/departure', departure)).stage).toBe('completed');
});

test('completion means completion: visits on schedule, help delivered or reduced by a supervisor', async () => {
  const vendorId = await aVendor(stack);
  const caseId = await disbursingCase(300_000);
  // Help delivered in part, ten seconds ago: monitoring may start from that payment.
  await paidTranche(caseId, 1, 100_000, ago(10 * SECOND), vendorId);
  const visit = (at: string) => post(caseId, '/monitoring-visits', { visitedAt: at, scores: { economic: 0.8, social: 0.8, psychosocial: 0.8 } });
  const tooEarly = await visit(ago(9 * SECOND));
  expect(tooEarly.status).toBe(422);
  expect(tooEarly.body.detail).toMatch(/visit 1 is due from/);
  expect((await visit(ago(8 * SECOND))).status).toBe(200);
  const last = await visit(ago(6 * SECOND));
  expect(last.status).toBe(200);
  // Every visit is done, but 200,000 XOF of help is still owed: the case does not complete.
  expect(last.body.stage).toBe('monitoring');
  expect(last.body.task.label).toBe('Deliver the rest of the help or reduce the budget');

  const byOfficer = await post(caseId, '/budget-reduction', { budgetXof: 100_000, reason: 'x' });
  expect(byOfficer.status).toBe(403);
  const reduced = await ok(caseId, '/budget-reduction', { budgetXof: 100_000, reason: 'found a job; the second kit is not needed' }, supervisor);
  expect(reduced.stage).toBe('completed');
  const detail = await caseUntil(caseId, (c) => c.stage === 'completed');
  expect(detail.plans).toEqual([expect.objectContaining({ budgetXof: 100_000, reducedFromXof: 300_000 })]);
  expect(await stack.client.workflow.getHandle(caseWorkflowId(caseId)).result()).toEqual({ caseId, stage: 'completed' });

  // "completed" is never a closure reason.
  const other = await register();
  const closure = await post(other, '/closure', { reason: 'completed' }, supervisor);
  expect(closure.status).toBe(422);
  expect(closure.body.errors[0].path).toBe('reason');
});

test('vendors and payments: reference data, never the returnee, items that add up, a reference, four eyes', async () => {
  const caseId = await disbursingCase(300_000);
  const itself = await aVendor(stack, 'Awa Traoré');
  const toReturnee = await post(caseId, '/tranches', { amountXof: 100_000, vendorId: itself, items: [{ description: 'kit', quantity: 1, unitCostXof: 100_000 }] });
  expect(toReturnee.status).toBe(422);
  expect(toReturnee.body.errors).toEqual([{ path: 'vendorId', message: 'must not be the returnee' }]);
  const unknown = await post(caseId, '/tranches', { amountXof: 100_000, vendorId: '00000000-0000-4000-8000-000000000000', items: [{ description: 'kit', quantity: 1, unitCostXof: 100_000 }] });
  expect(unknown.status).toBe(422);

  const vendorId = await aVendor(stack);
  const wrongSum = await post(caseId, '/tranches', { amountXof: 100_000, vendorId, items: [{ description: 'kit', quantity: 2, unitCostXof: 40_000 }] });
  expect(wrongSum.status).toBe(422);
  expect(wrongSum.body.errors[0]).toMatchObject({ path: 'items', message: 'the items add up to 80000 XOF, not to amountXof 100000' });

  await ok(caseId, '/tranches', { amountXof: 100_000, vendorId, items: [{ description: 'kit', quantity: 2, unitCostXof: 50_000 }] });
  await ok(caseId, '/approvals', { subject: 'tranche', ref: 1, decision: 'approved' }, supervisor);
  const noReference = await post(caseId, '/tranches/1/payment', {});
  expect(noReference.status).toBe(422);
  expect(noReference.body.errors[0].path).toBe('reference');
  const byApprover = await post(caseId, '/tranches/1/payment', { reference: 'RCPT-1' }, supervisor);
  expect(byApprover.status).toBe(422);
  expect(byApprover.body.detail).toMatch(/someone other than its approver/);
  await ok(caseId, '/tranches/1/payment', { reference: 'RCPT-1' });
  const detail = await caseUntil(caseId, (c) => (c.tranches as { status: string }[])[0]?.status === 'paid');
  expect((detail.tranches as object[])[0]).toMatchObject({ vendorId, approvedBy: 'sidi', paidBy: 'awa', paymentReference: 'RCPT-1' });
});

test('a supervisor reopens a closed case at the stage it was closed at; its workflow runs again', async () => {
  const caseId = await register();
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  await ok(caseId, '/counselling-sessions', { heldAt: new Date().toISOString() });
  expect((await ok(caseId, '/closure', { reason: 'unreachable', comment: 'no answer for three months' }, supervisor)).stage).toBe('closed');
  await stack.client.workflow.getHandle(caseWorkflowId(caseId)).result();

  expect((await post(caseId, '/reopening', { reason: 'found again' })).status).toBe(403);
  const reopened = await post(caseId, '/reopening', { reason: 'he called back from Kayes' }, otherSupervisor);
  expect(reopened.status).toBe(200);
  expect(reopened.body).toMatchObject({ stage: 'counselling', reopenings: 1 });
  expect(reopened.body.closure).toBeUndefined();
  expect((await ok(caseId, '/eligibility', { decision: 'eligible', criteria, reason: 'meets every criterion' })).stage).toBe('planning');
  const detail = await caseUntil(caseId, (c) => c.stage === 'planning');
  expect((detail.history as { step: string }[]).map((h) => h.step)).toContain('reopen');
  expect((await post(caseId, '/reopening', { reason: 'again' }, supervisor)).status).toBe(409);
});

test('a person who returns again gets a new case, linked to the earlier one and flagged as a second return', async () => {
  const body = registrationBody();
  const first = await register(body);
  expect((await ok(first, '/closure', { reason: 're_migrated' }, supervisor)).stage).toBe('closed');
  const second = await stack.api.post('/v1/cases').set(auth()).send({ ...registrationBody(), biometricRef: body.biometricRef });
  expect(second.status).toBe(201);
  const detail = await caseUntil(second.body.caseId, () => true);
  expect(detail).toMatchObject({ secondReturn: true, previousCaseId: first });
});

test("an officer's ineligible decision waits for a supervisor's confirmation", async () => {
  const caseId = await register();
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  await ok(caseId, '/counselling-sessions', { heldAt: new Date().toISOString() });
  const decided = await ok(caseId, '/eligibility', { decision: 'ineligible', criteria, reason: 'not a returnee of the programme' });
  expect(decided.stage).toBe('eligibility');
  expect(decided.task.label).toBe('Supervisor confirms ineligibility');
  expect((await ok(caseId, '/approvals', { subject: 'eligibility', decision: 'approved' }, supervisor)).stage).toBe('closed');
});

test('an issued document that lapses before the planned departure is recorded; moving the departure clears the conflict', async () => {
  const caseId = await counselledTransitCase();
  const requested = await post(caseId, '/travel-documents', { documentType: 'laissez_passer', plannedDeparture: isoDate(Date.now() + 60 * DAY) });
  const link = await linkFor(requested.body.requestId);
  const validUntil = isoDate(Date.now() + 30 * DAY);
  expect((await stack.api.post(link).send({ decision: 'issued', documentNumber: 'LP-NER-30', validUntil })).status).toBe(200);
  const ready = await caseUntil(caseId, (c) => c.stage === 'ready_to_depart');
  expect(ready.travelDocument).toMatchObject({ status: 'issued', validUntil, conflict: true });
  expect((ready.openTasks as { label: string }[])[0].label).toBe('Move the planned departure or request a new document');

  expect((await post(caseId, '/planned-departure', { plannedDeparture: isoDate(Date.now() - DAY) })).status).toBe(422);
  const moved = await ok(caseId, '/planned-departure', { plannedDeparture: isoDate(Date.now() + 20 * DAY) });
  expect(moved.travelDocument.plannedDeparture).toBe(isoDate(Date.now() + 20 * DAY));
  const cleared = await caseUntil(caseId, (c) => (c.travelDocument as { conflict: boolean }).conflict === false);
  expect(cleared.openTasks).toEqual([]);
  const request = await stack.api.get(`/v1/travel-documents/${requested.body.requestId}`).set(auth());
  expect(request.body.plannedDeparture).toBe(isoDate(Date.now() + 20 * DAY));
});

test('a document the migrant already holds is recorded without asking an embassy', async () => {
  const caseId = await counselledTransitCase();
  const held = await post(caseId, '/travel-documents', {
    plannedDeparture: isoDate(Date.now() + 5 * DAY),
    existingDocument: { type: 'passport', number: 'GN0012345', validUntil: isoDate(Date.now() + 400 * DAY) },
  });
  expect(held.status).toBe(201);
  expect(held.body.status).toBe('issued');
  const request = await stack.api.get(`/v1/travel-documents/${held.body.requestId}`).set(auth());
  expect(request.body).toMatchObject({ status: 'issued', document: { number: 'GN0012345' } });
  const ready = await caseUntil(caseId, (c) => c.stage === 'ready_to_depart');
  expect(ready.travelDocument).toMatchObject({ status: 'issued', held: { type: 'passport' } });
  expect(Number((await stack.db('notifications').where({ case_id: caseId }).count({ n: '*' }))[0].n)).toBe(0);
  const departed = await ok(caseId, '/departure', { departedAt: new Date().toISOString(), transport: 'bus', handoverTo: 'IOM Guinea' });
  expect(departed.stage).toBe('completed');
});

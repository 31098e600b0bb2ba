import { signLiaisonToken } from '../../platform/liaison-link';
import type { CaughtMail } from '../../platform/smtp-catcher';
import { travelDocumentWorkflowId } from '../../workflows/ids';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let officer: string;

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_LIAISON_PER_MINUTE: '10000', RATE_LIMIT_API_PER_MINUTE: '10000' });
  officer = await stack.token('case_officer', { sub: 'awa' });
});

afterAll(async () => {
  await stack?.stop();
});

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const auth = (token = officer) => ({ Authorization: `Bearer ${token}` });

/** An onward-return case, received and counselled: ready for a travel-document request. */
async function counselledCase(nationality: string) {
  const body = registrationBody({
    person: { nationality, familyName: 'Camara', givenName: 'Fatoumata', phone: '+223 70 00 00 01' },
    arrival: { mode: 'in_transit', fromCountry: 'DZA' },
    vulnerabilities: ['medical_condition'],
  });
  const created = await stack.api.post('/v1/cases').set(auth()).send(body);
  expect(created.status).toBe(201);
  const caseId = created.body.caseId as string;
  expect((await stack.api.post(`/v1/cases/${caseId}/reception`).set(auth()).send({ centreCode: 'BKO-MMEIA' })).status).toBe(200);
  const counselled = await stack.api.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth()).send({ heldAt: new Date().toISOString() });
  expect(counselled.status).toBe(200);
  return { caseId, biometricRef: body.biometricRef as string };
}

async function requestDocument(caseId: string, plannedDeparture = isoDate(Date.now() + 20 * DAY)) {
  const res = await stack.api
    .post(`/v1/cases/${caseId}/travel-documents`)
    .set(auth())
    .send({ documentType: 'laissez_passer', plannedDeparture });
  if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body.requestId as string;
}

const linkIn = (mail: CaughtMail) => {
  const match = /http:\/\/sira\.test(\/liaison\/requests\/[0-9a-f-]+\?token=[A-Za-z0-9._-]+)/.exec(mail.text);
  if (!match) throw new Error(`no liaison link in:\n${mail.text}`);
  return match[1];
};

async function requestStatus(requestId: string, expected: string) {
  for (let i = 0; i < 100; i++) {
    const res = await stack.api.get(`/v1/travel-documents/${requestId}`).set(auth());
    if (res.body.status === expected) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`request ${requestId} did not reach ${expected}`);
}

async function caseStage(caseId: string, expected: string) {
  for (let i = 0; i < 100; i++) {
    const res = await stack.api.get(`/v1/cases/${caseId}`).set(auth());
    if (res.body.stage === expected) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`case ${caseId} did not reach ${expected}`);
}

test('the French embassy gets a French e-mail with the minimum data and a link that answers the request once', async () => {
  const { caseId, biometricRef } = await counselledCase('GIN');
  const departure = isoDate(Date.now() + 20 * DAY);
  const requestId = await requestDocument(caseId, departure);
  const mail = await stack.smtp.waitFor((m) => m.text.includes(requestId));
  expect(mail.to).toEqual(['liaison.gin@embassies.sira.local']);
  expect(mail.subject).toMatch(/^Demande de document de voyage — Référence [0-9A-F]{8}$/);
  expect(mail.text).toContain('laissez-passer');
  expect(mail.text).toContain('Camara');
  expect(mail.text).toContain('Fatoumata');
  expect(mail.text).toMatch(/Date de naissance: 2 mars 1995/);
  for (const secret of ['+223', biometricRef, 'medical_condition']) expect(mail.text).not.toContain(secret);
  expect(mail.html).toContain('href="http://sira.test/liaison/requests/');
  const link = linkIn(mail);

  const page = await stack.api.get(link);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/text\/html/);
  expect(page.text).toContain('<html lang="fr">');
  expect(page.text).toContain('Ambassade de Guinée à Bamako');
  expect(page.text).toContain('name="documentNumber"');
  expect(page.text).not.toContain('+223');

  // A validity date already past is refused with a clear message, and nothing changes.
  const past = await stack.api.post(link).type('form').send({ decision: 'issued', documentNumber: 'LP-GIN-1', validUntil: isoDate(Date.now() - 5 * DAY) });
  expect(past.status).toBe(422);
  expect(past.text).toMatch(/already passed/);
  expect(past.text).toContain('name="documentNumber"');

  const validUntil = isoDate(Date.now() + 40 * DAY);
  const answered = await stack.api.post(link).type('form').send({ decision: 'issued', documentNumber: 'LP-GIN-1', validUntil });
  expect(answered.status).toBe(200);
  expect(answered.text).toContain('votre réponse est enregistrée');
  expect(answered.text).toContain('LP-GIN-1');
  const ready = await caseStage(caseId, 'ready_to_depart');
  expect(ready.travelDocument).toMatchObject({ requestId, status: 'issued', validUntil });

  // The same link again: it shows the answer and cannot answer a second time.
  const again = await stack.api.post(link).type('form').send({ decision: 'refused', reason: 'changed our mind' });
  expect(again.status).toBe(409);
  const shown = await stack.api.get(link);
  expect(shown.status).toBe(200);
  expect(shown.text).toContain('LP-GIN-1');
  expect(shown.text).not.toContain('name="documentNumber"');

  const detail = await stack.api.get(`/v1/travel-documents/${requestId}`).set(auth());
  expect(detail.status).toBe(200);
  expect(detail.body).toMatchObject({ requestId, caseId, country: 'GIN', status: 'issued', document: { number: 'LP-GIN-1', validUntil } });
  expect(detail.body.notifications).toEqual([
    expect.objectContaining({ key: `traveldoc:${requestId}:request`, status: 'sent', attempts: 1, lastError: null }),
  ]);
  expect(detail.body.history.map((h: { kind: string }) => h.kind)).toEqual(['requested', 'sent', 'answered_issued', 'case_told']);

  const departed = await stack.api
    .post(`/v1/cases/${caseId}/departure`)
    .set(auth())
    .send({ departedAt: new Date().toISOString(), transport: 'bus', handoverTo: 'IOM Guinea' });
  expect(departed.status).toBe(200);
  expect(departed.body.stage).toBe('completed');
});

test('a 30-day laissez-passer for a departure 45 days away is recorded through the link: the liaison is thanked, the request shows the conflict', async () => {
  const { caseId } = await counselledCase('NER');
  const departure = isoDate(Date.now() + 45 * DAY);
  const requestId = await requestDocument(caseId, departure);
  const link = linkIn(await stack.smtp.waitFor((m) => m.text.includes(requestId)));
  // The form lets the liaison enter a date before the departure, and says what happens then.
  const form = await stack.api.get(link);
  expect(form.text).not.toContain(`min="${departure}"`);
  expect(form.text).toContain('il est enregistré tel quel');

  const validUntil = isoDate(Date.now() + 30 * DAY);
  const answered = await stack.api.post(link).type('form').send({ decision: 'issued', documentNumber: 'LP-NER-30', validUntil });
  expect(answered.status).toBe(200);
  expect(answered.text).toContain('votre réponse est enregistrée');
  expect(answered.text).toMatch(/Ce document expire le .*, avant le départ prévu le .* : il est enregistré tel quel/);
  expect(answered.text).not.toContain('notice error');

  const conflict = { kind: 'lapses_before_departure', validUntil, plannedDeparture: departure };
  const json = await stack.api.get(link).set('Accept', 'application/json');
  expect(json.body).toMatchObject({ requestId, status: 'issued', document: { number: 'LP-NER-30', validUntil }, conflict });
  const detail = await requestStatus(requestId, 'issued');
  expect(detail).toMatchObject({ requestId, plannedDeparture: departure, document: { number: 'LP-NER-30', validUntil }, conflict });
  expect(detail.history.find((h: { kind: string }) => h.kind === 'answered_issued').detail).toMatchObject({ conflict });
  const listed = await stack.api.get(`/v1/travel-documents?caseId=${caseId}`).set(auth());
  expect(listed.body.items).toEqual([expect.objectContaining({ requestId, conflict })]);
});

test('tampered, foreign and expired links get 403 and show nothing', async () => {
  const { caseId } = await counselledCase('TGO');
  const requestId = await requestDocument(caseId);
  const link = linkIn(await stack.smtp.waitFor((m) => m.text.includes(requestId)));
  const [path, token] = link.split('?token=');

  const tampered = `${token.slice(0, -3)}${token.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
  const forged = await stack.api.get(`${path}?token=${tampered}`);
  expect(forged.status).toBe(403);
  expect(forged.text).not.toContain('Camara');
  expect((await stack.api.post(`${path}?token=${tampered}`).type('form').send({ decision: 'refused', reason: 'x' })).status).toBe(403);
  expect((await stack.api.get(path)).status).toBe(403);

  // A genuine link for another request does not open this one.
  const other = await signLiaisonToken(stack.config.liaisonLinkSecret, { requestId: crypto.randomUUID(), round: 0, expiresAt: new Date(Date.now() + DAY) });
  expect((await stack.api.get(`${path}?token=${other}`)).status).toBe(403);

  const expired = await signLiaisonToken(stack.config.liaisonLinkSecret, { requestId, round: 0, expiresAt: new Date(Date.now() - 1000) });
  const late = await stack.api.get(`${path}?token=${expired}`);
  expect(late.status).toBe(403);
  expect(late.text).toContain('expiré');
  const lateJson = await stack.api.post(`${path}?token=${expired}`).send({ decision: 'refused', reason: 'x' });
  expect(lateJson.status).toBe(403);
  expect(lateJson.headers['content-type']).toMatch(/application\/problem\+json/);

  // Nothing was answered.
  await requestStatus(requestId, 'sent');
});

test('an English-speaking embassy refuses in JSON: the case returns to counselling with the reason', async () => {
  const { caseId } = await counselledCase('GHA');
  const requestId = await requestDocument(caseId);
  const mail = await stack.smtp.waitFor((m) => m.text.includes(requestId));
  expect(mail.to).toEqual(['liaison.gha@embassies.sira.local']);
  expect(mail.subject).toMatch(/^Travel document request — Reference/);
  expect(mail.text).toContain('Please answer through this secure link');
  const link = linkIn(mail);
  expect((await stack.api.get(link)).text).toContain('<html lang="en">');

  const refused = await stack.api.post(link).send({ decision: 'refused', reason: 'Identity could not be established' });
  expect(refused.status).toBe(200);
  expect(refused.body).toMatchObject({ requestId, status: 'refused' });
  const back = await caseStage(caseId, 'counselling');
  expect(back.travelDocument).toMatchObject({ requestId, status: 'refused' });
  const history = back.history.map((h: { step: string }) => h.step);
  expect(history.slice(-2)).toEqual(['recordTravelDocumentRequest', 'recordTravelDocumentOutcome']);

  // A new request is possible from counselling. Its e-mail is awaited, so that it cannot take a failure
  // the next test forces on the SMTP server for its own.
  const second = await requestDocument(caseId);
  expect(second).not.toBe(requestId);
  await stack.smtp.waitFor((m) => m.text.includes(second));
});

test('an SMTP failure is retried with backoff, visible on the request, and the embassy gets one copy', async () => {
  const { caseId } = await counselledCase('NER');
  stack.smtp.failNext(2);
  const requestId = await requestDocument(caseId);
  const key = `traveldoc:${requestId}:request`;
  let failing: { attempts: number; lastError: string | null; status: string } | undefined;
  for (let i = 0; i < 50 && !failing; i++) {
    const detail = await stack.api.get(`/v1/travel-documents/${requestId}`).set(auth());
    failing = detail.body.notifications?.find((n: { key: string; attempts: number; status: string }) => n.key === key && n.attempts > 0 && n.status === 'pending');
    if (!failing) await new Promise((r) => setTimeout(r, 100));
  }
  expect(failing?.lastError).toMatch(/451/);

  await stack.smtp.waitFor((m) => m.text.includes(requestId), 30_000);
  await new Promise((r) => setTimeout(r, 500));
  expect(stack.smtp.messages.filter((m) => m.text.includes(requestId))).toHaveLength(1);
  const detail = await stack.api.get(`/v1/travel-documents/${requestId}`).set(auth());
  expect(detail.body.notifications).toEqual([expect.objectContaining({ key, status: 'sent', attempts: 3, lastError: null })]);
}, 60_000);

test('a case at the wrong stage or on the wrong track gets 409 and nothing starts; lists are scoped to the centre', async () => {
  const registered = await stack.api
    .post('/v1/cases')
    .set(auth())
    .send(registrationBody({ person: { nationality: 'CIV' }, arrival: { mode: 'in_transit', fromCountry: 'NER' } }));
  const early = await stack.api
    .post(`/v1/cases/${registered.body.caseId}/travel-documents`)
    .set(auth())
    .send({ documentType: 'passport', plannedDeparture: isoDate(Date.now() + 10 * DAY) });
  expect(early.status).toBe(409);
  expect(await stack.db('travel_documents').where({ case_id: registered.body.caseId })).toHaveLength(0);

  const malian = await stack.api.post('/v1/cases').set(auth()).send(registrationBody());
  const wrongTrack = await stack.api
    .post(`/v1/cases/${malian.body.caseId}/travel-documents`)
    .set(auth())
    .send({ documentType: 'passport', plannedDeparture: isoDate(Date.now() + 10 * DAY) });
  expect(wrongTrack.status).toBe(409);
  const bad = await stack.api
    .post(`/v1/cases/${malian.body.caseId}/travel-documents`)
    .set(auth())
    .send({ documentType: 'visa', plannedDeparture: 'soon' });
  expect(bad.status).toBe(422);

  const { caseId } = await counselledCase('NGA');
  const requestId = await requestDocument(caseId);
  await stack.smtp.waitFor((m) => m.text.includes(requestId));
  await requestStatus(requestId, 'sent');
  const elsewhere = await stack.token('case_officer', { sub: 'moussa', centres: ['GAO-PC'] });
  expect((await stack.api.get(`/v1/travel-documents/${requestId}`).set(auth(elsewhere))).status).toBe(404);
  const theirs = await stack.api.get('/v1/travel-documents?country=NGA').set(auth(elsewhere));
  expect(theirs.body.items).toEqual([]);
  const manager = await stack.token('manager');
  const all = await stack.api.get('/v1/travel-documents?country=NGA&status=sent').set(auth(manager));
  expect(all.body.items.map((i: { requestId: string }) => i.requestId)).toEqual([requestId]);
  expect(all.body.items[0]).not.toHaveProperty('familyName');

  // The officer withdraws the request: no more reminders; the case can then be closed.
  const cancelled = await stack.api.post(`/v1/travel-documents/${requestId}/cancellation`).set(auth()).send({ reason: 'the person withdrew' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('cancelled');
  const handle = stack.client.workflow.getHandle(travelDocumentWorkflowId(requestId));
  expect((await handle.result()).status).toBe('cancelled');
});

test('a new request replaces a live one it names, or a cancelled one on its own; the case waits on the new one', async () => {
  const { caseId } = await counselledCase('GIN');
  const departure = isoDate(Date.now() + 20 * DAY);
  const first = await requestDocument(caseId, departure);
  await requestStatus(first, 'sent');
  const second = (
    await stack.api
      .post(`/v1/cases/${caseId}/travel-documents`)
      .set(auth())
      .send({ documentType: 'laissez_passer', plannedDeparture: departure, replaces: first })
  ).body.requestId as string;
  expect(second).not.toBe(first);
  await requestStatus(first, 'cancelled');
  await requestStatus(second, 'sent');
  const kase = await stack.api.get(`/v1/cases/${caseId}`).set(auth());
  expect(kase.body.stage).toBe('travel_document');
  expect(kase.body.travelDocument.requestId).toBe(second);

  // Cancelled by the officer, it no longer holds the case: the next request needs no "replaces".
  expect((await stack.api.post(`/v1/travel-documents/${second}/cancellation`).set(auth()).send({ reason: 'wrong type' })).status).toBe(200);
  const third = await requestDocument(caseId, departure);
  await requestStatus(third, 'sent');
  expect((await stack.api.get(`/v1/cases/${caseId}`).set(auth())).body.travelDocument.requestId).toBe(third);
});

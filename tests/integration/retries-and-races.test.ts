import { requestIdFromWorkflowId, travelDocumentWorkflowId } from '../../workflows/ids';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let officer: string;

beforeAll(async () => {
  // A short wait for the workflow, so that a stopped worker answers 503 quickly.
  stack = await startTestStack({ RATE_LIMIT_API_PER_MINUTE: '10000', UPDATE_DEADLINE: '3s' });
  officer = await stack.token('case_officer', { sub: 'awa' });
});

afterAll(async () => {
  await stack?.stop();
});

const DAY = 86_400_000;
const auth = (token = officer) => ({ Authorization: `Bearer ${token}` });
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function registered(overrides: Record<string, unknown> = {}) {
  const created = await stack.api.post('/v1/cases').set(auth()).send(registrationBody(overrides));
  expect(created.status).toBe(201);
  return created.body.caseId as string;
}

async function received(overrides: Record<string, unknown> = {}) {
  const caseId = await registered(overrides);
  expect((await stack.api.post(`/v1/cases/${caseId}/reception`).set(auth()).send({ centreCode: 'BKO-MMEIA' })).status).toBe(200);
  return caseId;
}

const events = async (caseId: string, kind: string) => Number((await stack.db('case_events').where({ case_id: caseId, kind }).count({ n: '*' }))[0].n);

describe('Idempotency-Key', () => {
  test('a retry with the same key and body returns the first answer and has one effect', async () => {
    const caseId = await received();
    const body = { heldAt: new Date().toISOString(), summary: 'first session' };
    const first = await stack.api.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth()).set('Idempotency-Key', 'counsel-1').send(body);
    expect(first.status).toBe(200);
    const retry = await stack.api.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth()).set('Idempotency-Key', 'counsel-1').send(body);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await events(caseId, 'recordCounsellingSession')).toBe(1);

    // The same key with another body is refused, and changes nothing.
    const other = await stack.api
      .post(`/v1/cases/${caseId}/counselling-sessions`)
      .set(auth())
      .set('Idempotency-Key', 'counsel-1')
      .send({ ...body, summary: 'another session' });
    expect(other.status).toBe(422);
    expect(other.body.errors[0].path).toBe('headers.Idempotency-Key');
    expect(await events(caseId, 'recordCounsellingSession')).toBe(1);

    // Keys belong to their caller: another officer's identical key is another request.
    const colleague = await stack.token('case_officer', { sub: 'binta' });
    const theirs = await stack.api.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth(colleague)).set('Idempotency-Key', 'counsel-1').send(body);
    expect(theirs.status).toBe(200);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(await events(caseId, 'recordCounsellingSession')).toBe(2);
  });

  test('a refusal is kept too: the retry gets the same 409, even once the step would fit', async () => {
    const caseId = await registered();
    const body = { heldAt: new Date().toISOString() };
    const early = () => stack.api.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth()).set('Idempotency-Key', 'too-early').send(body);
    const refused = await early();
    expect(refused.status).toBe(409);
    expect((await stack.api.post(`/v1/cases/${caseId}/reception`).set(auth()).send({ centreCode: 'BKO-MMEIA' })).status).toBe(200);
    const again = await early();
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe(refused.body.detail);
    expect(again.body.replayed).toBe(true);
    expect(await events(caseId, 'recordCounsellingSession')).toBe(0);
  });

  test('a registration retried with its key finds the case it created', async () => {
    const body = registrationBody();
    const first = await stack.api.post('/v1/cases').set(auth()).set('Idempotency-Key', 'register-1').send(body);
    expect(first.status).toBe(201);
    const retry = await stack.api.post('/v1/cases').set(auth()).set('Idempotency-Key', 'register-1').send(body);
    expect(retry.status).toBe(201);
    expect(retry.body.caseId).toBe(first.body.caseId);
    expect(Number((await stack.db('cases').where({ biometric_ref: body.biometricRef }).count({ n: '*' }))[0].n)).toBe(1);
  });

  test('a malformed key is a 400 naming the header', async () => {
    const caseId = await received();
    const res = await stack.api
      .post(`/v1/cases/${caseId}/counselling-sessions`)
      .set(auth())
      .set('Idempotency-Key', 'x'.repeat(300))
      .send({ heldAt: new Date().toISOString() });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('headers.Idempotency-Key');
  });

  test('across a stopped worker: the 503 says a retry is safe, and the retry applies the step once', async () => {
    const caseId = await received();
    const body = { heldAt: new Date().toISOString(), summary: 'during the outage' };
    const send = () => stack.api.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth()).set('Idempotency-Key', 'outage-1').send(body);
    await stack.stopWorker();
    let timedOut;
    try {
      timedOut = await send();
    } finally {
      await stack.startWorker();
    }
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers['retry-after']).toBeDefined();
    expect(timedOut.body.detail).toMatch(/Idempotency-Key/);
    // The step sent during the outage is applied when the worker is back; the retry joins it.
    const retry = await send();
    expect(retry.status).toBe(200);
    expect(retry.body.stage).toBe('counselling');
    const again = await send();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await events(caseId, 'recordCounsellingSession')).toBe(1);
  });
});

describe('concurrent travel-document requests', () => {
  async function counselledTransitCase() {
    const caseId = await received({ person: { nationality: 'GIN' }, arrival: { mode: 'in_transit', fromCountry: 'DZA' } });
    expect((await stack.api.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth()).send({ heldAt: new Date().toISOString() })).status).toBe(200);
    return caseId;
  }
  const request = (caseId: string, extra: Record<string, unknown> = {}) =>
    stack.api
      .post(`/v1/cases/${caseId}/travel-documents`)
      .set(auth())
      .send({ documentType: 'laissez_passer', plannedDeparture: isoDate(Date.now() + 20 * DAY), ...extra });
  const liveRequests = (caseId: string) => stack.db('travel_documents').where({ case_id: caseId }).whereNotIn('status', ['cancelled', 'refused', 'expired']);
  const embassyMails = async (caseId: string) => Number((await stack.db('notifications').where({ case_id: caseId, kind: 'traveldoc_request' }).count({ n: '*' }))[0].n);

  test('ten at once leave exactly one live request, one e-mail and one workflow; the 201 can be read back at once', async () => {
    const caseId = await counselledTransitCase();
    const answers = await Promise.all(Array.from({ length: 10 }, () => request(caseId)));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
    const { requestId } = created[0].body;
    // Read-your-writes: the row exists when the 201 is sent.
    expect((await stack.api.get(`/v1/travel-documents/${requestId}`).set(auth())).status).toBe(200);
    expect((await liveRequests(caseId)).map((r) => r.request_id)).toEqual([requestId]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await embassyMails(caseId)).toBe(1);
    const running = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowType = 'travelDocument' AND ExecutionStatus = 'Running'` })) {
      const row = await stack.db('travel_documents').where({ request_id: requestIdFromWorkflowId(wf.workflowId)! }).first('case_id');
      if (row?.case_id === caseId) running.push(wf.workflowId);
    }
    expect(running).toEqual([travelDocumentWorkflowId(requestId)]);
  });

  test('ten replacements of one live request at once: one replaces it, nine are refused', async () => {
    const caseId = await counselledTransitCase();
    const first = await request(caseId);
    expect(first.status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 10 }, () => request(caseId, { replaces: first.body.requestId })));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
    const handle = stack.client.workflow.getHandle(travelDocumentWorkflowId(first.body.requestId));
    expect((await handle.result()).status).toBe('cancelled');
    expect((await liveRequests(caseId)).map((r) => r.request_id)).toEqual([created[0].body.requestId]);
  });

  test('a request while one awaits the embassy is refused and names it', async () => {
    const caseId = await counselledTransitCase();
    const first = await request(caseId);
    const second = await request(caseId);
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain(first.body.requestId);
  });
});

describe('scope', () => {
  test('a duplicate registered at another centre answers 409 without its case id', async () => {
    const body = registrationBody();
    const { caseId } = (await stack.api.post('/v1/cases').set(auth()).send(body)).body;
    const gao = await stack.token('case_officer', { sub: 'gao-officer', centres: ['GAO-PC'] });
    const res = await stack.api
      .post('/v1/cases')
      .set(auth(gao))
      .send({ ...registrationBody(), biometricRef: body.biometricRef, centreCode: 'GAO-PC' });
    expect(res.status).toBe(409);
    expect(res.body.caseId).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain(caseId);
    expect(res.body.detail).toMatch(/programme manager/);
    // The same centre's officer is told which case it is.
    const own = await stack.api.post('/v1/cases').set(auth()).send({ ...registrationBody(), biometricRef: body.biometricRef });
    expect(own.status).toBe(409);
    expect(own.body.caseId).toBe(caseId);
  });

  test('a case is received only into one of the caller’s centres', async () => {
    const caseId = await registered();
    const res = await stack.api.post(`/v1/cases/${caseId}/reception`).set(auth()).send({ centreCode: 'GAO-PC' });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].path).toBe('centreCode');
    const row = await stack.db('cases').where({ case_id: caseId }).first('stage', 'centre_code');
    expect(row).toEqual({ stage: 'registered', centre_code: 'BKO-MMEIA' });
  });
});

test('a NUL in a path parameter is refused with 400 and audited like any refusal', async () => {
  const res = await stack.api.get('/v1/cases/%00').set(auth());
  expect(res.status).toBe(400);
  expect(res.body.errors[0].path).toBe('params.caseId');
  const row = await stack.db('audit_log').where({ route: 'GET /v1/cases/:caseId', object_id: '\uFFFD' }).orderBy('id', 'desc').first();
  expect(row).toMatchObject({ outcome: 'rejected', http_status: 400, actor_sub: 'awa' });
});

test('a flight planned and a passenger added with an Idempotency-Key are created once, however often retried', async () => {
  const movement = await stack.token('movement_officer', { sub: 'moussa' });
  const plan = {
    flightNumber: '5A 1033',
    origin: 'LBY-TIP',
    destination: 'MLI-BKO',
    scheduledDeparture: new Date(Date.now() + 2 * 3_600_000).toISOString(),
    capacity: 10,
  };
  const planned = () => stack.api.post('/v1/flights').set(auth(movement)).set('Idempotency-Key', 'flight-1').send(plan);
  const first = await planned();
  expect(first.status).toBe(201);
  expect((await planned()).body.flightId).toBe(first.body.flightId);
  expect(Number((await stack.db('flights').where({ flight_number: '5A 1033' }).count({ n: '*' }))[0].n)).toBe(1);

  const passenger = {
    person: { familyName: 'Konaté', givenName: 'Bakary', sex: 'M', dateOfBirth: '1994-05-20', nationality: 'MLI' },
    vulnerabilities: [],
    unaccompaniedMinor: false,
    biometricRef: `IDEM-${Date.now()}`,
    consentSignedAt: new Date(Date.now() - 3_600_000).toISOString(),
    fitToTravelAt: new Date(Date.now() - 3_600_000).toISOString(),
  };
  const add = () => stack.api.post(`/v1/flights/${first.body.flightId}/passengers`).set(auth(movement)).set('Idempotency-Key', 'passenger-1').send(passenger);
  const added = await add();
  expect(added.status).toBe(201);
  // The answer was lost: the retry names the same passenger, and the manifest holds them once.
  await stack.db('idempotent_requests').where({ idem_key: 'passenger-1' }).delete();
  const retried = await add();
  expect(retried.status).toBe(201);
  expect(retried.body.passengerId).toBe(added.body.passengerId);
  expect(Number((await stack.db('flight_passengers').where({ flight_id: first.body.flightId }).count({ n: '*' }))[0].n)).toBe(1);
});

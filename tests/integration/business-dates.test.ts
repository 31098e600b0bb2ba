import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let officer: string;

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_API_PER_MINUTE: '10000' });
  officer = await stack.token('case_officer', { sub: 'awa' });
});

afterAll(async () => {
  await stack?.stop();
});

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const auth = () => ({ Authorization: `Bearer ${officer}` });
const post = (caseId: string, path: string, body: object) => stack.api.post(`/v1/cases/${caseId}${path}`).set(auth()).send(body);
const events = async (caseId: string) => Number((await stack.db('case_events').where({ case_id: caseId }).count({ n: '*' }))[0].n);

async function registeredTenDaysAgo(overrides: Record<string, unknown> = {}) {
  const res = await stack.api
    .post('/v1/cases')
    .set(auth())
    .send(registrationBody({ arrival: { mode: 'commercial', arrivedAt: ago(10 * DAY), fromCountry: 'LBY' }, ...overrides }));
  expect(res.status).toBe(201);
  return res.body.caseId as string;
}

test('a step recorded later from paper keeps its business date, in Postgres and in the history', async () => {
  const caseId = await registeredTenDaysAgo();
  const receivedAt = ago(9 * DAY);
  expect((await post(caseId, '/reception', { centreCode: 'BKO-MMEIA', occurredAt: receivedAt })).status).toBe(200);
  const heldAt = ago(8 * DAY);
  expect((await post(caseId, '/counselling-sessions', { heldAt })).status).toBe(200);
  const detail = await stack.api.get(`/v1/cases/${caseId}`).set(auth());
  const history = detail.body.history as { step: string; occurredAt: string; at: string }[];
  expect(history.map((h) => [h.step, h.occurredAt])).toEqual([
    ['registered', expect.stringMatching(/^\d{4}-/)],
    ['recordReception', receivedAt],
    ['recordCounsellingSession', heldAt],
  ]);
  // The registration counts from the arrival; what was recorded, and when, stays in `at` and the audit.
  expect(Date.parse(history[0].occurredAt)).toBeLessThan(Date.parse(history[0].at) - 9 * DAY);
  expect(Date.parse(history[1].at)).toBeGreaterThan(Date.parse(receivedAt) + 8 * DAY);
});

test('a business date in the future, before the arrival or before the previous step is a 422, and nothing is written', async () => {
  const caseId = await registeredTenDaysAgo();
  const future = await post(caseId, '/reception', { centreCode: 'BKO-MMEIA', occurredAt: new Date(Date.now() + DAY).toISOString() });
  expect(future.status).toBe(422);
  expect(future.body.errors[0].path).toBe('occurredAt');
  const beforeArrival = await post(caseId, '/reception', { centreCode: 'BKO-MMEIA', occurredAt: ago(11 * DAY) });
  expect(beforeArrival.status).toBe(422);
  expect(beforeArrival.body.detail).toMatch(/occurredAt is before the case's previous step/);
  expect(await events(caseId)).toBe(1);

  expect((await post(caseId, '/reception', { centreCode: 'BKO-MMEIA', occurredAt: ago(5 * DAY) })).status).toBe(200);
  const beforePrevious = await post(caseId, '/suspension', { reason: 'x', occurredAt: ago(6 * DAY) });
  expect(beforePrevious.status).toBe(403); // officers do not suspend; a supervisor tries
  const supervisor = await stack.token('supervisor', { sub: 'sidi' });
  const refused = await stack.api.post(`/v1/cases/${caseId}/suspension`).set('Authorization', `Bearer ${supervisor}`).send({ reason: 'x', occurredAt: ago(6 * DAY) });
  expect(refused.status).toBe(422);
  expect(refused.body.detail).toMatch(/occurredAt is before the case's previous step/);
  expect(await events(caseId)).toBe(2);
});

test('a backdated step opens its next task from when it was recorded: old paper records raise no overdue e-mails', async () => {
  const caseId = await registeredTenDaysAgo();
  // Received nine days ago on paper, far past the 3-day reception SLA and near the 14-day counselling one.
  const received = await post(caseId, '/reception', { centreCode: 'BKO-MMEIA', occurredAt: ago(9 * DAY) });
  expect(received.status).toBe(200);
  expect(received.body.overdue).toBe(false);
  expect(Date.parse(received.body.dueAt)).toBeGreaterThan(Date.now() + 13 * DAY);
  await new Promise((r) => setTimeout(r, 500));
  expect(Number((await stack.db('notifications').where({ case_id: caseId }).count({ n: '*' }))[0].n)).toBe(0);
});

test('a travel-document request recorded later is dated when it was made', async () => {
  const caseId = await registeredTenDaysAgo({ person: { nationality: 'GIN' }, arrival: { mode: 'in_transit', arrivedAt: ago(10 * DAY), fromCountry: 'DZA' } });
  expect((await post(caseId, '/reception', { centreCode: 'BKO-MMEIA', occurredAt: ago(9 * DAY) })).status).toBe(200);
  const requestedAt = ago(8 * DAY);
  const requested = await post(caseId, '/travel-documents', {
    documentType: 'laissez_passer',
    plannedDeparture: new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10),
    occurredAt: requestedAt,
  });
  expect(requested.status).toBe(201);
  const row = await stack.db('travel_documents').where({ request_id: requested.body.requestId }).first('requested_at');
  expect(new Date(row.requested_at).toISOString()).toBe(requestedAt);
});

test('a bulk hold recorded from paper is dated when it happened, and later paper steps still fit', async () => {
  const caseId = await registeredTenDaysAgo();
  expect((await post(caseId, '/reception', { centreCode: 'BKO-MMEIA', occurredAt: ago(9 * DAY) })).status).toBe(200);
  const manager = await stack.token('manager', { sub: 'amadou' });
  const bulk = (method: 'post' | 'delete', occurredAt: string) =>
    stack.api[method]('/v1/cases/suspensions').set('Authorization', `Bearer ${manager}`).send({ caseIds: [caseId], reason: 're-verification', occurredAt });
  expect((await bulk('post', ago(8 * DAY))).status).toBe(202);
  const suspended = async () => (await stack.api.get(`/v1/cases/${caseId}`).set(auth())).body;
  for (let i = 0; i < 50 && !(await suspended()).suspension; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await bulk('delete', ago(7 * DAY))).status).toBe(202);
  for (let i = 0; i < 50 && (await suspended()).suspension; i++) await new Promise((r) => setTimeout(r, 100));
  const heldAt = ago(6 * DAY);
  expect((await post(caseId, '/counselling-sessions', { heldAt })).status).toBe(200);
  const history = (await suspended()).history as { step: string; occurredAt: string }[];
  expect(history.slice(1).map((h) => h.step)).toEqual(['recordReception', 'suspend', 'resume', 'recordCounsellingSession']);
  expect(Date.parse(history[2].occurredAt)).toBeLessThan(Date.now() - 7.5 * DAY);
  expect(Date.parse(history[3].occurredAt)).toBeLessThan(Date.now() - 6.5 * DAY);
  // A bulk body's date is checked like any other: one in the future names the field.
  const future = await bulk('post', new Date(Date.now() + DAY).toISOString());
  expect(future.status).toBe(422);
  expect(JSON.stringify(future.body)).toContain('occurredAt');
});

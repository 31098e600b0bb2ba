import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let officer: string;
let manager: string;
let caseId: string;

beforeAll(async () => {
  stack = await startTestStack();
  officer = await stack.token('case_officer', { sub: 'awa' });
  manager = await stack.token('manager', { sub: 'mariam' });
  const res = await stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).set('X-Request-Id', 'req-register').send(registrationBody());
  expect(res.status).toBe(201);
  caseId = res.body.caseId;
});

afterAll(async () => {
  await stack?.stop();
});

const rows = () => stack.db('audit_log').where({ object_type: 'case', object_id: caseId }).orderBy('id');

test('registration, reads and writes of a case each leave a row naming who, what, the request and the outcome', async () => {
  await stack.api.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${officer}`).set('X-Request-Id', 'req-read').expect(200);
  await stack.api.post(`/v1/cases/${caseId}/reception`).set('Authorization', `Bearer ${officer}`).send({ centreCode: 'BKO-MMEIA' }).expect(200);
  const trail = await rows();
  expect(trail.map((r) => [r.actor_sub, r.actor_role, r.action, r.outcome, r.http_status])).toEqual([
    ['awa', 'case_officer', 'Register a returnee', 'succeeded', 201],
    ['awa', 'case_officer', 'Read a case', 'succeeded', 200],
    ['awa', 'case_officer', 'Record reception', 'succeeded', 200],
  ]);
  expect(trail[0].request_id).toBe('req-register');
  expect(trail[1]).toMatchObject({ request_id: 'req-read', route: 'GET /v1/cases/:caseId' });
  expect(trail.every((r) => r.at instanceof Date)).toBe(true);
});

test('denied attempts are audited: no token, a forbidden role, another centre', async () => {
  const before = (await rows()).length;
  await stack.api.get(`/v1/cases/${caseId}`).expect(401);
  await stack.api.get(`/v1/cases/${caseId}`).set('Authorization', 'Bearer forged.token.value').expect(401);
  await stack.api.post(`/v1/cases/${caseId}/reception`).set('Authorization', `Bearer ${manager}`).send({ centreCode: 'BKO-MMEIA' }).expect(403);
  const elsewhere = await stack.token('case_officer', { sub: 'ousmane', centres: ['GAO-PC'] });
  await stack.api.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${elsewhere}`).expect(404);
  await stack.api.post(`/v1/cases/${caseId}/plan`).set('Authorization', `Bearer ${elsewhere}`).send({}).expect(404);
  const denied = (await rows()).slice(before);
  expect(denied.map((r) => [r.actor_sub, r.actor_role, r.route, r.outcome, r.http_status])).toEqual([
    [null, null, 'GET /v1/cases/:caseId', 'denied', 401],
    [null, null, 'GET /v1/cases/:caseId', 'denied', 401],
    ['mariam', 'manager', 'POST /v1/cases/:caseId/reception', 'denied', 403],
    ['ousmane', 'case_officer', 'GET /v1/cases/:caseId', 'denied', 404],
    ['ousmane', 'case_officer', 'POST /v1/cases/:caseId/plan', 'denied', 404],
  ]);
});

test('a refused step is audited as rejected, with its status', async () => {
  await stack.api.post(`/v1/cases/${caseId}/plan`).set('Authorization', `Bearer ${officer}`).send({}).expect(422);
  const [last] = await stack.db('audit_log').where({ object_id: caseId }).orderBy('id', 'desc').limit(1);
  expect([last.action, last.outcome, last.http_status]).toEqual(['Submit a reintegration plan', 'rejected', 422]);
});

test('managers and admins read the trail; officers and supervisors may not', async () => {
  const res = await stack.api.get(`/v1/cases/${caseId}/audit?pageSize=200`).set('Authorization', `Bearer ${manager}`).expect(200);
  expect(res.body.total).toBe((await rows()).length - 1);
  expect(res.body.items[0]).toMatchObject({ actorSub: 'awa', outcome: 'rejected', httpStatus: 422 });
  expect(res.body.items.at(-1)).toMatchObject({ actorSub: 'awa', action: 'Register a returnee', outcome: 'succeeded', requestId: 'req-register' });
  await stack.api.get(`/v1/cases/${caseId}/audit`).set('Authorization', `Bearer ${await stack.token('admin')}`).expect(200);
  for (const role of ['case_officer', 'supervisor'] as const) {
    await stack.api.get(`/v1/cases/${caseId}/audit`).set('Authorization', `Bearer ${await stack.token(role)}`).expect(403);
  }
  // Reading the trail is itself in the trail.
  const [last] = await stack.db('audit_log').where({ object_id: caseId, outcome: 'succeeded' }).orderBy('id', 'desc').limit(1);
  expect([last.actor_role, last.action]).toEqual(['admin', "Read a case's audit trail"]);
});

test('the database refuses to update, delete or truncate the audit log', async () => {
  const before = (await rows()).length;
  await expect(stack.db('audit_log').where({ object_id: caseId }).update({ outcome: 'succeeded' })).rejects.toThrow(/append-only/);
  await expect(stack.db('audit_log').where({ object_id: caseId }).delete()).rejects.toThrow(/append-only/);
  await expect(stack.db.raw('truncate audit_log')).rejects.toThrow(/append-only/);
  expect((await rows()).length).toBe(before);
});

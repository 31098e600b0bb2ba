import { temporal } from '@temporalio/proto';
import { caseWorkflowId } from '../../workflows/ids';
import { registrationBody } from '../support/fixtures';
import { aVendor } from '../support/vendors';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let officer: string;
let supervisor: string;

beforeAll(async () => {
  stack = await startTestStack({ MONITORING_VISITS: '1s,2s,3s', SLA_RECEPTION: '1h' });
  officer = await stack.token('case_officer', { sub: 'awa' });
  supervisor = await stack.token('supervisor', { sub: 'sidi' });
});

afterAll(async () => {
  await stack?.stop();
});

const criteria = {
  returnedThroughProgramme: true,
  withinProgrammeWindow: true,
  notPreviouslyAssisted: true,
  vulnerabilityScreeningDone: true,
};

/** Waits until no workflow task is pending or running for the workflow. */
async function idle(handle: { describe(): Promise<{ raw: { pendingWorkflowTask?: unknown } }> }) {
  for (let i = 0; i < 50 && (await handle.describe()).raw.pendingWorkflowTask; i++) await new Promise((r) => setTimeout(r, 100));
}

async function register(body: object = registrationBody()) {
  const res = await stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).send(body);
  expect(res.status).toBe(201);
  return res.body.caseId as string;
}

function step(caseId: string, path: string, body: object, token = officer) {
  return stack.api.post(`/v1/cases/${caseId}${path}`).set('Authorization', `Bearer ${token}`).send(body);
}

async function ok(caseId: string, path: string, body: object, token = officer) {
  const res = await step(caseId, path, body, token);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const counts = async (caseId: string) => {
  const [events] = await stack.db('case_events').where({ case_id: caseId }).count<{ count: number }[]>({ count: '*' });
  return Number(events.count);
};

test('a Malian case goes from registration to completion through HTTP alone', async () => {
  const caseId = await register();
  const now = () => new Date().toISOString();
  expect((await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA', medical: { provided: true }, referrals: [{ kind: 'health', to: 'CSCOM' }] })).stage).toBe('received');
  expect((await ok(caseId, '/counselling-sessions', { heldAt: now(), summary: 'wants to start a poultry farm' })).stage).toBe('counselling');
  expect((await ok(caseId, '/eligibility', { decision: 'eligible', criteria, reason: 'meets every criterion' })).stage).toBe('planning');
  await ok(caseId, '/plan', { type: 'individual', sector: 'poultry', budgetXof: 500_000, dimensions: ['economic', 'social'] });
  expect((await ok(caseId, '/approvals', { subject: 'plan', decision: 'approved' }, supervisor)).stage).toBe('disbursing');
  const vendorId = await aVendor(stack);
  for (const [n, amountXof] of [[1, 300_000], [2, 200_000]]) {
    await ok(caseId, '/tranches', { amountXof, vendorId, items: [{ description: 'chicken coop', quantity: 1, unitCostXof: amountXof }] });
    await ok(caseId, '/approvals', { subject: 'tranche', ref: n, decision: 'approved' }, supervisor);
    await ok(caseId, `/tranches/${n}/payment`, { reference: `PAY-${n}` });
  }
  let state = await ok(caseId, '/monitoring-visits', { visitedAt: now(), scores: { economic: 0.7, social: 0.8, psychosocial: 0.6 } });
  expect(state.stage).toBe('monitoring');
  await ok(caseId, '/monitoring-visits', { visitedAt: now(), scores: { economic: 0.7, social: 0.8, psychosocial: 0.7 } });
  state = await ok(caseId, '/monitoring-visits', { visitedAt: now(), scores: { economic: 0.8, social: 0.8, psychosocial: 0.8 } });
  expect(state.stage).toBe('completed');

  const detail = await stack.api.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${officer}`);
  expect(detail.status).toBe(200);
  expect(detail.body.stage).toBe('completed');
  expect(detail.body.closureReason).toBe('completed');
  expect(detail.body.tranches.map((t: { status: string; amountXof: number }) => [t.status, t.amountXof])).toEqual([
    ['paid', 300_000],
    ['paid', 200_000],
  ]);
  expect(detail.body.monitoringVisits).toHaveLength(3);
  expect(detail.body.monitoringVisits[2]).toMatchObject({ composite: 0.8, sustainable: true });
  expect(detail.body.history.map((h: { step: string }) => h.step)).toEqual([
    'registered',
    'recordReception',
    'recordCounsellingSession',
    'decideEligibility',
    'submitPlan',
    'recordApproval',
    'requestTranche',
    'recordApproval',
    'recordTranchePayment',
    'requestTranche',
    'recordApproval',
    'recordTranchePayment',
    'recordMonitoringVisit',
    'recordMonitoringVisit',
    'recordMonitoringVisit',
  ]);
  const result = await stack.client.workflow.getHandle(caseWorkflowId(caseId)).result();
  expect(result).toEqual({ caseId, stage: 'completed' });
});

test('an onward-return case is received and counselled, then waits for its travel document', async () => {
  const caseId = await register(registrationBody({ person: { nationality: 'GIN' }, centreCode: 'BKO-MMEIA', arrival: { mode: 'in_transit', fromCountry: 'DZA' } }));
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  const state = await ok(caseId, '/counselling-sessions', { heldAt: new Date().toISOString() });
  expect(state.track).toBe('onward_return');
  expect(state.stage).toBe('counselling');
  expect(state.task.label).toBe('Request a travel document');
  const eligibility = await step(caseId, '/eligibility', { decision: 'eligible', criteria, reason: 'n/a' });
  expect(eligibility.status).toBe(409);
  expect(eligibility.body.detail).toMatch(/reintegration track/);
  const departure = await step(caseId, '/departure', { departedAt: new Date().toISOString(), transport: 'bus', handoverTo: 'IOM Guinea' });
  expect(departure.status).toBe(409);
});

test('every out-of-order step is answered 409 and writes nothing, in Postgres or in Temporal', async () => {
  const caseId = await register();
  const handle = stack.client.workflow.getHandle(caseWorkflowId(caseId));
  await idle(handle);
  const historyBefore = (await handle.fetchHistory()).events!.length;
  const eventsBefore = await counts(caseId);
  const outOfOrder: [string, object][] = [
    ['/counselling-sessions', { heldAt: new Date().toISOString() }],
    ['/eligibility', { decision: 'eligible', criteria, reason: 'x' }],
    ['/plan', { type: 'individual', sector: 'trade', budgetXof: 100_000, dimensions: ['economic'] }],
    ['/tranches', { amountXof: 1000, vendorId: await aVendor(stack), items: [{ description: 'x', quantity: 1, unitCostXof: 1000 }] }],
    ['/tranches/1/payment', { reference: 'PAY-1' }],
    ['/monitoring-visits', { visitedAt: new Date().toISOString(), scores: { economic: 1, social: 1, psychosocial: 1 } }],
    [
      '/minor-safeguards',
      {
        bestInterests: { assessedAt: new Date().toISOString(), reference: 'BID-1', determination: 'return_in_best_interests' },
        familyTracing: { status: 'done', outcome: 'family_found' },
        consents: { minor: true, guardian: true },
      },
    ],
  ];
  for (const [path, body] of outOfOrder) {
    const res = await step(caseId, path, body);
    expect([path, res.status]).toEqual([path, 409]);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  }
  const approval = await step(caseId, '/approvals', { subject: 'plan', decision: 'approved' }, supervisor);
  expect(approval.status).toBe(409);
  expect(await counts(caseId)).toBe(eventsBefore);
  const history = (await handle.fetchHistory()).events!;
  // Nothing but, at most, one empty workflow task (the server may keep the first refusal's task
  // after a task that ran a local activity): no marker, no search attribute, no timer, no Update.
  const { EventType } = temporal.api.enums.v1;
  const workflowTask = [EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED];
  expect(history.slice(historyBefore).filter((e) => !workflowTask.includes(e.eventType!))).toEqual([]);
  expect(history.length - historyBefore).toBeLessThanOrEqual(3);
  const accepted = history.filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  expect(accepted.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)).toEqual(['awaitRegistration']);
  expect(stack.smtp.messages).toHaveLength(0);
});

test('a plan above the ceiling is 422 and a bad body names the field', async () => {
  const caseId = await register();
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  await ok(caseId, '/counselling-sessions', { heldAt: new Date().toISOString() });
  await ok(caseId, '/eligibility', { decision: 'eligible', criteria, reason: 'ok' });
  const above = await step(caseId, '/plan', { type: 'individual', sector: 'trade', budgetXof: 2_000_000, dimensions: ['economic'] });
  expect(above.status).toBe(422);
  expect(above.body.detail).toMatch(/above the ceiling of 1967871 XOF/);
  const bad = await step(caseId, '/plan', { type: 'solo', sector: '', budgetXof: -5, dimensions: [] });
  expect(bad.status).toBe(422);
  expect([...new Set(bad.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual(['budgetXof', 'dimensions', 'sector', 'type']);
  const own = await step(caseId, '/plan', { type: 'collective', sector: 'trade', budgetXof: 100_000, dimensions: ['economic'] });
  expect(own.status).toBe(422);
  expect(own.body.detail).toMatch(/projectId/);
});

test('an eligibility exception waits for a supervisor, who cannot approve their own request', async () => {
  const caseId = await register();
  await ok(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  await ok(caseId, '/counselling-sessions', { heldAt: new Date().toISOString() });
  const state = await ok(caseId, '/eligibility', { decision: 'eligible', criteria: { ...criteria, returnedThroughProgramme: false }, reason: 'came back by road, very vulnerable' }, supervisor);
  expect(state.stage).toBe('eligibility');
  const self = await step(caseId, '/approvals', { subject: 'eligibility', decision: 'approved' }, supervisor);
  expect(self.status).toBe(422);
  const other = await stack.token('supervisor', { sub: 'mariam' });
  expect((await ok(caseId, '/approvals', { subject: 'eligibility', decision: 'approved' }, other)).stage).toBe('planning');
  const byOfficer = await step(caseId, '/approvals', { subject: 'plan', decision: 'approved' });
  expect(byOfficer.status).toBe(403);
});

test('a second registration of the same biometric reference returns the existing case', async () => {
  const body = registrationBody();
  const first = await register(body);
  const again = await stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).send({ ...body, person: { ...body.person, givenName: 'Other' } });
  expect(again.status).toBe(409);
  expect(again.body.caseId).toBe(first);
  const [{ count }] = await stack.db('cases').where({ biometric_ref: body.biometricRef }).count<{ count: number }[]>({ count: '*' });
  expect(Number(count)).toBe(1);
});

test('a case officer of another centre gets 404 on every case route', async () => {
  const caseId = await register();
  const gao = await stack.token('case_officer', { centres: ['GAO-PC'], sub: 'gao-officer' });
  expect((await stack.api.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${gao}`)).status).toBe(404);
  expect((await step(caseId, '/reception', { centreCode: 'GAO-PC' }, gao)).status).toBe(404);
  const list = await stack.api.get('/v1/cases').set('Authorization', `Bearer ${gao}`);
  expect(list.body.items.find((c: { caseId: string }) => c.caseId === caseId)).toBeUndefined();
  const manager = await stack.token('manager');
  expect((await stack.api.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${manager}`)).status).toBe(200);
});

test('a worker stopped and restarted mid-journey leaves no duplicate row', async () => {
  const caseId = await register();
  await stack.stopWorker();
  const pending = step(caseId, '/reception', { centreCode: 'BKO-MMEIA' });
  await new Promise((r) => setTimeout(r, 1500));
  await stack.startWorker();
  const res = await pending;
  expect(res.status).toBe(200);
  await ok(caseId, '/counselling-sessions', { heldAt: new Date().toISOString() });
  // An activity retried after a crash runs again with the same input: the rows stay the same.
  const { createCaseActivities } = await import('../../activities/case-activities');
  const activities = createCaseActivities({ db: stack.db, mailer: { send: async () => undefined, close() {} }, config: stack.config, temporal: stack.client });
  const [event] = await stack.db('case_events').where({ case_id: caseId, kind: 'recordReception' });
  const { state } = await stack.db('cases').where({ case_id: caseId }).first('state');
  await activities.recordCaseStep({
    step: { type: 'recordReception', centreCode: 'BKO-MMEIA' },
    actor: { sub: 'awa', role: 'case_officer' },
    state: { ...state, seq: event.seq },
    at: new Date().toISOString(),
  });
  const kinds = (await stack.db('case_events').where({ case_id: caseId }).orderBy('seq')).map((e) => e.kind);
  expect(kinds).toEqual(['registered', 'recordReception', 'recordCounsellingSession']);
  const after = await stack.db('cases').where({ case_id: caseId }).first('stage', 'seq');
  expect(after).toEqual({ stage: 'counselling', seq: 2 });
});

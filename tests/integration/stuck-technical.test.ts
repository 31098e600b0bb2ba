import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  // An activity retrying for more than a second is stuck technical work, for this test.
  stack = await startTestStack({ STUCK_ACTIVITY_AFTER: '1s', RATE_LIMIT_API_PER_MINUTE: '10000' });
});

afterAll(async () => {
  await stack?.stop();
});

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Item {
  kind: string;
  workflowId: string;
  requestId?: string;
  problem: string;
  activityType?: string;
  attempt?: number;
  failingSince?: string;
  lastFailure?: string;
  area?: string;
  whatToDo?: string;
}

test('an activity that keeps failing (the mail server is down) is listed with its last failure and what to do, in scope', async () => {
  const officer = await stack.token('case_officer', { sub: 'awa' });
  const auth = { Authorization: `Bearer ${officer}` };
  const created = await stack.api
    .post('/v1/cases')
    .set(auth)
    .send(registrationBody({ person: { nationality: 'CIV' }, arrival: { mode: 'in_transit', arrivedAt: new Date(Date.now() - 86_400_000).toISOString(), fromCountry: 'DZA' } }))
    .expect(201);
  const caseId = created.body.caseId as string;
  await stack.api.post(`/v1/cases/${caseId}/reception`).set(auth).send({ centreCode: 'BKO-MMEIA' }).expect(200);

  // The mail server goes away: the request's e-mail to the embassy cannot leave, and its activity retries.
  await stack.smtp.close();
  const requested = await stack.api
    .post(`/v1/cases/${caseId}/travel-documents`)
    .set(auth)
    .send({ documentType: 'laissez_passer', plannedDeparture: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10) })
    .expect(201);
  const requestId = requested.body.requestId as string;

  const manager = await stack.token('manager', { sub: 'amadou' });
  const list = (token: string, query = '') => stack.api.get(`/v1/cases/stuck?kind=technical${query}`).set('Authorization', `Bearer ${token}`);
  const found = await eventually(
    async () => (await list(manager)).body as { items: Item[]; scanned: number; truncated: boolean },
    (body) => body.items?.some((i) => i.requestId === requestId),
  );
  const item = found.items.find((i) => i.requestId === requestId)!;
  expect(item).toMatchObject({ kind: 'travel_document', problem: 'activity', activityType: 'sendTravelDocumentMail', area: 'smtp' });
  expect(item.attempt).toBeGreaterThanOrEqual(2);
  expect(Date.parse(item.failingSince!)).toBeLessThan(Date.now() - 1000);
  expect(item.lastFailure).toMatch(/^sendTravelDocumentMail failed \(attempt \d+, failing since .+ UTC\): .+\. What to do: .*SMTP_URL/);
  expect(item.whatToDo).toContain('retries by itself');
  // Anyone who opens the UI reads what to do (Pending Activities), without decoding; the cause stays encrypted.
  const [pending] = (await stack.client.workflow.getHandle(item.workflowId).describe()).raw.pendingActivities!;
  expect(pending.lastFailure!.message).toMatch(/^sendTravelDocumentMail failed \(attempt \d+, failing since .+ UTC; smtp\)\. What to do: .*SMTP_URL/);
  expect(pending.lastFailure!.message).not.toContain('ECONNREFUSED');
  expect(found.scanned).toBeGreaterThanOrEqual(2);
  expect(found.truncated).toBe(false);

  // The overdue list does not mix them in; a longer threshold leaves it out.
  const overdue = await stack.api.get('/v1/cases/stuck').set('Authorization', `Bearer ${manager}`).expect(200);
  expect(overdue.body.items.map((i: Item) => i.requestId)).not.toContain(requestId);
  expect((await list(manager, '&retryingFor=2h')).body.items.map((i: Item) => i.requestId)).not.toContain(requestId);
  expect((await list(manager, '&retryingFor=soon')).status).toBe(400);

  // A case officer sees their centre's stuck work, and nothing of another centre's.
  const here = await list(officer);
  expect(here.status).toBe(200);
  expect(here.body.items.map((i: Item) => i.requestId)).toContain(requestId);
  const elsewhere = await list(await stack.token('case_officer', { centres: ['GAO-PC'], sub: 'oumar' }));
  expect(elsewhere.status).toBe(200);
  expect(elsewhere.body.items).toEqual([]);
  expect((await list(await stack.token('movement_officer'))).status).toBe(403);
});

import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let officer: string;

beforeAll(async () => {
  // Reception is due two seconds after registration, so cases get stuck while the test watches.
  stack = await startTestStack({ SLA_RECEPTION: '2s', PROGRAMME_MANAGER_EMAIL: 'pm@iom.test' });
  officer = await stack.token('case_officer', { centres: ['BKO-MMEIA', 'GAO-PC'], sub: 'awa' });
});

afterAll(async () => {
  await stack?.stop();
});

async function register(centreCode: string) {
  const res = await stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).send(registrationBody({ centreCode }));
  expect(res.status).toBe(201);
  return res.body.caseId as string;
}

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a stuck case is flagged, its supervisor told once, the manager at twice the SLA, and the next step clears it', async () => {
  const stuck = await register('BKO-MMEIA');
  const elsewhere = await register('GAO-PC');
  const onTime = await register('BKO-MMEIA');
  await stack.api.post(`/v1/cases/${onTime}/reception`).set('Authorization', `Bearer ${officer}`).send({ centreCode: 'BKO-MMEIA' }).expect(200);

  const supervisorMail = await stack.smtp.waitFor((m) => m.to.includes('supervisor.bko-mmeia@sira.local') && m.text.includes(stuck));
  expect(supervisorMail.subject).toMatch(/Overdue: case/);
  expect(supervisorMail.text).toContain('Record reception');
  expect(supervisorMail.text).not.toContain('Traoré');
  const managerMail = await stack.smtp.waitFor((m) => m.to.includes('pm@iom.test') && m.text.includes(stuck));
  expect(managerMail.subject).toMatch(/Escalated/);

  // The same query a manager types into the Temporal UI.
  const query = `TaskQueue = '${stack.taskQueue}' AND CaseOverdue = true AND CaseCentre = "BKO-MMEIA" AND ExecutionStatus = 'Running'`;
  const visible = await eventually(
    async () => {
      const ids: string[] = [];
      for await (const wf of stack.client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids;
    },
    (ids) => ids.length === 1,
  );
  expect(visible).toEqual([`case:${stuck}`]);

  const list = await stack.api.get('/v1/cases/stuck').set('Authorization', `Bearer ${officer}`);
  expect(list.status).toBe(200);
  const ids = list.body.items.map((i: { caseId: string }) => i.caseId).sort();
  expect(ids).toEqual([stuck, elsewhere].sort());
  const bko = await stack.token('supervisor', { centres: ['BKO-MMEIA'] });
  const scoped = await stack.api.get('/v1/cases/stuck').set('Authorization', `Bearer ${bko}`);
  expect(scoped.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([stuck]);

  const row = await stack.db('cases').where({ case_id: stuck }).first('overdue', 'overdue_level');
  expect(row).toEqual({ overdue: true, overdue_level: 2 });
  const overdueList = await stack.api.get('/v1/cases?overdue=true&centre=BKO-MMEIA').set('Authorization', `Bearer ${officer}`);
  expect(overdueList.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([stuck]);

  const received = await stack.api.post(`/v1/cases/${stuck}/reception`).set('Authorization', `Bearer ${officer}`).send({ centreCode: 'BKO-MMEIA' });
  expect(received.body.overdue).toBe(false);
  expect((await stack.db('cases').where({ case_id: stuck }).first('overdue')).overdue).toBe(false);
  const notifications = await stack.db('notifications').where({ case_id: stuck }).orderBy('kind');
  expect(notifications.map((n) => [n.kind, n.status])).toEqual([
    ['case_escalated', 'sent'],
    ['case_overdue', 'sent'],
  ]);
  expect(stack.smtp.messages.filter((m) => m.text.includes(stuck))).toHaveLength(2);
});

test('bulk suspension holds every matching case of the caller’s centres until resumed', async () => {
  const cases = [await register('BKO-MMEIA'), await register('BKO-MMEIA'), await register('BKO-MMEIA')];
  const other = await register('GAO-PC');
  const supervisor = await stack.token('supervisor', { centres: ['BKO-MMEIA'], sub: 'sidi' });
  const byQuery = await stack.api
    .post('/v1/cases/suspensions')
    .set('Authorization', `Bearer ${supervisor}`)
    .send({ query: { stage: 'registered' }, reason: 'January 2019 re-verification of eligibility' });
  expect(byQuery.status).toBe(202);
  expect(byQuery.body.failed).toBe(0);
  expect(byQuery.body.matched).toBeGreaterThanOrEqual(3);

  const held = await eventually(
    () => stack.db('cases').whereIn('case_id', [...cases, other]).select('case_id', 'suspended'),
    (rows) => rows.filter((r) => r.suspended).length === 3,
  );
  expect(Object.fromEntries(held.map((r) => [r.case_id, r.suspended]))).toEqual({
    [cases[0]]: true,
    [cases[1]]: true,
    [cases[2]]: true,
    [other]: false,
  });
  // A hold freezes commitments (a closure for moving away waits), not facts.
  const refused = await stack.api.post(`/v1/cases/${cases[0]}/closure`).set('Authorization', `Bearer ${officer}`).send({ reason: 'moved_away' });
  expect(refused.status).toBe(409);
  expect(refused.body.detail).toMatch(/suspended/);

  const resumed = await stack.api
    .delete('/v1/cases/suspensions')
    .set('Authorization', `Bearer ${supervisor}`)
    .send({ caseIds: cases, reason: 'verified' });
  expect(resumed.status).toBe(202);
  expect(resumed.body).toEqual({ matched: 3, signalled: 3, failed: 0 });
  await eventually(
    () => stack.db('cases').whereIn('case_id', cases).where({ suspended: true }).count<{ count: number }[]>({ count: '*' }),
    ([c]) => Number(c.count) === 0,
  );
  const ok = await stack.api.post(`/v1/cases/${cases[0]}/reception`).set('Authorization', `Bearer ${officer}`).send({ centreCode: 'BKO-MMEIA' });
  expect(ok.status).toBe(200);

  const bad = await stack.api.post('/v1/cases/suspensions').set('Authorization', `Bearer ${supervisor}`).send({ reason: 'x' });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].path).toBe('caseIds');
  const notAllowed = await stack.api.post('/v1/cases/suspensions').set('Authorization', `Bearer ${officer}`).send({ caseIds: cases, reason: 'x' });
  expect(notAllowed.status).toBe(403);
});

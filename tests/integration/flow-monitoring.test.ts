import { flowMonitoringFigures } from '../../db/queries/flow-monitoring';
import { FLOW_MONITORING_POINT_CODES } from '../../domain/reference';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let monitor: string;

beforeAll(async () => {
  stack = await startTestStack();
  monitor = await stack.token('flow_monitor', { sub: 'fmp-agent-1' });
});

afterAll(async () => {
  await stack?.stop();
});

const post = (body: unknown, token = monitor) =>
  stack.api.post('/v1/flow-monitoring/observations').set('Authorization', `Bearer ${token}`).send(body as object);
const list = (query: string, token: string) => stack.api.get(`/v1/flow-monitoring/observations?${query}`).set('Authorization', `Bearer ${token}`);
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const fieldsOf = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

test('the ten flow-monitoring points are seeded, codes and places only', async () => {
  const points = await stack.db('flow_monitoring_points').orderBy('code').select('code', 'city');
  expect(points.map((p) => p.code)).toEqual([...FLOW_MONITORING_POINT_CODES].sort());
  expect(new Set(points.map((p) => p.city))).toEqual(
    new Set(['Gao', 'Tombouctou', 'Kidal', 'Ménaka', 'Mopti', 'Kayes', 'Ségou', 'Sikasso', 'Bamako']),
  );
});

test('flow monitors and admins record counts; managers read them; no one else does either', async () => {
  const created = await post({ point: 'FMP-GAO', date: '2026-01-05', counts: { MLI: 120, GIN: 40 } });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ point: 'FMP-GAO', date: '2026-01-05', counts: { MLI: 120, GIN: 40 }, total: 160, recordedBy: 'fmp-agent-1' });
  const admin = await stack.token('admin');
  expect((await post({ point: 'FMP-KIDAL', date: '2026-01-05', counts: {} }, admin)).status).toBe(201);

  for (const role of ['manager', 'case_officer', 'supervisor', 'movement_officer'] as const) {
    expect([role, (await post({ point: 'FMP-GAO', date: '2026-01-06', counts: { MLI: 1 } }, await stack.token(role))).status]).toEqual([role, 403]);
  }
  for (const role of ['manager', 'admin', 'flow_monitor'] as const) {
    const res = await list('from=2026-01-05&to=2026-01-05', await stack.token(role));
    expect([role, res.status, res.body.items?.map((o: { point: string }) => o.point)]).toEqual([role, 200, ['FMP-GAO', 'FMP-KIDAL']]);
  }
  for (const role of ['case_officer', 'supervisor', 'movement_officer'] as const) {
    expect([role, (await list('', await stack.token(role))).status]).toEqual([role, 403]);
  }
  const atGao = await list('point=FMP-GAO', monitor);
  expect(atGao.body).toMatchObject({ total: 1, items: [{ point: 'FMP-GAO', total: 160 }] });
});

test('one count per point and day: the same counts again change nothing, other counts replace them', async () => {
  const body = { point: 'FMP-MOPTI', date: '2026-02-10', counts: { MLI: 10, CIV: 3 } };
  const first = await post(body);
  expect(first.status).toBe(201);
  const retry = await post({ ...body, counts: { CIV: 3, MLI: 10 } });
  expect(retry.status).toBe(200);
  expect(retry.body).toEqual(first.body);

  const agent2 = await stack.token('flow_monitor', { sub: 'fmp-agent-2' });
  const corrected = await post({ ...body, counts: { MLI: 11, CIV: 3 } }, agent2);
  expect(corrected.status).toBe(200);
  expect(corrected.body).toMatchObject({ counts: { MLI: 11, CIV: 3 }, total: 14, recordedBy: 'fmp-agent-2' });
  const stored = await list('point=FMP-MOPTI&from=2026-02-10&to=2026-02-10', monitor);
  expect(stored.body.items).toEqual([corrected.body]);

  // With an Idempotency-Key, a retry is the first answer itself.
  const keyed = () => post({ point: 'FMP-KAYES', date: '2026-02-10', counts: { SEN: 4 } }).set('Idempotency-Key', 'fmp-kayes-2026-02-10');
  const once = await keyed();
  const again = await keyed();
  expect([once.status, again.status, again.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
  expect(again.body).toEqual(once.body);
});

test('bad input is a 422 naming the field, and nothing is written', async () => {
  const cases: [unknown, string][] = [
    [{ point: 'FMP-NOWHERE', date: '2026-01-05', counts: { MLI: 1 } }, 'point'],
    [{ point: 'FMP-GAO', date: isoDay(2), counts: { MLI: 1 } }, 'date'],
    [{ point: 'FMP-GAO', date: '2026-02-30', counts: { MLI: 1 } }, 'date'],
    [{ point: 'FMP-GAO', date: '2026-01-07', counts: { MLI: -1 } }, 'counts.MLI'],
    [{ point: 'FMP-GAO', date: '2026-01-07', counts: { GIN: 2.5 } }, 'counts.GIN'],
    [{ point: 'FMP-GAO', date: '2026-01-07', counts: { GIN: '2' } }, 'counts.GIN'],
    [{ point: 'FMP-GAO', date: '2026-01-07', counts: { guinea: 2 } }, 'counts.guinea'],
    [{ point: 'FMP-GAO', date: '2026-01-07' }, 'counts'],
  ];
  for (const [body, field] of cases) {
    const res = await post(body);
    expect([body, res.status, fieldsOf(res)]).toEqual([body, 422, [field]]);
  }
  expect(await stack.db('flow_monitoring_observations').where({ observed_on: '2026-01-07' }).count({ n: '*' })).toEqual([{ n: 0 }]);
  expect((await list('from=2026-02-01&to=2026-01-01', monitor)).status).toBe(400);
});

test('the figures of a period: migrants observed and the top nationalities with their shares', async () => {
  await post({ point: 'FMP-SEGOU', date: '2025-03-01', counts: { MLI: 30, GIN: 10, CIV: 5, SEN: 5 } }).expect(201);
  await post({ point: 'FMP-SIKASSO', date: '2025-03-31', counts: { MLI: 12, GIN: 11, CIV: 3, SEN: 2, GMB: 5, NER: 17 } }).expect(201);
  // Outside the period, on either side.
  await post({ point: 'FMP-SEGOU', date: '2025-02-28', counts: { MLI: 1000 } }).expect(201);
  await post({ point: 'FMP-SEGOU', date: '2025-04-01', counts: { BFA: 1000 } }).expect(201);

  const figures = await flowMonitoringFigures(stack.db, { from: '2025-03-01', to: '2025-03-31' });
  expect(figures).toEqual({
    observed: 100,
    topNationalities: [
      { nationality: 'MLI', count: 42, share: 0.42 },
      { nationality: 'GIN', count: 21, share: 0.21 },
      { nationality: 'NER', count: 17, share: 0.17 },
      { nationality: 'CIV', count: 8, share: 0.08 },
      { nationality: 'SEN', count: 7, share: 0.07 },
    ],
  });
  expect(await flowMonitoringFigures(stack.db, { from: '2024-01-01', to: '2024-12-31' })).toEqual({ observed: 0, topNationalities: [] });
});

test("the programme report carries the period's flow-monitoring figures, in JSON and CSV", async () => {
  await post({ point: 'FMP-MOPTI', date: '2024-07-10', counts: { MLI: 30, GIN: 15, CIV: 5 } });
  await post({ point: 'FMP-SEGOU', date: '2024-07-11', counts: { MLI: 10, SEN: 40 } });
  const manager = await stack.token('manager');
  const report = await stack.api.get('/v1/reports/programme?from=2024-07-01&to=2024-07-31&lang=en').set('Authorization', `Bearer ${manager}`);
  expect(report.status).toBe(200);
  expect(report.body.figures['flowMonitoring.observed']).toMatchObject({ value: 100, definition: expect.stringMatching(/flow-monitoring points/) });
  expect(report.body.breakdowns['flowMonitoring.topNationalities'].rows.slice(0, 2)).toEqual([
    { label: 'MLI', value: 40 },
    { label: 'SEN', value: 40 },
  ]);
  expect(report.body.breakdowns['flowMonitoring.topNationalityShares'].rows[0]).toEqual({ label: 'MLI', value: 40 });
  const csv = await stack.api.get('/v1/reports/programme?from=2024-07-01&to=2024-07-31&format=csv').set('Authorization', `Bearer ${manager}`);
  expect(csv.text).toMatch(/\r\nflowMonitoring\.observed,100,/);
  expect(csv.text).toMatch(/\r\nflowMonitoring\.topNationalities\.GIN,15,/);
});

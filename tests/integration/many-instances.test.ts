import request from 'supertest';
import { registrationBody } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { MONTHLY_REPORT_SCHEDULE_ID } from '../../platform/report-schedule';
import { createNamespace, type HeldRelay, type SiraProcess, stackEnvironment, startHeldRelay, startSiraProcess } from '../support/processes';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * A second worker and a second API (`npm run worker`, `npm run api` as production runs them) join a
 * running stack: same Postgres database, Temporal namespace and task queue. Every command goes
 * through the second API while the first worker is stopped and then restarted; the rate limit is
 * counted once across both APIs; the worker serves the SDK's metrics and drains on SIGTERM.
 */
const HOUR = 3_600_000;
const LIMIT = 50;

let stack: TestStack;
let worker: SiraProcess;
let api: SiraProcess;
let second: ReturnType<typeof request>;
let metricsUrl: string;
let relay: HeldRelay;

beforeAll(async () => {
  // A namespace of its own: the second worker keeps the monthly report's Schedule there, as in production.
  const namespace = await createNamespace();
  stack = await startTestStack({ TEMPORAL_NAMESPACE: namespace, RATE_LIMIT_API_PER_MINUTE: String(LIMIT), PROGRAMME_MANAGER_EMAIL: 'pm@sira.test' });
  const [metricsPort, apiPort] = [await freePort(), await freePort()];
  // The second worker's mail goes through a relay the last test holds back.
  relay = await startHeldRelay(stack.smtp);
  worker = startSiraProcess(
    'worker/main.ts',
    stackEnvironment(stack, { WORKER_METRICS_PORT: String(metricsPort), WORKER_SHUTDOWN_GRACE: '10s', SMTP_URL: relay.url, PROGRAMME_MANAGER_EMAIL: 'pm@sira.test' }),
  );
  api = startSiraProcess('api/main.ts', stackEnvironment(stack, { PORT: String(apiPort) }));
  await Promise.all([worker.waitForOutput(/"msg":"worker started"/), api.waitForOutput(/"msg":"API listening"/)]);
  second = request(`http://127.0.0.1:${apiPort}`);
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
}, 120_000);

afterAll(async () => {
  await Promise.all([worker?.stop(), api?.stop()]);
  await relay?.close();
  await stack?.stop();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

async function ok(call: request.Test, status = 200) {
  const res = await call;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function flightStatus(token: string, flightId: string, status: string) {
  for (let i = 0; i < 40; i++) {
    const flight = await ok(second.get(`/v1/flights/${flightId}`).set(auth(token)));
    if (flight.status === status) return flight;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`flight ${flightId} never became ${status}`);
}

test('a case and a flight go through the second API while the first worker is stopped, then restarted', async () => {
  const officer = await stack.token('case_officer', { sub: 'awa-second-api' });
  const movement = await stack.token('movement_officer', { sub: 'moussa-second-api' });
  expect((await second.get('/ready')).body).toEqual({ status: 'ready', postgres: true, temporal: true });

  await stack.stopWorker();
  // Only the second worker polls the task queue now.
  const { caseId } = await ok(second.post('/v1/cases').set(auth(officer)).send(registrationBody()), 201);
  expect((await ok(second.post(`/v1/cases/${caseId}/reception`).set(auth(officer)).send({ centreCode: 'BKO-MMEIA', medical: { provided: true } }))).stage).toBe('received');
  const { flightId } = await ok(
    second
      .post('/v1/flights')
      .set(auth(movement))
      .send({ flightNumber: '5A 1033', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 2 * HOUR).toISOString(), capacity: 4 }),
    201,
  );
  const passenger = registrationBody();
  await ok(
    second
      .post(`/v1/flights/${flightId}/passengers`)
      .set(auth(movement))
      .send({
        person: passenger.person,
        residenceRegion: 'Kayes',
        vulnerabilities: [],
        unaccompaniedMinor: false,
        biometricRef: passenger.biometricRef,
        consentSignedAt: new Date(Date.now() - 24 * HOUR).toISOString(),
        fitToTravelAt: new Date(Date.now() - HOUR).toISOString(),
      }),
    201,
  );
  expect((await ok(second.post(`/v1/flights/${flightId}/lock`).set(auth(movement)))).status).toBe('locked');

  await stack.startWorker();
  // Both workers poll again; the second API goes on, and the first API reads what the second wrote.
  expect((await ok(second.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth(officer)).send({ heldAt: new Date().toISOString() }))).stage).toBe('counselling');
  await ok(second.post(`/v1/flights/${flightId}/departure`).set(auth(movement)).send({ departedAt: new Date(Date.now() - 3 * HOUR).toISOString() }));
  await ok(second.post(`/v1/flights/${flightId}/arrival`).set(auth(movement)).send({ arrivedAt: new Date(Date.now() - HOUR).toISOString(), centreCode: 'BKO-MMEIA' }));
  expect(await flightStatus(movement, flightId, 'closed')).toMatchObject({ boarded: 1, cases: { opened: 1, attached: 0, unresolved: 0 } });
  expect((await ok(stack.api.get(`/v1/cases/${caseId}`).set(auth(officer)))).stage).toBe('counselling');
  const charterCase = await stack.db('cases').where({ flight_id: flightId }).first('case_id');
  expect((await ok(stack.api.get(`/v1/cases/${charterCase.case_id}`).set(auth(officer)))).stage).toBe('registered');
}, 120_000);

test('the rate limit is counted once across both APIs', async () => {
  const token = await stack.token('case_officer', { sub: 'busy-on-two-apis' });
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT; i++) statuses.push((await (i % 2 ? second : stack.api).get('/v1/centres').set(auth(token))).status);
  expect(statuses).toEqual(Array(LIMIT).fill(200));
  const [first, other] = [await stack.api.get('/v1/centres').set(auth(token)), await second.get('/v1/centres').set(auth(token))];
  expect([first.status, other.status]).toEqual([429, 429]);
  expect(other.headers['retry-after']).toBeDefined();
  // Another caller is counted apart, on either API.
  expect((await second.get('/v1/centres').set(auth(await stack.token('case_officer', { sub: 'quiet-caller' })))).status).toBe(200);
});

test("the API's /metrics counts and times requests by route pattern and status", async () => {
  const metrics = (await second.get('/metrics')).text;
  expect(metrics).toMatch(/^sira_http_requests_total\{method="POST",route="\/v1\/cases",status="201"\} 1$/m);
  // A request refused before it reached its route (here by the rate limit) has no route pattern.
  expect(metrics).toMatch(/^sira_http_requests_total\{method="GET",route="unmatched",status="429"\} \d+$/m);
  expect(metrics).toMatch(/^sira_http_request_duration_seconds_bucket\{le="[\d.]+",method="POST",route="\/v1\/cases\/:caseId\/reception",status="200"\} 1$/m);
  expect(metrics).not.toMatch(/route="\/v1\/cases\/[0-9a-f-]{36}/);
});

test("the worker serves the Temporal SDK's own metrics on WORKER_METRICS_PORT", async () => {
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).toMatch(/^temporal_\w+\{.*task_queue="test-[0-9a-f]+"/m);
  expect(text).toMatch(/^temporal_workflow_task_execution_latency\w*\{/m);
  expect(text).toMatch(/^temporal_activity_execution_latency\w*\{/m);
});

test('SIGTERM: the second worker stops polling, waits for its running activity, and exits 0', async () => {
  // The monthly report's activity runs on the second worker alone, and hangs on its mail.
  await stack.stopWorker();
  relay.hold();
  const before = relay.connections();
  await stack.client.schedule.getHandle(MONTHLY_REPORT_SCHEDULE_ID).trigger();
  for (let i = 0; relay.connections() === before; i++) {
    if (i > 100) throw new Error('the report activity never started sending');
    await new Promise((r) => setTimeout(r, 100));
  }

  const exited = worker.stop('SIGTERM', 30_000);
  await worker.waitForOutput(/"signal":"SIGTERM","shutdownGraceMs":10000,"msg":"worker shutting down: no new tasks, running activities may finish"/);
  await new Promise((r) => setTimeout(r, 1500));
  expect(worker.output()).not.toMatch(/"msg":"worker stopped"/);
  relay.release();
  expect(await exited).toBe(0);
  expect(worker.output()).toMatch(/"msg":"worker stopped"/);
  // The activity finished on the stopping worker (Sira's activities run to their end rather than stop
  // midway when cancelled after WORKER_SHUTDOWN_GRACE): the mail went out once, and the run completes
  // on the first worker.
  await stack.smtp.waitFor((mail) => mail.to.includes('pm@sira.test'), 10_000);
  await stack.startWorker();
  const description = await stack.client.schedule.getHandle(MONTHLY_REPORT_SCHEDULE_ID).describe();
  const run = description.info.recentActions.at(-1)!.action.workflow.workflowId;
  expect(await stack.client.workflow.getHandle(run).result()).toMatchObject({ delivery: 'sent' });
  expect(stack.smtp.messages.filter((mail) => mail.to.includes('pm@sira.test'))).toHaveLength(1);
});

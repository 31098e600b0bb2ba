import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Response, Test } from 'supertest';
import { signLiaisonToken } from '../../platform/liaison-link';
import type { RunningPostgres } from '../../platform/embedded-postgres';
import { type RunningTemporal, startTemporalDevServer } from '../../platform/temporal-dev-server';
import { registrationBody } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { startPostgresProcess } from '../support/postgres-process';
import { startTestStack, type TestStack } from '../support/stack';

// Each outage stops servers of this file's own: the run's servers keep serving the other files.

/** The answer is a 503 problem with Retry-After, and it came within `withinMs`. */
async function expectUnavailable(name: string, call: Test, withinMs: number): Promise<Response> {
  const started = Date.now();
  const res = await call;
  const elapsedMs = Date.now() - started;
  expect({ name, status: res.status, type: res.headers['content-type'], retryAfter: res.headers['retry-after'], inTime: elapsedMs < withinMs }).toEqual({
    name,
    status: 503,
    type: expect.stringMatching(/^application\/problem\+json/),
    retryAfter: '5',
    inTime: true,
  });
  return res;
}

async function registerCase(stack: TestStack, officer: string): Promise<string> {
  const res = await stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).send(registrationBody());
  expect(res.status).toBe(201);
  return res.body.caseId;
}

describe('with the worker, then Temporal, stopped', () => {
  let temporal: RunningTemporal;
  let stack: TestStack;
  let officer: string;
  let supervisor: string;
  let caseId: string;

  beforeAll(async () => {
    temporal = await startTemporalDevServer({ cliPath: process.env.SIRA_TEST_TEMPORAL_CLI!, port: await freePort() });
    // A shorter wait for Updates than the default 30 s keeps the no-answer case quick to test.
    stack = await startTestStack({ UPDATE_DEADLINE: '10s' }, { temporalAddress: temporal.address });
    officer = await stack.token('case_officer');
    supervisor = await stack.token('supervisor');
    caseId = await registerCase(stack, officer);
  });

  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      await temporal?.stop();
    }
  });

  const as = (call: Test) => call.set('Authorization', `Bearer ${officer}`);

  test('without a worker, the live state and a step are 503, and the step may be retried with its Idempotency-Key', async () => {
    await stack.stopWorker();
    const [, step] = await Promise.all([
      expectUnavailable('GET live', as(stack.api.get(`/v1/cases/${caseId}/live`)), 20_000),
      expectUnavailable(
        'POST counselling-sessions',
        as(stack.api.post(`/v1/cases/${caseId}/counselling-sessions`)).send({ heldAt: new Date().toISOString() }),
        20_000,
      ),
    ]);
    expect(step.body.detail).toMatch(/may still be applied.*same Idempotency-Key header is safe/);
  }, 60_000);

  test('without Temporal, registration, a step, reads and bulk holds are 503 in bounded time', async () => {
    await temporal.stop();
    const within = 35_000;
    const hold = (target: object) =>
      stack.api
        .post('/v1/cases/suspensions')
        .set('Authorization', `Bearer ${supervisor}`)
        .send({ ...target, reason: 'unrest on the road to the centre' });
    await Promise.all([
      expectUnavailable('POST suspensions by ids', hold({ caseIds: [caseId] }), within),
      expectUnavailable('POST suspensions by query', hold({ query: { centre: 'BKO-MMEIA' } }), within),
      expectUnavailable('POST /v1/cases', as(stack.api.post('/v1/cases')).send(registrationBody()), within),
      expectUnavailable(
        'POST counselling-sessions',
        as(stack.api.post(`/v1/cases/${caseId}/counselling-sessions`)).send({ heldAt: new Date().toISOString() }),
        within,
      ),
      expectUnavailable('GET live', as(stack.api.get(`/v1/cases/${caseId}/live`)), within),
      expectUnavailable('GET stuck', as(stack.api.get('/v1/cases/stuck')), within),
    ]);
    const ready = await stack.api.get('/ready');
    expect([ready.status, ready.headers['retry-after'], ready.body]).toEqual([503, '5', { status: 'not ready', postgres: true, temporal: false }]);
  }, 60_000);
});

describe('with Postgres stopped', () => {
  const dataDir = path.resolve(__dirname, '../../.data/test', `postgres-outage-${process.pid}`);
  let port: number;
  let postgres: RunningPostgres;
  let stack: TestStack;
  let officer: string;
  let caseId: string;

  beforeAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    port = await freePort();
    postgres = await startPostgresProcess(dataDir, port);
    stack = await startTestStack({}, { adminDatabaseUrl: postgres.url });
    officer = await stack.token('case_officer');
    caseId = await registerCase(stack, officer);
  });

  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      await postgres?.stop();
      for (const dir of new Set([dataDir, postgres?.dataDir ?? dataDir])) await rm(dir, { recursive: true, force: true });
    }
  });

  const as = (call: Test) => call.set('Authorization', `Bearer ${officer}`);

  test('reads, a step, a liaison link and readiness are 503 within seconds, and the API answers again once Postgres is back', async () => {
    const requestId = randomUUID();
    const token = await signLiaisonToken(stack.config.liaisonLinkSecret, { requestId, round: 0, expiresAt: new Date(Date.now() + 86_400_000) });
    const link = `/liaison/requests/${requestId}?token=${encodeURIComponent(token)}`;
    await postgres.stop();
    const within = 10_000;
    await Promise.all([
      expectUnavailable('GET liaison link as JSON', stack.api.get(link).set('Accept', 'application/json'), within),
      expectUnavailable('GET case', as(stack.api.get(`/v1/cases/${caseId}`)), within),
      expectUnavailable('GET cases', as(stack.api.get('/v1/cases')), within),
      expectUnavailable(
        'POST counselling-sessions',
        as(stack.api.post(`/v1/cases/${caseId}/counselling-sessions`)).send({ heldAt: new Date().toISOString() }),
        within,
      ),
    ]);
    const page = await stack.api.get(link).set('Accept', 'text/html');
    expect([page.status, page.headers['retry-after'], page.headers['content-type']]).toEqual([503, '5', expect.stringMatching(/^text\/html/)]);
    expect(page.text).toContain('temporarily unavailable');
    const ready = await stack.api.get('/ready');
    expect([ready.status, ready.headers['retry-after'], ready.body]).toEqual([503, '5', { status: 'not ready', postgres: false, temporal: true }]);

    postgres = await startPostgresProcess(dataDir, port);
    expect((await as(stack.api.get(`/v1/cases/${caseId}`))).status).toBe(200);
  }, 60_000);
});

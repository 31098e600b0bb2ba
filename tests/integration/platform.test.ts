import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openApiPath } from '../../api/route';
import { ROUTES } from '../../api/routes';
import { startTestStack, TEST_SECRET, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

test('health, readiness and metrics answer without a token', async () => {
  expect((await stack.api.get('/health')).body).toEqual({ status: 'ok' });
  const ready = await stack.api.get('/ready');
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ready', postgres: true, temporal: true });
  const metrics = await stack.api.get('/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.text).toContain('sira_http_request_duration_seconds');
});

test('the OpenAPI 3.1 document describes every route of the table, and the liaison and codec routes', async () => {
  const res = await stack.api.get('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.body.openapi).toBe('3.1.0');
  const documented = Object.entries(res.body.paths as Record<string, object>).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m} ${p}`),
  );
  for (const spec of ROUTES) expect(documented).toContain(`${spec.method} ${openApiPath(spec.path)}`);
  expect(documented).toEqual(expect.arrayContaining(['get /liaison/requests/{requestId}', 'post /liaison/requests/{requestId}', 'post /codec/decode']));
  const body = res.body.paths['/v1/cases'].post.requestBody.content['application/json'].schema;
  expect(body).toEqual({ $ref: '#/components/schemas/Registration' });
  expect(res.body.components.schemas.Registration.required).toContain('consentToDataProcessing');
});

test('an unknown route and a request without a token are problems, not HTML', async () => {
  const missing = await stack.api.get('/nowhere');
  expect(missing.status).toBe(404);
  expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  const anonymous = await stack.api.get('/v1/cases');
  expect(anonymous.status).toBe(401);
  expect(anonymous.body).toMatchObject({ status: 401, title: 'Unauthorized' });
});

test('npm run token prints a token the API accepts, and refuses an unknown role or centre', async () => {
  const env = { ...process.env, AUTH_SECRET: TEST_SECRET, NODE_ENV: 'test' };
  const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
  const script = path.resolve(__dirname, '../../scripts/token.ts');
  const token = execFileSync(tsx, [script, '--role', 'supervisor', '--centre', 'BKO-MMEIA', '--sub', 'sidi'], { env }).toString().trim();
  const res = await stack.api.get('/v1/cases').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(() => execFileSync(tsx, [script, '--role', 'captain'], { env, stdio: 'pipe' })).toThrow(/--role must be one of/);
  expect(() => execFileSync(tsx, [script, '--role', 'case_officer', '--centre', 'XYZ'], { env, stdio: 'pipe' })).toThrow(/unknown centre XYZ/);
});

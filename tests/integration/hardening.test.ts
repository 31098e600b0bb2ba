import { defaultPayloadConverter } from '@temporalio/common';
import express from 'express';
import request from 'supertest';
import { problemHandler } from '../../api/problem';
import { createLogger } from '../../platform/logger';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let n = 0;
/** A token of its own for each test, so that per-token rate limits do not spill between tests. */
const token = (role: Parameters<TestStack['token']>[0] = 'case_officer') => stack.token(role, { sub: `hardening-${role}-${++n}` });

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_API_PER_MINUTE: '8', RATE_LIMIT_LIAISON_PER_MINUTE: '3', TEMPORAL_UI_ORIGIN: 'http://localhost:8233' });
});

afterAll(async () => {
  await stack?.stop();
});

const isProblem = (res: request.Response) => expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
const noStack = (res: request.Response) => expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|stack/i);

test('security headers are on every answer', async () => {
  const res = await stack.api.get('/health');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
  expect(res.headers['strict-transport-security']).toBeDefined();
  expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(res.headers['x-powered-by']).toBeUndefined();
});

test('a body above the limit is 413 problem+json', async () => {
  const res = await stack.api
    .post('/v1/cases')
    .set('Authorization', `Bearer ${await token()}`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ padding: 'x'.repeat(200 * 1024) }));
  expect(res.status).toBe(413);
  isProblem(res);
  noStack(res);
});

test('JSON is parsed strictly: malformed or a bare value is 400 problem+json, without a stack trace', async () => {
  const auth = `Bearer ${await token()}`;
  for (const body of ['{"person": ', '"just a string"', '42']) {
    const res = await stack.api.post('/v1/cases').set('Authorization', auth).set('Content-Type', 'application/json').send(body);
    expect([body, res.status]).toEqual([body, 400]);
    isProblem(res);
    noStack(res);
  }
});

describe('a request Sira cannot read is a 4xx problem, never a 500', () => {
  const post = async (headers: Record<string, string>, body: string | Buffer) => {
    const req = stack.api.post('/v1/cases').set('Authorization', `Bearer ${await token()}`);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send(body);
  };
  const refused = (res: request.Response, status: number, detail: RegExp) => {
    expect([res.status, res.body.detail]).toEqual([status, expect.stringMatching(detail)]);
    isProblem(res);
    noStack(res);
  };

  it('a path with broken percent-encoding is 400', async () => {
    refused(await stack.api.get('/v1/cases/%E0%A4%A').set('Authorization', `Bearer ${await token()}`), 400, /percent-encoding/);
  });

  it('a body announced as gzip that is not gzip is 400', async () => {
    refused(await post({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, '{"person": {}}'), 400, /not valid gzip/);
  });

  it('a Content-Encoding Sira does not know is 415', async () => {
    refused(await post({ 'Content-Type': 'application/json', 'Content-Encoding': 'br-fake' }, '{"person": {}}'), 415, /br-fake/);
  });

  it('a JSON body in a charset other than UTF-8 is 415', async () => {
    const latin1 = Buffer.from('{"person": {"familyName": "Traoré"}}', 'latin1');
    refused(await post({ 'Content-Type': 'application/json; charset=latin1' }, latin1), 415, /charset "LATIN1"/);
  });
});

test('an unexpected error is a 500 problem naming the request id, never the stack', async () => {
  const app = express();
  app.get('/boom', () => {
    throw new Error('secret internals at /srv/sira/db.ts:12');
  });
  app.use(problemHandler(createLogger('silent')));
  const res = await request(app).get('/boom');
  expect(res.status).toBe(500);
  isProblem(res);
  noStack(res);
  expect(JSON.stringify(res.body)).not.toContain('secret internals');
});

test('each bearer token is rate-limited on /v1, with 429 problem+json', async () => {
  const busy = await token();
  const statuses: number[] = [];
  for (let i = 0; i < 9; i += 1) statuses.push((await stack.api.get('/v1/centres').set('Authorization', `Bearer ${busy}`)).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
  const limited = await stack.api.get('/v1/centres').set('Authorization', `Bearer ${busy}`);
  expect(limited.status).toBe(429);
  isProblem(limited);
  expect(limited.headers['retry-after']).toBeDefined();
  // Another token is counted apart.
  expect((await stack.api.get('/v1/centres').set('Authorization', `Bearer ${await token()}`)).status).toBe(200);
});

test('liaison links are rate-limited per client address, with 429 problem+json', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i += 1) statuses.push((await stack.api.get(`/liaison/requests/${i}?token=x`)).status);
  expect(statuses.slice(0, 3)).not.toContain(429);
  expect(statuses[3]).toBe(429);
  const res = await stack.api.get('/liaison/requests/x?token=x');
  isProblem(res);
});

describe('the codec endpoint for the Temporal UI', () => {
  const payload = defaultPayloadConverter.toPayload({ familyName: 'Coulibaly' })!;
  const asJson = {
    payloads: [
      {
        metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
        data: Buffer.from(payload.data!).toString('base64'),
      },
    ],
  };

  it('answers the UI origin cross-origin, and no other origin', async () => {
    const allowed = await stack.api
      .options('/codec/decode')
      .set('Origin', 'http://localhost:8233')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization,x-namespace');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/i);
    const other = await stack.api.options('/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('requires a signed-in manager or admin', async () => {
    const none = await stack.api.post('/codec/decode').send(asJson);
    expect(none.status).toBe(401);
    isProblem(none);
    expect((await stack.api.post('/codec/decode').set('Authorization', `Bearer ${await token('case_officer')}`).send(asJson)).status).toBe(403);
    expect((await stack.api.post('/codec/decode').set('Authorization', `Bearer ${await token('movement_officer')}`).send(asJson)).status).toBe(403);
    expect((await stack.api.post('/codec/decode').set('Authorization', `Bearer ${await token('supervisor')}`).send(asJson)).status).toBe(403);
  });

  it('encodes and decodes in the remote codec protocol, and audits each call', async () => {
    const auth = `Bearer ${await token('manager')}`;
    const encoded = await stack.api.post('/codec/encode').set('Authorization', auth).set('X-Namespace', 'default').send(asJson).expect(200);
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.body.payloads[0].data, 'base64').toString('latin1')).not.toContain('Coulibaly');
    const decoded = await stack.api.post('/codec/decode').set('Authorization', auth).send(encoded.body).expect(200);
    expect(decoded.body).toEqual(asJson);
    const trail = await stack.db('audit_log').where({ object_type: 'temporal_payload' }).orderBy('id');
    expect(trail.map((r) => [r.actor_role, r.action, r.outcome])).toEqual(
      expect.arrayContaining([
        [null, 'Decode payloads', 'denied'],
        ['case_officer', 'Decode payloads', 'denied'],
        ['manager', 'Encode payloads', 'succeeded'],
        ['manager', 'Decode payloads', 'succeeded'],
      ]),
    );
  });

  it('refuses an altered payload with 422, not 500', async () => {
    const auth = `Bearer ${await token('admin')}`;
    const encoded = await stack.api.post('/codec/encode').set('Authorization', auth).send(asJson).expect(200);
    const data = Buffer.from(encoded.body.payloads[0].data, 'base64');
    data[data.length - 1] ^= 1;
    encoded.body.payloads[0].data = data.toString('base64');
    const res = await stack.api.post('/codec/decode').set('Authorization', auth).send(encoded.body);
    expect(res.status).toBe(422);
    isProblem(res);
  });
});

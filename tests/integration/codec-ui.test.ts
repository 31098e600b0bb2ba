import { defaultPayloadConverter } from '@temporalio/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createTokenVerifier, signToken } from '../../api/auth';
import type { Role } from '../../domain/reference';
import { signCodecLinkToken } from '../../platform/codec-link';
import { createPayloadCodec } from '../../platform/codec';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The calls the Temporal UI makes to Sira's codec endpoint, as the browser makes them: a CORS
 * preflight from the UI's origin, then `POST <endpoint>/decode` with `Content-Type`, `X-Namespace`
 * and, in production, `Authorization: Bearer <the signed-in user's access token>` (verified against
 * the identity provider's JWKS, served here by a local server); in development, a manager's personal
 * endpoint `/codec/u/<token>`.
 */
const UI = 'https://temporal.sira.test';
const ISSUER = 'https://id.sira.test/realms/sira';
const AUDIENCE = 'sira-api';

let stack: TestStack;
let jwks: Server;
let provider: { privateKey: KeyLike; kid: string };
let stranger: KeyLike;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  provider = { privateKey, kid: 'sira-test-key' };
  stranger = (await generateKeyPair('RS256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: provider.kid, alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => jwks.once('listening', () => resolve()));
  const { port } = jwks.address() as AddressInfo;
  stack = await startTestStack({
    AUTH_JWKS_URL: `http://127.0.0.1:${port}/realms/sira/protocol/openid-connect/certs`,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    TEMPORAL_UI_ORIGIN: UI,
    RATE_LIMIT_API_PER_MINUTE: '10000',
  });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => jwks?.close(resolve));
});

/** An access token as the identity provider issues it, with Sira's role claim. */
function accessToken(role: Role, options: { sub?: string; key?: KeyLike; audience?: string; expiresIn?: string; centres?: string[] } = {}) {
  return new SignJWT({ role, centres: options.centres ?? (role === 'supervisor' || role === 'case_officer' ? ['BKO-MMEIA'] : []) })
    .setProtectedHeader({ alg: 'RS256', kid: provider.kid })
    .setSubject(options.sub ?? `${role}-oidc`)
    .setIssuer(ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(options.key ?? provider.privateKey);
}

async function encryptedRegistration() {
  const [payload] = await createPayloadCodec(stack.config).encode([defaultPayloadConverter.toPayload({ person: { familyName: 'Sangaré' } })!]);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return { payloads: [{ metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([k, v]) => [k, b64(v!)])), data: b64(payload.data!) }] };
}

const decodedText = (body: { payloads: { data: string }[] }) => Buffer.from(body.payloads[0].data, 'base64').toString();

/** The UI's own call: what `fetch(endpoint + '/decode', …)` sends from the UI's page. */
const uiDecode = (path: string, body: object, bearer?: string) => {
  const call = stack.api.post(path).set('Origin', UI).set('Content-Type', 'application/json').set('X-Namespace', 'default');
  return (bearer ? call.set('Authorization', `Bearer ${bearer}`) : call).send(body);
};

describe('production: the signed-in UI passes its access token', () => {
  it("answers the preflight from the UI's origin, allowing Authorization and X-Namespace, and no other origin", async () => {
    const preflight = await stack.api
      .options('/codec/decode')
      .set('Origin', UI)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,x-namespace');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
    for (const header of ['Authorization', 'X-Namespace', 'Content-Type']) expect(preflight.headers['access-control-allow-headers']).toContain(header);
    const other = await stack.api.options('/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("decodes for a manager whose provider token verifies against the JWKS, and audits who and how many", async () => {
    const body = await encryptedRegistration();
    const token = await accessToken('manager', { sub: 'amadou-oidc' });
    const res = await uiDecode('/codec/decode', { payloads: [...body.payloads, ...body.payloads] }, token);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(decodedText(res.body)).toContain('Sangaré');
    const [row] = await stack.db('audit_log').where({ object_type: 'temporal_payload', actor_sub: 'amadou-oidc' });
    expect(row).toMatchObject({ actor_role: 'manager', action: 'Decode payloads', route: 'POST /codec/decode', outcome: 'succeeded', object_id: 'default', payload_count: 2 });
    expect(JSON.stringify(row)).not.toContain('Sangaré');
  });

  it.each<[string, () => Promise<string | undefined>, number]>([
    ['no token', async () => undefined, 401],
    ["a token signed with Sira's own secret instead of the provider's key", () => signToken(stack.config, { sub: 'amadou', role: 'manager' }), 401],
    ['a token signed by another key', () => accessToken('manager', { key: stranger }), 401],
    ['a token for another audience', () => accessToken('manager', { audience: 'temporal-ui' }), 401],
    ['an expired token', () => accessToken('manager', { expiresIn: '-5m' }), 401],
    ["a supervisor's token (a payload does not say its centre)", () => accessToken('supervisor'), 403],
    ["a case officer's token", () => accessToken('case_officer'), 403],
  ])('refuses %s, unreadable to the browser', async (_, token, status) => {
    const res = await uiDecode('/codec/decode', await encryptedRegistration(), await token());
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    // Without CORS headers the UI's fetch fails, and the UI shows its codec error instead of empty payloads.
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('Sangaré');
  });
});

describe("development: a manager's personal codec endpoint", () => {
  const link = (role: Role, sub = `${role}-link`, ttlMs = 3_600_000) => signCodecLinkToken(stack.config.AUTH_SECRET, { sub, role }, ttlMs);

  it('answers the preflight of its path, and decodes for the manager it names, audited', async () => {
    const token = await link('manager', 'amadou');
    const preflight = await stack.api
      .options(`/codec/u/${token}/decode`)
      .set('Origin', UI)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-namespace');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI);
    const res = await uiDecode(`/codec/u/${token}/decode`, await encryptedRegistration());
    expect(res.status).toBe(200);
    expect(decodedText(res.body)).toContain('Sangaré');
    const rows = await stack.db('audit_log').where({ object_type: 'temporal_payload', actor_sub: 'amadou' });
    expect(rows.map((r) => [r.route, r.outcome, r.payload_count])).toEqual([['POST /codec/u/:token/decode', 'succeeded', 1]]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it.each<[string, () => Promise<string>, number]>([
    ["a case officer's link", () => link('case_officer'), 403],
    ["a supervisor's link", () => link('supervisor'), 403],
    ['an expired link', () => link('manager', 'amadou', -60_000), 401],
    ['an altered link', async () => `${(await link('admin')).slice(0, -2)}xx`, 401],
    ['a bearer token in place of a link', () => signToken(stack.config, { sub: 'amadou', role: 'manager' }), 401],
  ])('refuses %s', async (_, token, status) => {
    const res = await uiDecode(`/codec/u/${await token()}/decode`, await encryptedRegistration());
    expect(res.status).toBe(status);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('Sangaré');
  });

  it('is not a bearer token on /v1', async () => {
    const res = await stack.api.get('/v1/centres').set('Authorization', `Bearer ${await link('manager')}`);
    expect(res.status).toBe(401);
  });

  it('needs AUTH_SECRET: with a provider only, personal links are refused', async () => {
    const config = { ...stack.config, AUTH_SECRET: undefined };
    const app = createApp({ db: stack.db, temporal: stack.client, config, logger: pino({ level: 'silent' }), verifyToken: createTokenVerifier(config) });
    const res = await request(app).post(`/codec/u/${await link('manager')}/decode`).send(await encryptedRegistration());
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/AUTH_SECRET/);
  });

  it('never writes the token to the request log', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const app = createApp({ db: stack.db, temporal: stack.client, config: stack.config, logger, verifyToken: createTokenVerifier(stack.config) });
    const manager = await link('manager', 'amadou-logged');
    const officer = await link('case_officer');
    await request(app).post(`/codec/u/${manager}/decode`).set('X-Namespace', 'default').send(await encryptedRegistration()).expect(200);
    await request(app).post(`/codec/u/${officer}/decode`).send(await encryptedRegistration()).expect(403);
    await request(app).post(`/codec/u/${manager}/decode?x=1`).send({ payloads: 'nope' }).expect(422);
    expect(logged).toContain('/codec/u/[redacted]/decode');
    for (const token of [manager, officer]) {
      for (const part of token.split('.').slice(1)) expect([part.slice(0, 12), logged.includes(part)]).toEqual([part.slice(0, 12), false]);
    }
  });
});

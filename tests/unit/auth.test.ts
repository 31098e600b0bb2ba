import { exportJWK, generateKeyPair, type JWTPayload, type KeyLike, SignJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier, MAX_CLOCK_SKEW_SECONDS } from '../../api/auth';
import { loadConfig } from '../../platform/config';

const SECRET = 'unit-test-secret-0123456789-abcdefghij';
const ISSUER = 'https://idp.sira.test/realms/sira';
const AUDIENCE = 'sira-api';
const now = () => Math.floor(Date.now() / 1000);
const officerClaims = { role: 'case_officer', centres: ['BKO-MMEIA'] };

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function hs256(claims: JWTPayload, options: { secret?: string; exp?: number | null; iat?: number; iss?: string; aud?: string } = {}) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('awa').setIssuedAt(options.iat);
  if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? now() + 600);
  jwt = jwt.setIssuer(options.iss ?? ISSUER).setAudience(options.aud ?? AUDIENCE);
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: { status?: number }) => error.status ?? 500,
  );

describe('HS256 tokens (AUTH_SECRET)', () => {
  const verify = createTokenVerifier(loadConfig({ AUTH_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));

  it('accepts a valid token and returns the caller', async () => {
    await expect(verify(await hs256(officerClaims))).resolves.toEqual({ sub: 'awa', role: 'case_officer', centres: ['BKO-MMEIA'] });
  });

  it('requires exp', async () => {
    await expect(verify(await hs256(officerClaims, { exp: null }))).rejects.toMatchObject({ status: 401 });
  });

  it('refuses an expired token, within a bounded clock skew', async () => {
    await expect(verify(await hs256(officerClaims, { exp: now() - MAX_CLOCK_SKEW_SECONDS - 5 }))).rejects.toMatchObject({
      status: 401,
      detail: 'the token has expired',
    });
    expect(await status(verify(await hs256(officerClaims, { exp: now() - 5 })))).toBe(200);
  });

  it('refuses a token not yet valid or issued in the future beyond the skew', async () => {
    const later = now() + MAX_CLOCK_SKEW_SECONDS + 60;
    expect(await status(verify(await hs256({ ...officerClaims, nbf: later })))).toBe(401);
    expect(await status(verify(await hs256(officerClaims, { iat: later, exp: later + 600 })))).toBe(401);
  });

  it('refuses a bad signature, a wrong audience, a wrong issuer', async () => {
    expect(await status(verify(await hs256(officerClaims, { secret: 'another-secret-0123456789-abcdefghijkl' })))).toBe(401);
    expect(await status(verify(await hs256(officerClaims, { aud: 'another-api' })))).toBe(401);
    expect(await status(verify(await hs256(officerClaims, { iss: 'https://evil.example' })))).toBe(401);
  });

  it('refuses alg none and garbage', async () => {
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...officerClaims, sub: 'awa', iss: ISSUER, aud: AUDIENCE, exp: now() + 600 })}.`;
    expect(await status(verify(unsigned))).toBe(401);
    expect(await status(verify('not-a-token'))).toBe(401);
  });

  it('refuses a missing or unknown role, and a case officer without a centre', async () => {
    expect(await status(verify(await hs256({ centres: ['BKO-MMEIA'] })))).toBe(401);
    expect(await status(verify(await hs256({ role: 'superuser' })))).toBe(401);
    expect(await status(verify(await hs256({ role: 'case_officer', centres: [] })))).toBe(401);
    expect(await status(verify(await hs256({ role: 'case_officer', centres: ['NOWHERE'] })))).toBe(401);
  });
});

describe('RS256 tokens from an identity provider (AUTH_JWKS_URL)', () => {
  let server: Server;
  let jwksUrl: string;
  let signingKey: KeyLike;
  let otherKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    otherKey = other.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/sira/protocol/openid-connect/certs`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const rs256 = (key: KeyLike, kid = 'idp-1', claims: JWTPayload = officerClaims) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('awa')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  const verifier = () => createTokenVerifier(loadConfig({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));

  it('accepts a token signed by the provider', async () => {
    await expect(verifier()(await rs256(signingKey))).resolves.toMatchObject({ sub: 'awa', role: 'case_officer' });
  });

  it('refuses a token signed by another key, or naming an unknown key', async () => {
    const verify = verifier();
    expect(await status(verify(await rs256(otherKey)))).toBe(401);
    expect(await status(verify(await rs256(signingKey, 'idp-unknown')))).toBe(401);
  });

  it('refuses an HS256 token even when signed with the development secret (no algorithm confusion)', async () => {
    const config = loadConfig({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    expect(config.AUTH_SECRET).toBeUndefined();
    expect(await status(verifier()(await hs256(officerClaims, { secret: 'sira-development-secret-change-me-0123456789' })))).toBe(401);
  });

  it('refuses an expired provider token and one without a role', async () => {
    const expired = await new SignJWT(officerClaims)
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setSubject('awa')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now() - 3600)
      .sign(signingKey);
    expect(await status(verifier()(expired))).toBe(401);
    expect(await status(verifier()(await rs256(signingKey, 'idp-1', {})))).toBe(401);
  });

  it('answers 503 rather than 401 or 200 when the provider cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const verify = createTokenVerifier(loadConfig({ AUTH_JWKS_URL: `http://127.0.0.1:${port}/certs`, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));
    expect(await status(verify(await rs256(signingKey)))).toBe(503);
  });
});

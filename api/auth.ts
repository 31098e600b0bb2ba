import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Config } from '../platform/config';
import { CENTRE_CODES, type Role, ROLES } from '../domain/reference';
import { problem } from './problem';

/** Who is calling, from a verified token. */
export interface Caller {
  sub: string;
  role: Role;
  centres: string[];
}

const ClaimsSchema = z
  .object({
    sub: z.string().min(1),
    role: z.enum(ROLES),
    centres: z.array(z.enum(CENTRE_CODES)).default([]),
  })
  .refine((c) => !['case_officer', 'supervisor'].includes(c.role) || c.centres.length > 0, {
    message: 'case officers and supervisors need at least one centre',
    path: ['centres'],
  });

/** How far apart the identity provider's clock and ours may be; beyond this a token is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 30;

export type VerifyToken = (token: string) => Promise<Caller>;

/**
 * HS256 with AUTH_SECRET, or an identity provider's keys through AUTH_JWKS_URL (RS256/ES256 only,
 * so a token signed with the shared secret is never accepted in place of the provider's). `exp` is
 * required, `nbf` and `iat` are honoured within the bounded skew, issuer and audience when configured.
 * Every refusal is a 401 problem that says why without echoing the token.
 */
export function createTokenVerifier(config: Config): VerifyToken {
  const options = {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    clockTolerance: MAX_CLOCK_SKEW_SECONDS,
    requiredClaims: ['exp', 'sub'],
  };
  const verify: (token: string) => Promise<JWTPayload> = config.AUTH_JWKS_URL
    ? (() => {
        const jwks = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), { timeoutDuration: 5000, cooldownDuration: 30_000 });
        return async (token: string) => (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
      })()
    : (() => {
        if (!config.AUTH_SECRET) throw new Error('AUTH_SECRET or AUTH_JWKS_URL is needed to verify tokens');
        const key = new TextEncoder().encode(config.AUTH_SECRET);
        return async (token: string) => (await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload;
      })();

  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
        // The identity provider did not answer: not the caller's fault, and not a reason to let them in.
        throw problem(503, 'the identity provider could not be reached to check the token; retry later');
      }
      const reason =
        error instanceof joseErrors.JWTExpired
          ? 'the token has expired'
          : error instanceof joseErrors.JWTClaimValidationFailed
            ? `the token's ${error.claim} claim is not accepted`
            : 'the token is not valid';
      throw problem(401, reason);
    }
    // jose checks `iat` only against a maximum age; a token issued in the future is refused here.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + MAX_CLOCK_SKEW_SECONDS) {
      throw problem(401, "the token's iat claim is not accepted");
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw problem(401, `the token's claims are not valid: ${claims.error.issues[0].path.join('.')}`);
    return claims.data;
  };
}

export async function signToken(
  config: Config,
  claims: { sub: string; role: Role; centres?: string[] },
  expiresIn: string = '12h',
): Promise<string> {
  if (!config.AUTH_SECRET) throw new Error('AUTH_SECRET is needed to sign tokens');
  let jwt = new SignJWT({ role: claims.role, centres: claims.centres ?? [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (config.AUTH_ISSUER) jwt = jwt.setIssuer(config.AUTH_ISSUER);
  if (config.AUTH_AUDIENCE) jwt = jwt.setAudience(config.AUTH_AUDIENCE);
  return jwt.sign(new TextEncoder().encode(config.AUTH_SECRET));
}

/** Managers and admins see every centre; officers and supervisors only their own. */
export function seesAllCentres(caller: Caller): boolean {
  return caller.role === 'manager' || caller.role === 'admin' || caller.role === 'movement_officer';
}

export function inCentreScope(caller: Caller, centreCode: string): boolean {
  return seesAllCentres(caller) || caller.centres.includes(centreCode);
}

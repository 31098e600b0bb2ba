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

const MAX_CLOCK_SKEW_SECONDS = 30;

export type VerifyToken = (token: string) => Promise<Caller>;

/** HS256 with AUTH_SECRET, or an identity provider's keys through AUTH_JWKS_URL. */
export function createTokenVerifier(config: Config): VerifyToken {
  const options = {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    clockTolerance: MAX_CLOCK_SKEW_SECONDS,
    requiredClaims: ['exp', 'sub'],
  };
  const verify: (token: string) => Promise<JWTPayload> = config.AUTH_JWKS_URL
    ? (() => {
        const jwks = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL));
        return async (token: string) => (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
      })()
    : (() => {
        const key = new TextEncoder().encode(config.AUTH_SECRET);
        return async (token: string) => (await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload;
      })();

  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      const reason =
        error instanceof joseErrors.JWTExpired
          ? 'the token has expired'
          : error instanceof joseErrors.JWTClaimValidationFailed
            ? `the token's ${error.claim} claim is not accepted`
            : 'the token is not valid';
      throw problem(401, reason);
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

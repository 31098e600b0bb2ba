import { createHmac } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { type Role, ROLES } from '../domain/reference';

/**
 * A manager's personal codec endpoint for a Temporal UI without sign-in (the dev server's): the
 * address `<PUBLIC_URL>/codec/u/<token>` is pasted into the UI's data-encoder setting, and the UI
 * posts to `…/decode` under it. The token is a short-lived JWT (HS256) naming who decodes, signed
 * with its own key derived from AUTH_SECRET: a bearer token never opens a codec link, and a codec
 * link is never a bearer token.
 */
const AUDIENCE = 'sira-codec-link';

export interface CodecLinkHolder {
  sub: string;
  role: Role;
}

export class CodecLinkRefused extends Error {
  constructor(readonly reason: 'expired' | 'invalid' | 'unavailable') {
    super(
      reason === 'expired'
        ? 'the codec link has expired: print a new one with npm run token -- --codec'
        : reason === 'unavailable'
          ? 'personal codec links need AUTH_SECRET; sign in to the UI and pass its access token instead'
          : 'the codec link is not valid',
    );
    this.name = 'CodecLinkRefused';
  }
}

function key(authSecret: string | undefined): Uint8Array {
  if (!authSecret) throw new CodecLinkRefused('unavailable');
  return new Uint8Array(createHmac('sha256', authSecret).update('sira codec links').digest());
}

export async function signCodecLinkToken(authSecret: string | undefined, holder: CodecLinkHolder, ttlMs: number): Promise<string> {
  return new SignJWT({ role: holder.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(holder.sub)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor((Date.now() + ttlMs) / 1000))
    .sign(key(authSecret));
}

/** Who holds the link, when the token is genuine and unexpired; CodecLinkRefused otherwise. */
export async function verifyCodecLinkToken(authSecret: string | undefined, token: string): Promise<CodecLinkHolder & { expiresAt: Date }> {
  const secret = key(authSecret);
  try {
    const { payload } = await jwtVerify(token, secret, { audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
    if (!(ROLES as readonly unknown[]).includes(payload.role)) throw new CodecLinkRefused('invalid');
    return { sub: payload.sub!, role: payload.role as Role, expiresAt: new Date(payload.exp! * 1000) };
  } catch (error) {
    if (error instanceof CodecLinkRefused) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new CodecLinkRefused('expired');
    throw new CodecLinkRefused('invalid');
  }
}

/** The address to paste into the UI's data-encoder setting (the UI appends /decode). */
export function codecLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/codec/u/${token}`;
}

/** The same URL with the token hidden, for logs: `/codec/u/<redacted>/decode`. */
export function redactCodecLink(url: string): string {
  return url.replace(/(\/codec\/u\/)[^/?#]+/g, '$1[redacted]');
}

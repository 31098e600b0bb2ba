import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/**
 * The embassy liaison's signed link: a JWT (HS256) naming one request and one round of it, with an
 * expiry. It opens that request's page and nothing else; no account is involved.
 */
const AUDIENCE = 'sira-liaison';

export interface LiaisonGrant {
  requestId: string;
  round: number;
  expiresAt: Date;
}

export class LiaisonLinkRefused extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'the link has expired' : 'the link is not valid');
    this.name = 'LiaisonLinkRefused';
  }
}

function key(secret: string | undefined): Uint8Array {
  if (!secret) throw new Error('LIAISON_LINK_SECRET (or AUTH_SECRET) is needed to sign and check liaison links');
  return new TextEncoder().encode(secret);
}

export async function signLiaisonToken(secret: string | undefined, grant: LiaisonGrant): Promise<string> {
  return new SignJWT({ round: grant.round })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(grant.requestId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(grant.expiresAt.getTime() / 1000))
    .sign(key(secret));
}

/** The grant, when the token is genuine, unexpired and for this very request; LiaisonLinkRefused otherwise. */
export async function verifyLiaisonToken(secret: string | undefined, token: string, requestId: string): Promise<LiaisonGrant> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
    if (payload.sub !== requestId || typeof payload.round !== 'number') throw new LiaisonLinkRefused('invalid');
    return { requestId, round: payload.round, expiresAt: new Date(payload.exp! * 1000) };
  } catch (error) {
    if (error instanceof LiaisonLinkRefused) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new LiaisonLinkRefused('expired');
    throw new LiaisonLinkRefused('invalid');
  }
}

export function liaisonUrl(publicUrl: string, requestId: string, token: string): string {
  return `${publicUrl}/liaison/requests/${encodeURIComponent(requestId)}?token=${encodeURIComponent(token)}`;
}

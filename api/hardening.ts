import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { createHash } from 'node:crypto';
import type { Config } from '../platform/config';
import { problem } from './problem';

const MINUTE_MS = 60_000;

/** Security headers on every answer (the liaison HTML page included: no inline scripts, forms post to self). */
export const securityHeaders = (): RequestHandler => helmet();

const clientAddress = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

const tooManyRequests: RequestHandler = (_req, _res, next) => next(problem(429, 'too many requests; wait a minute and retry'));

/**
 * Per bearer token on /v1 (a hash of it, so the token itself is never kept), per client address for
 * requests without one. Counted in process memory: behind several API instances, give it a shared
 * store (express-rate-limit stores for Redis or Postgres) so the limit holds across them.
 */
export function apiRateLimit(config: Pick<Config, 'RATE_LIMIT_API_PER_MINUTE'>): RequestHandler {
  return rateLimit({
    windowMs: MINUTE_MS,
    limit: config.RATE_LIMIT_API_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      return match ? `token:${createHash('sha256').update(match[1]).digest('base64url')}` : `ip:${clientAddress(req)}`;
    },
    handler: tooManyRequests,
  });
}

/** Per client address on the liaison links, which carry no account: mount before the /liaison router. */
export function liaisonRateLimit(config: Pick<Config, 'RATE_LIMIT_LIAISON_PER_MINUTE'>): RequestHandler {
  return rateLimit({
    windowMs: MINUTE_MS,
    limit: config.RATE_LIMIT_LIAISON_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `ip:${clientAddress(req)}`,
    handler: tooManyRequests,
  });
}

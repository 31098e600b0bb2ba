import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, type Options, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { createHash } from 'node:crypto';
import type { ApiDeps } from './deps';
import { problem } from './problem';
import { PostgresRateLimitStore } from './rate-limit-store';

const MINUTE_MS = 60_000;

/** Security headers on every answer (the liaison HTML page included: no inline scripts, forms post to self). */
export const securityHeaders = (): RequestHandler => helmet();

const clientAddress = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

const tooManyRequests: RequestHandler = (_req, _res, next) => next(problem(429, 'too many requests; wait a minute and retry'));

type RateLimitDeps = Pick<ApiDeps, 'config' | 'db' | 'logger'>;

/**
 * Counted in Postgres, so the limit holds across every API instance. When Postgres cannot count,
 * the request goes on uncounted: it then meets the same outage in its route (503), and routes that
 * need no database keep working.
 */
function sharedLimit(deps: RateLimitDeps, name: string, options: Pick<Options, 'limit' | 'keyGenerator'>): RequestHandler {
  return rateLimit({
    windowMs: MINUTE_MS,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooManyRequests,
    store: new PostgresRateLimitStore(deps.db, name),
    passOnStoreError: true,
    logger: {
      error: (err, message) => deps.logger.warn({ err }, message ?? 'rate limit not counted'),
      warn: (err, message) => deps.logger.warn({ err }, message ?? 'rate limit'),
    },
    ...options,
  });
}

/**
 * Per bearer token (a hash of it, so the token itself is never kept), per client address for
 * requests without one. `name` keeps the counts of each mount apart (/v1, /codec).
 */
export function apiRateLimit(deps: RateLimitDeps, name: string): RequestHandler {
  return sharedLimit(deps, name, {
    limit: deps.config.RATE_LIMIT_API_PER_MINUTE,
    keyGenerator: (req) => {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      return match ? `token:${createHash('sha256').update(match[1]).digest('base64url')}` : `ip:${clientAddress(req)}`;
    },
  });
}

/** Per client address on the liaison links, which carry no account: mount before the /liaison router. */
export function liaisonRateLimit(deps: RateLimitDeps): RequestHandler {
  return sharedLimit(deps, 'liaison', {
    limit: deps.config.RATE_LIMIT_LIAISON_PER_MINUTE,
    keyGenerator: (req) => `ip:${clientAddress(req)}`,
  });
}

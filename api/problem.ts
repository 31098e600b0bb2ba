import type { ErrorRequestHandler, Request } from 'express';
import type { ZodError } from 'zod';
import type { Logger } from '../platform/logger';
import { isUnavailable, RETRY_AFTER_SECONDS } from './unavailable';

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem: thrown anywhere in a route, answered as application/problem+json. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> & { errors?: FieldError[] } = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export const problem = (status: number, detail?: string, extra?: HttpProblem['extra']) =>
  new HttpProblem(status, TITLES[status] ?? 'Error', detail, extra);

export function fieldErrors(error: ZodError, prefix: string[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)].join('.') || '(root)',
    message: issue.message,
  }));
}

export function validationProblem(error: ZodError, where: 'body' | 'query' | 'params'): HttpProblem {
  const errors = fieldErrors(error, where === 'body' ? [] : [where]);
  return problem(where === 'body' ? 422 : 400, `Invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
    errors,
  });
}

/** Strings that cannot be stored (NUL, lone surrogates) are refused like any other invalid field. */
export function unstorableProblem(errors: FieldError[], where: 'body' | 'query' | 'params'): HttpProblem {
  return problem(where === 'body' ? 422 : 400, `Invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
}

/** What body-parser, the router and http-errors put on the errors they raise. */
interface ParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  limit?: number;
  message?: string;
}

/**
 * The problem a known error is answered with: one a route threw, a request the parsers could not
 * read (4xx), or Temporal or PostgreSQL out of reach (503). Undefined for a fault of ours.
 */
export function knownProblem(error: unknown, req: Request): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  const e = (error ?? {}) as ParserError;
  switch (e.type) {
    case 'entity.parse.failed':
      return problem(400, 'The body is not valid JSON');
    case 'entity.too.large':
      return problem(413, `The body is larger than ${e.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, e.message);
  }
  // body-parser, the router and http-errors mark what the client got wrong with a 4xx status.
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (error instanceof URIError) return problem(400, 'The path is not valid percent-encoding');
    // Only a decompression stream fails untyped: the body is not what Content-Encoding announces.
    const encoding = req.headers['content-encoding'];
    if (e.type === undefined && encoding) return problem(400, `The body is not valid ${encoding} data`);
    return problem(status, e.expose ? e.message : undefined);
  }
  if (isUnavailable(error)) return problem(503, 'Temporal or PostgreSQL did not answer in time; retry later');
  return undefined;
}

/** The last middleware: every error becomes a problem body; no stack trace ever leaves the server. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let p = knownProblem(error, req);
    if (!p) {
      logger.error({ err: error, reqId: req.id }, 'unhandled error');
      p = problem(500, 'Something went wrong on our side; the request id identifies it in the logs');
    } else if (p.status === 503) {
      logger.warn({ err: error, reqId: req.id }, 'dependency unavailable');
    }
    // Unavailable: come back in a few seconds; a request still running under the same Idempotency-Key: likewise.
    const retryAfter = p.status === 503 ? RETRY_AFTER_SECONDS : (p.extra.retryAfterSeconds as number | undefined);
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res
      .status(p.status)
      .type('application/problem+json')
      .json({
        type: `https://sira.dev/problems/${p.title.toLowerCase().replace(/ /g, '-')}`,
        title: p.title,
        status: p.status,
        detail: p.detail ?? p.title,
        instance: req.originalUrl,
        requestId: req.id,
        ...p.extra,
      });
  };
}

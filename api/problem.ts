import type { ErrorRequestHandler } from 'express';
import type { ZodError } from 'zod';
import type { Logger } from '../platform/logger';

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

/** The last middleware: every error becomes a problem body; no stack trace ever leaves the server. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let p: HttpProblem;
    if (error instanceof HttpProblem) p = error;
    else if (error?.type === 'entity.parse.failed') p = problem(400, 'The body is not valid JSON');
    else if (error?.type === 'entity.too.large') p = problem(413, `The body is larger than ${error.limit} bytes`);
    else if (error?.type === 'encoding.unsupported' || error?.type === 'charset.unsupported') p = problem(415, error.message);
    else {
      logger.error({ err: error, reqId: req.id }, 'unhandled error');
      p = problem(500, 'Something went wrong on our side; the request id identifies it in the logs');
    }
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

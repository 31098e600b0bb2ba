import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Role } from '../domain/reference';
import type { Caller } from './auth';
import type { ApiDeps } from './deps';
import { problem, validationProblem } from './problem';

/** What a route handler receives: validated input, the caller and the app's dependencies. */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
  deps: ApiDeps;
  req: Request;
  res: Response;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * One row of the route table: the OpenAPI document, the role check and the authorisation matrix
 * test are all generated from these rows, so a route cannot exist without them.
 */
export interface RouteSpec<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed to call; everyone else gets 403. */
  roles: readonly Role[];
  /** `case` when the route takes a :caseId checked against the caller's centres (404 outside scope). */
  scope?: 'case';
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, { description: string; schema?: Schema }>;
  handler(ctx: RouteContext<Infer<P>, Infer<Q>, Infer<B>>): Promise<RouteResult>;
}

export function route<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

export function toExpressHandler(spec: RouteSpec, deps: ApiDeps): RequestHandler {
  return async (req, res) => {
    const caller = req.caller;
    if (!caller) throw problem(401, 'a bearer token is required');
    if (!spec.roles.includes(caller.role)) {
      throw problem(403, `the ${caller.role} role may not ${spec.summary.toLowerCase()}`);
    }
    const parse = <S extends Schema | undefined>(schema: S, value: unknown, where: 'params' | 'query' | 'body') => {
      if (!schema) return undefined;
      const result = schema.safeParse(value ?? {});
      if (!result.success) throw validationProblem(result.error, where);
      return result.data;
    };
    const params = parse(spec.params, req.params, 'params');
    const query = parse(spec.query, req.query, 'query');
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (spec.body && hasBody && !req.is('application/json')) {
      throw problem(415, 'send the body as application/json');
    }
    const body = parse(spec.body, req.body, 'body');
    const result = await spec.handler({ params, query, body, caller, deps, req, res } as RouteContext<unknown, unknown, unknown>);
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    if (result.body === undefined) res.status(result.status).end();
    else res.status(result.status).json(result.body);
  };
}

/** `/v1/cases/:caseId` → `/v1/cases/{caseId}` for OpenAPI. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Role } from '../domain/reference';
import { type AuditTarget, auditTarget, recordAccess, statusOf } from './audit';
import type { Caller } from './auth';
import { type Scoped, SCOPES, type ScopeName } from './scopes';
import type { ApiDeps } from './deps';
import { type Idempotency, IDEMPOTENT_METHODS, type Operation } from './idempotency';
import { findUnstorable } from '../platform/storable';
import { problem, unstorableProblem, validationProblem } from './problem';

/** What a route handler receives: validated input, the caller and the app's dependencies. */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
  deps: ApiDeps;
  /** This command's id: the Update ID and new object id, stable across retries with one Idempotency-Key. */
  operation: Operation;
  /** The object the route's scope resolved (the case, the request), read once for the whole request. */
  scoped?: Scoped;
  req: Request;
  res: Response;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  /** A body that is not JSON (a CSV file, a printable page), sent as it is. */
  document?: { contentType: string; text: string };
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
  /** The object the route's path names, checked against the caller's centres (404 outside scope). */
  scope?: ScopeName;
  /**
   * Which personal data the route reads or writes, for the audit log. Routes under /v1/cases,
   * /v1/flights and /v1/travel-documents (and every `scope: 'case'` route) are audited by default;
   * `false` opts a route out, an object names what it touches.
   */
  audit?: AuditTarget | false;
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

/** `once`: the app's idempotency store (api/idempotency.ts), shared by all its routes. */
export function toExpressHandler(spec: RouteSpec, deps: ApiDeps, once: Idempotency): RequestHandler {
  const target = auditTarget(spec);
  const run = async (req: Request, res: Response, caller: Caller | undefined): Promise<RouteResult> => {
    if (!caller) throw problem(401, 'a bearer token is required');
    if (!spec.roles.includes(caller.role)) {
      throw problem(403, `the ${caller.role} role may not ${spec.summary.toLowerCase()}`);
    }
    const parse = <S extends Schema | undefined>(schema: S, value: unknown, where: 'params' | 'query' | 'body') => {
      if (!schema) return undefined;
      const unstorable = findUnstorable(value, where === 'body' ? [] : [where]);
      if (unstorable.length) throw unstorableProblem(unstorable, where);
      const result = schema.safeParse(value ?? {});
      if (!result.success) throw validationProblem(result.error, where);
      return result.data;
    };
    const params = parse(spec.params, req.params, 'params');
    // Scope before content: outside the caller's centres the answer is 404 whatever the body says.
    let scoped: Scoped | undefined;
    if (spec.scope) {
      const { param, check } = SCOPES[spec.scope];
      scoped = await check(deps, caller, String((params as Record<string, unknown> | undefined)?.[param] ?? req.params[param]));
    }
    const query = parse(spec.query, req.query, 'query');
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (spec.body && hasBody && !req.is('application/json')) {
      throw problem(415, 'send the body as application/json');
    }
    const body = parse(spec.body, req.body, 'body');
    const handle = (operation: Operation) =>
      spec.handler({ params, query, body, caller, deps, operation, scoped, req, res } as RouteContext<unknown, unknown, unknown>);
    // Commands run once per Idempotency-Key; reads need no key.
    return IDEMPOTENT_METHODS.includes(spec.method) ? once(req, caller, `${spec.method.toUpperCase()} ${spec.path}`, handle) : handle({ id: randomUUID() });
  };

  return async (req, res) => {
    const caller = req.caller;
    let result: RouteResult;
    try {
      result = await run(req, res, caller);
    } catch (error) {
      if (target) {
        // A refused or failed attempt is audited too; the audit write failing must not hide the answer.
        await recordAccess(deps, req, spec, target, statusOf(error, req), { caller }).catch((auditError) =>
          req.log?.error({ err: auditError }, 'audit row not written'),
        );
      }
      throw error;
    }
    if (target) {
      try {
        await recordAccess(deps, req, spec, target, result.status, { caller, body: result.body });
      } catch (auditError) {
        // No personal data leaves without its audit row; a write already happened, so it is answered.
        req.log?.error({ err: auditError }, 'audit row not written');
        if (spec.method === 'get') throw problem(503, 'the access could not be recorded; retry later');
      }
    }
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    if (result.document) res.status(result.status).type(result.document.contentType).send(result.document.text);
    else if (result.body === undefined) res.status(result.status).end();
    else res.status(result.status).json(result.body);
  };
}

/** `/v1/cases/:caseId` → `/v1/cases/{caseId}` for OpenAPI. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

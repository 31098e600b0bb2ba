import type { Request } from 'express';
import { storableCopy } from '../platform/storable';
import { appendAuditEntry, type AuditOutcome } from '../db/queries/audit';
import type { Caller } from './auth';
import type { ApiDeps } from './deps';
import { knownProblem } from './problem';
import type { RouteSpec } from './route';

/** What an audited route reads or writes: the object type, and where its id is found. */
export interface AuditTarget {
  object: string;
  /** The path parameter (or, on creation, the response body field) holding the object's id. */
  idParam?: string;
}

/**
 * Personal data lives behind these path prefixes; a route under one of them is audited unless its
 * spec says `audit: false`, so a new route (flights, travel documents) is audited without opting in.
 */
const PERSONAL_DATA_PREFIXES: Record<string, AuditTarget> = {
  '/v1/cases': { object: 'case', idParam: 'caseId' },
  '/v1/flights': { object: 'flight', idParam: 'flightId' },
  '/v1/travel-documents': { object: 'travel_document', idParam: 'requestId' },
};

export function auditTarget(spec: Pick<RouteSpec, 'path' | 'scope' | 'audit'>): AuditTarget | null {
  if (spec.audit === false) return null;
  if (spec.audit) return spec.audit;
  if (spec.scope === 'case') return PERSONAL_DATA_PREFIXES['/v1/cases'];
  for (const [prefix, target] of Object.entries(PERSONAL_DATA_PREFIXES)) {
    if (spec.path === prefix || spec.path.startsWith(`${prefix}/`)) return target;
  }
  return null;
}

/** 401 and 403 are denials; so is a 404 for an object id, since out of scope looks like absent. */
export function auditOutcome(status: number, target: AuditTarget, params: Record<string, unknown>): AuditOutcome {
  if (status < 400) return 'succeeded';
  if (status === 401 || status === 403) return 'denied';
  if (status === 404 && target.idParam && params[target.idParam] !== undefined) return 'denied';
  return status >= 500 ? 'failed' : 'rejected';
}

/** The status the client is answered with for an error, so the audit row and the answer agree (503, not 500). */
export const statusOf = (error: unknown, req: Request) => knownProblem(error, req)?.status ?? 500;

const MAX_TEXT = 200;
/** Audit text is clipped, and made storable: a refused NUL or lone surrogate is still audited. */
const clip = (value: unknown) => (typeof value === 'string' && value.length > 0 ? storableCopy(value.slice(0, MAX_TEXT)) : null);

/** Writes one audit row for a request on an audited route; `body` is the answer, for ids minted on creation. */
export async function recordAccess(
  deps: ApiDeps,
  req: Request,
  spec: Pick<RouteSpec, 'method' | 'path' | 'summary'>,
  target: AuditTarget,
  status: number,
  context: { caller?: Caller; params?: Record<string, unknown>; body?: unknown; objectId?: string; payloadCount?: number } = {},
): Promise<void> {
  const params = context.params ?? (req.params as Record<string, unknown>) ?? {};
  const fromBody =
    target.idParam && context.body && typeof context.body === 'object' ? (context.body as Record<string, unknown>)[target.idParam] : undefined;
  await appendAuditEntry(deps.db, {
    actorSub: clip(context.caller?.sub),
    actorRole: clip(context.caller?.role),
    action: spec.summary,
    route: `${spec.method.toUpperCase()} ${spec.path}`,
    objectType: target.object,
    objectId: clip(target.idParam ? (params[target.idParam] ?? fromBody) : context.objectId),
    requestId: clip(String(req.id ?? '')),
    clientIp: clip(req.ip),
    outcome: auditOutcome(status, target, params),
    httpStatus: status,
    payloadCount: context.payloadCount,
  });
}

/** `/v1/cases/:caseId/plan` → a matcher giving `{ caseId }` for `/v1/cases/123/plan`. */
function compile(path: string): (url: string) => Record<string, string> | null {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${source}/?$`, 'i');
  return (url) => {
    const m = regex.exec(url);
    if (!m) return null;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m[i + 1]);
      } catch {
        params[name] = m[i + 1];
      }
    });
    return params;
  };
}

/**
 * Audits a request refused before it reached its route (no token, bad token): the route table tells
 * which audited route it was aimed at, in the table's order, as Express would have matched it.
 */
export function authFailureAuditor(routes: RouteSpec[], deps: ApiDeps) {
  const table = routes.map((spec) => ({ spec, target: auditTarget(spec), match: compile(spec.path) }));
  return async (req: Request, status: number): Promise<void> => {
    const path = req.originalUrl.split('?')[0];
    const method = req.method.toLowerCase();
    for (const { spec, target, match } of table) {
      if (spec.method !== method) continue;
      const params = match(path);
      if (!params) continue;
      if (target) await recordAccess(deps, req, spec, target, status, { params });
      return;
    }
  };
}

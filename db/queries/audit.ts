import type { Db } from '../index';
import { page, type PageRequest } from './page';

export type AuditOutcome = 'succeeded' | 'denied' | 'rejected' | 'failed';

export interface AuditEntry {
  actorSub: string | null;
  actorRole: string | null;
  action: string;
  route: string;
  objectType: string;
  objectId: string | null;
  requestId: string | null;
  clientIp: string | null;
  outcome: AuditOutcome;
  httpStatus: number;
  /** Codec calls only: how many payloads were decoded or encoded (never their content). */
  payloadCount?: number | null;
}

export async function appendAuditEntry(db: Db, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    actor_sub: entry.actorSub,
    actor_role: entry.actorRole,
    action: entry.action,
    route: entry.route,
    object_type: entry.objectType,
    object_id: entry.objectId,
    request_id: entry.requestId,
    client_ip: entry.clientIp,
    outcome: entry.outcome,
    http_status: entry.httpStatus,
    ...(entry.payloadCount == null ? {} : { payload_count: entry.payloadCount }),
  });
}

interface AuditRow {
  id: string | number;
  at: Date;
  actor_sub: string | null;
  actor_role: string | null;
  action: string;
  route: string;
  outcome: AuditOutcome;
  http_status: number;
  request_id: string | null;
  client_ip: string | null;
}

/** One object's trail, newest first. */
export async function listAuditEntries(db: Db, objectType: string, objectId: string, at: PageRequest) {
  const filtered = db('audit_log').where({ object_type: objectType, object_id: objectId });
  const { rows, total } = await page<AuditRow>(filtered, at, (q) => q.orderBy('id', 'desc'));
  return {
    total,
    items: rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actorSub: r.actor_sub,
      actorRole: r.actor_role,
      action: r.action,
      route: r.route,
      outcome: r.outcome,
      httpStatus: r.http_status,
      requestId: r.request_id,
      clientIp: r.client_ip,
    })),
  };
}

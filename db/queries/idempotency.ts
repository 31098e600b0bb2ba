import type { Db } from '..';

export interface IdempotencyKey {
  callerSub: string;
  key: string;
}

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'answered'; answer: StoredAnswer; fingerprint: string }
  | { kind: 'in_progress'; fingerprint: string };

/**
 * Claims a key for a request about to run. A key never seen, or whose answer has expired, is
 * claimed; one whose request died without answering (its claim older than `abandonedMs`) is taken
 * over; otherwise the first request's answer or progress comes back.
 */
export async function claimIdempotencyKey(
  db: Db,
  id: IdempotencyKey,
  request: { fingerprint: string; route: string },
  times: { ttlMs: number; abandonedMs: number },
): Promise<Claim> {
  const claimed = await db.raw(
    `insert into idempotent_requests (caller_sub, idem_key, fingerprint, route)
     values (?, ?, ?, ?)
     on conflict (caller_sub, idem_key) do update
       set fingerprint = excluded.fingerprint, route = excluded.route, created_at = now(),
           completed_at = null, response_status = null, response_headers = null, response_body = null
       where idempotent_requests.created_at < now() - make_interval(secs => ?)
          or (idempotent_requests.completed_at is null
              and idempotent_requests.fingerprint = excluded.fingerprint
              and idempotent_requests.created_at < now() - make_interval(secs => ?))
     returning 1`,
    [id.callerSub, id.key, request.fingerprint, request.route, seconds(times.ttlMs), seconds(times.abandonedMs)],
  );
  if (claimed.rows.length > 0) return { kind: 'claimed' };
  const row = await db('idempotent_requests')
    .where({ caller_sub: id.callerSub, idem_key: id.key })
    .first('fingerprint', 'completed_at', 'response_status', 'response_headers', 'response_body');
  // Released between the two statements: the caller may simply try again.
  if (!row) return claimIdempotencyKey(db, id, request, times);
  if (!row.completed_at) return { kind: 'in_progress', fingerprint: row.fingerprint };
  return {
    kind: 'answered',
    fingerprint: row.fingerprint,
    answer: { status: row.response_status, headers: row.response_headers ?? {}, body: row.response_body ?? undefined },
  };
}

const seconds = (ms: number) => ms / 1000;

/** Keeps the answer for the key's retries. */
export async function completeIdempotencyKey(db: Db, id: IdempotencyKey, answer: StoredAnswer): Promise<void> {
  await db('idempotent_requests')
    .where({ caller_sub: id.callerSub, idem_key: id.key })
    .whereNull('completed_at')
    .update({
      completed_at: db.fn.now(),
      response_status: answer.status,
      response_headers: JSON.stringify(answer.headers),
      response_body: answer.body === undefined ? null : JSON.stringify(answer.body),
    });
}

/** Gives the key back when the request ended without a final answer (503, 500): a retry runs it again. */
export async function releaseIdempotencyKey(db: Db, id: IdempotencyKey): Promise<void> {
  await db('idempotent_requests').where({ caller_sub: id.callerSub, idem_key: id.key }).whereNull('completed_at').delete();
}

/** Forgets answers older than the retention period. */
export async function purgeIdempotencyKeys(db: Db, ttlMs: number): Promise<number> {
  return db('idempotent_requests')
    .where('created_at', '<', db.raw('now() - make_interval(secs => ?)', [ttlMs / 1000]))
    .delete();
}

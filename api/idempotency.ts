import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type IdempotencyKey,
  purgeIdempotencyKeys,
  releaseIdempotencyKey,
  type StoredAnswer,
} from '../db/queries/idempotency';
import { nameBasedUuid } from '../platform/name-based-uuid';
import type { Caller } from './auth';
import type { ApiDeps } from './deps';
import { HttpProblem, problem } from './problem';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** Methods whose effect a retry could double; GET is safe by itself. */
export const IDEMPOTENT_METHODS: readonly string[] = ['post', 'put', 'delete'];

// A fixed namespace for the operation ids derived from callers' keys.
const OPERATION_NAMESPACE = '5b0c1c52-8f5e-4a57-9d63-2b8f3f4e7a10';
/** A claim older than this belongs to a request that died (every route answers within ~35 s). */
const ABANDONED_MS = 120_000;
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The key of the IETF `Idempotency-Key` header (a structured-field string, quotes optional):
 * 1–255 visible ASCII characters, such as a UUID the client made for this one intent.
 */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
  if (raw === undefined) return undefined;
  const value = (Array.isArray(raw) ? raw.join(',') : raw).trim().replace(/^"(.*)"$/, '$1');
  if (!/^[\x21-\x7e]{1,255}$/.test(value) || value.includes('"')) {
    throw problem(400, `the ${IDEMPOTENCY_HEADER} header must be 1–255 visible ASCII characters, such as a UUID`, {
      errors: [{ path: `headers.${IDEMPOTENCY_HEADER}`, message: 'must be 1–255 visible ASCII characters' }],
    });
  }
  return value;
}

/** The request a key stands for: the same key sent with another method, path or body is refused. */
function fingerprintOf(req: Request): string {
  return createHash('sha256')
    .update(`${req.method} ${req.originalUrl.split('?')[0]}\n`)
    .update(JSON.stringify(req.body ?? null))
    .digest('base64url');
}

export interface Operation {
  /**
   * The id of this intent: derived from the caller's Idempotency-Key (random without one). Routes
   * use it as the Workflow Update ID, so Temporal itself applies a retried step once, and as the id
   * of an object the request creates, so a retry finds the same object.
   */
  id: string;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Runs a command at most once per caller and Idempotency-Key: the first request's answer (a success
 * or a refusal) is kept and given back to every retry with the same body, marked `Idempotent-Replayed`;
 * an answer that is not final (503, 500) releases the key so a retry runs the command again, with
 * the same operation id, which Temporal deduplicates.
 */
export function idempotency(deps: ApiDeps) {
  let lastPurge = 0;
  const times = { ttlMs: deps.config.IDEMPOTENCY_KEY_TTL, abandonedMs: ABANDONED_MS };

  return async function once<R extends Answer>(req: Request, caller: Caller, route: string, run: (op: Operation) => Promise<R>): Promise<R> {
    const key = idempotencyKeyOf(req);
    if (key === undefined) return run({ id: randomUUID() });
    const id: IdempotencyKey = { callerSub: caller.sub, key };
    const fingerprint = fingerprintOf(req);
    if (Date.now() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = Date.now();
      purgeIdempotencyKeys(deps.db, times.ttlMs).catch((error) => req.log?.warn({ err: error }, 'idempotency keys not purged'));
    }
    const claim = await claimIdempotencyKey(deps.db, id, { fingerprint, route }, times);
    if (claim.kind !== 'claimed') {
      if (claim.fingerprint !== fingerprint) {
        throw problem(422, `this ${IDEMPOTENCY_HEADER} was already used with another request; use a new key for a new request`, {
          errors: [{ path: `headers.${IDEMPOTENCY_HEADER}`, message: 'already used with another method, path or body' }],
        });
      }
      if (claim.kind === 'in_progress') {
        throw problem(409, `the first request with this ${IDEMPOTENCY_HEADER} is still running; retry in a few seconds`, {
          retryAfterSeconds: 2,
        });
      }
      return replay(claim.answer) as R;
    }
    const operation = { id: nameBasedUuid(OPERATION_NAMESPACE, `${caller.sub}\n${key}`) };
    let answer: R;
    try {
      answer = await run(operation);
    } catch (error) {
      if (error instanceof HttpProblem && error.status < 500) {
        await completeIdempotencyKey(deps.db, id, storedProblem(error));
      } else {
        await releaseIdempotencyKey(deps.db, id).catch((releaseError) => req.log?.warn({ err: releaseError }, 'idempotency key not released'));
      }
      throw error;
    }
    await completeIdempotencyKey(deps.db, id, { status: answer.status, headers: answer.headers ?? {}, body: answer.body });
    return answer;
  };
}

function storedProblem(error: HttpProblem): StoredAnswer {
  return { status: error.status, headers: {}, body: { problem: { title: error.title, detail: error.detail, extra: error.extra } } };
}

/** The first answer again: a success as it was, a refusal as the same problem. */
function replay(answer: StoredAnswer): Answer {
  const stored = answer.body as { problem?: { title: string; detail?: string; extra: HttpProblem['extra'] } } | undefined;
  if (answer.status >= 400 && stored?.problem) {
    const { title, detail, extra } = stored.problem;
    throw new HttpProblem(answer.status, title, detail, { ...extra, replayed: true });
  }
  return { status: answer.status, body: answer.body, headers: { ...answer.headers, [REPLAYED_HEADER]: 'true' } };
}

export type Idempotency = ReturnType<typeof idempotency>;

import { isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { isConnectionTimeout } from '../db';

/** How long a client is asked to wait before retrying a 503: long enough for a restart to show. */
export const RETRY_AFTER_SECONDS = 5;

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
// The server is down, restarting or out of reach, as the socket sees it.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATE: connection exception (class 08), shutting down, crashed, starting up, too many connections.
const POSTGRES_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
// node-postgres names a connection lost or never opened in its message only, without a code.
const POSTGRES_CONNECTION_LOST = /^Connection terminated/;
// Causes nest a few levels at most (ServiceError → gRPC error); the bound guards against a cycle.
const MAX_CAUSES = 8;

/**
 * True when an error means that Temporal or PostgreSQL did not answer (down, unreachable, or not in
 * time), so the request may succeed later: a 503, not a fault of Sira's. The one place that knows
 * the error shapes of both clients (db/ names the pool's own timeout, so knex stays behind it).
 */
export function isUnavailable(error: unknown): boolean {
  let current = error;
  // Duck-typed, not `instanceof Error`: socket errors may come from another realm (a test's sandbox).
  for (let depth = 0; typeof current === 'object' && current !== null && depth < MAX_CAUSES; depth += 1) {
    if (current instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isConnectionTimeout(current)) return true;
    if (isGrpcServiceError(current) && (current.code === GRPC_UNAVAILABLE || current.code === GRPC_DEADLINE_EXCEEDED)) return true;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) return true;
    if (typeof message === 'string' && POSTGRES_CONNECTION_LOST.test(message)) return true;
    current = cause;
  }
  return false;
}

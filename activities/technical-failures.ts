import type { Context } from '@temporalio/activity';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { TECHNICAL_PROBLEM, type TechnicalArea, technicalMessage, type TechnicalProblem, WHAT_TO_DO } from '../domain/technical-problem';

/**
 * An activity that keeps failing for a technical reason says so in its last failure, with what to do
 * (the texts are in domain/technical-problem.ts): the Temporal UI shows it under Pending Activities,
 * and `GET /v1/cases/stuck?kind=technical` lists it.
 */

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);

/** Where a thrown error comes from, from what each client library puts on its errors. */
export function technicalArea(error: unknown): TechnicalArea {
  const e = (error ?? {}) as { code?: unknown; command?: unknown; name?: unknown; message?: unknown; port?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  // nodemailer: ESOCKET/ECONNECTION/EAUTH/EENVELOPE/EMESSAGE, with the SMTP command that failed.
  if ((code && /^E(SOCKET|CONNECTION|AUTH|ENVELOPE|MESSAGE|TLS|DNS)$/.test(code)) || typeof e.command === 'string' || /\bSMTP\b|mail/i.test(message)) return 'smtp';
  // pg: five-character SQLSTATE codes (08 connection, 53 resources, 57 operator intervention, 28 auth); knex: pool timeouts.
  if ((code && /^(08|53|57|28|3D)[0-9A-Z]{3}$/.test(code)) || /Knex: Timeout acquiring a connection|Connection terminated|postgres/i.test(message)) return 'postgres';
  // @temporalio/client: gRPC service errors.
  if (e.name === 'ServiceError' || e.name === 'ConnectionError' || /grpc|UNAVAILABLE|DEADLINE_EXCEEDED/.test(message)) return 'temporal';
  if (code && NETWORK_CODES.has(code)) {
    // A refused connection says its port: Postgres's usual ones, else the mail server's.
    if (e.port === 5432 || e.port === 5433 || /:543\d\b/.test(message)) return 'postgres';
    if (e.port === 25 || e.port === 587 || e.port === 465 || e.port === 2525 || /:(25|587|465|2525)\b/.test(message)) return 'smtp';
    return 'unknown';
  }
  return 'unknown';
}

export function technicalProblem(error: unknown, info: { activityType: string; attempt: number; scheduledTimestampMs: number }): TechnicalProblem {
  const area = technicalArea(error);
  return {
    area,
    activityType: info.activityType,
    attempt: info.attempt,
    failingSince: new Date(info.scheduledTimestampMs).toISOString(),
    whatToDo: WHAT_TO_DO[area],
  };
}

/**
 * Outermost activity interceptor: an error that is not already a Temporal failure (a refusal, a
 * non-retryable ApplicationFailure, a cancellation) is retried as before, under a message that says
 * what to do, with the problem as the failure's details.
 */
export function technicalFailureInterceptors(ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          // Duck-typed: a socket error may come from another realm than this module's Error.
          if (error instanceof TemporalFailure || typeof (error as Error | undefined)?.message !== 'string') throw error;
          const problem = technicalProblem(error, ctx.info);
          throw ApplicationFailure.create({
            type: TECHNICAL_PROBLEM,
            message: technicalMessage(problem, (error as Error).message),
            details: [problem],
            cause: error as Error,
          });
        }
      },
    },
  };
}

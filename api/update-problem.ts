import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { INVALID_INPUT } from '../workflows/input-refusal';
import { problem } from './problem';

/** The HTTP status of each refusal code (domain/rejection.ts, and the activities' input refusal); 409 otherwise. */
const STATUS_BY_REFUSAL: Record<string, number> = {
  rule_violation: 422,
  invalid_answer: 422,
  [INVALID_INPUT]: 422,
  stale_link: 410,
};

/** How a refused Update is answered, whichever workflow refused it. */
export const refusalStatus = (type: string | null | undefined): number => STATUS_BY_REFUSAL[type ?? ''] ?? 409;

/**
 * How a refused or unanswered Workflow Update reaches the client, for every workflow type: a broken
 * rule is 422, a step that does not fit is 409, a closed workflow 409, no answer in time 503. Any
 * other error goes on to problemHandler, which answers Temporal out of reach with 503 as well.
 * `extraFromDetails` turns the failure's details into extra problem fields (e.g. who failed a check).
 */
export function updateProblem(
  error: unknown,
  subject: { noun: string; ids: Record<string, string> },
  extraFromDetails: (details: unknown) => Record<string, unknown> = () => ({}),
): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const status = refusalStatus(error.cause.type);
    const [details] = (error.cause.details ?? []) as unknown[];
    return problem(status, error.cause.message, { ...subject.ids, ...extraFromDetails(details) });
  }
  if (error instanceof WorkflowNotFoundError) return problem(409, `the ${subject.noun} is no longer open`, subject.ids);
  // The Update may have reached the workflow before the deadline: only the answer is missing.
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return problem(
      503,
      `the ${subject.noun} did not answer in time; the step may still be applied, and a retry with the same Idempotency-Key header is safe`,
      subject.ids,
    );
  }
  return error;
}

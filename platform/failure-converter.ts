import { ApplicationFailure, DefaultFailureConverter, type PayloadConverter, type ProtoFailure, type SerializationContext } from '@temporalio/common';
import { isTechnicalProblem, TECHNICAL_PROBLEM, technicalSummary } from '../domain/technical-problem';

/**
 * Failure messages and stack traces move into an encoded payload, so the codec encrypts them like any
 * other payload: an activity's error text (a database error naming a document number, say) never sits
 * readable in Temporal. One exception: a technical problem (activities/technical-failures.ts) keeps a
 * summary in the clear, what failed since when and what to do, without its cause, so the UI's Pending
 * Activities tells anyone what to do. Loaded by path, inside the workflow sandbox too: Temporal and
 * domain imports only.
 */
class SiraFailureConverter extends DefaultFailureConverter {
  override errorToFailure(err: unknown, payloadConverter: PayloadConverter, context?: SerializationContext): ProtoFailure {
    const failure = super.errorToFailure(err, payloadConverter, context);
    if (err instanceof ApplicationFailure && err.type === TECHNICAL_PROBLEM && isTechnicalProblem(err.details?.[0])) {
      failure.message = technicalSummary(err.details[0]);
    }
    return failure;
  }
}

export const failureConverter = new SiraFailureConverter({ encodeCommonAttributes: true });

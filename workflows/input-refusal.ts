import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The failure type an activity raises when its input, not the world, is at fault (activities/input-failures.ts). */
export const INVALID_INPUT = 'invalid_input';

/**
 * An activity refused a step's input (a value Postgres cannot store): the step is refused with that
 * reason, so the Update answers 422 and the workflow, unchanged, takes the next step.
 */
export function refusedInput(error: unknown): unknown {
  return inputRefusal(error) ?? error;
}

/** The refusal to answer with when an activity refused its input, or undefined for any other failure. */
export function inputRefusal(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === INVALID_INPUT) {
    return ApplicationFailure.create({ type: INVALID_INPUT, message: error.cause.message, nonRetryable: true });
  }
  return undefined;
}

import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { INVALID_INPUT } from '../workflows/input-refusal';


/**
 * Postgres errors that retrying cannot cure because the value itself cannot be stored: data
 * exceptions (class 22: bad encoding, NUL, datetime overflow, out of range) and constraint checks.
 */
function isInputError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return code.startsWith('22') || code === '23502' || code === '23514' || code === '54000';
}

/**
 * Defence in depth behind the API's input rule: an activity that fails because of its input fails
 * once, non-retryably, with a clear type, so the workflow refuses the step and stays workable
 * instead of retrying a write that can never succeed, once a minute, forever.
 */
export function inputFailureInterceptors(): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          if (!isInputError(error)) throw error;
          throw ApplicationFailure.create({
            type: INVALID_INPUT,
            // knex prefixes the statement; the client is told only Postgres's own reason.
            message: `a value could not be stored: ${error.message.split(' - ').pop()}`,
            nonRetryable: true,
          });
        }
      },
    },
  };
}

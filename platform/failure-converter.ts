import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces move into an encoded payload, so the codec encrypts them like any
 * other payload: an activity's error text (a database error naming a document number, say) never sits
 * readable in Temporal. Loaded by path, inside the workflow sandbox too: Temporal imports only.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

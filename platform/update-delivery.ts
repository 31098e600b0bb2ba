import { isGrpcServiceError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const GRPC_FAILED_PRECONDITION = 9;
const ATTEMPTS = 5;
// Causes nest a few levels at most (ServiceError → gRPC error); the bound guards against a cycle.
const MAX_CAUSES = 8;

/**
 * True when the server dropped an Update because the workflow task that carried it failed: a
 * signal or a timer came in while that task was finishing the workflow, so the server had the
 * worker take the task again with them. The Update was not applied, and may be sent again.
 */
export function isAbortedUpdate(error: unknown): boolean {
  let current = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < MAX_CAUSES; depth += 1) {
    if (isGrpcServiceError(current) && current.code === GRPC_FAILED_PRECONDITION && /workflow task failure/i.test(current.details ?? current.message)) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Executes an Update and sends it again, under the same Update ID, if the server dropped it with
 * its workflow task; the ID makes Temporal apply it once however often it is sent.
 */
export async function executeUpdate<Ret, Args extends [unknown, ...unknown[]], Name extends string = string>(
  handle: WorkflowHandle,
  definition: UpdateDefinition<Ret, Args, Name>,
  options: { args: Args; updateId?: string },
): Promise<Ret> {
  const updateId = options.updateId ?? randomUUID();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await handle.executeUpdate(definition, { args: options.args, updateId });
    } catch (error) {
      if (attempt >= ATTEMPTS || !isAbortedUpdate(error)) throw error;
      await sleep(25 * 2 ** attempt);
    }
  }
}

import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { erasure, type ErasureInput } from '../workflows/erasure';
import { erasureWorkflowId } from '../workflows/ids';
import type { Config } from './config';

/**
 * Starts a case's erasure, or finds it: one running already is joined (`erasing`), one finished
 * already is reported (`erased`); one that failed is started again and finishes what it left.
 */
export async function startErasure(client: Client, config: Config, input: ErasureInput): Promise<'erasing' | 'erased'> {
  try {
    await client.workflow.start(erasure, {
      workflowId: erasureWorkflowId(input.caseId),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return 'erasing';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'erased';
    throw error;
  }
}

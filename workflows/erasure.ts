import { ApplicationFailure, proxyActivities, startChild } from '@temporalio/workflow';
import type { ErasureActivities } from '../activities/erasure-activities';
import { erasureWorkflowId } from './ids';

const acts = proxyActivities<ErasureActivities>({
  startToCloseTimeout: '2m',
  // Postgres or the Temporal frontend may be away for a while: an erasure is finished, never dropped.
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export interface ErasureInput {
  caseId: string;
  /** Who asked (an admin's token subject, or `sira` for the retention sweep) and why; never the person. */
  by: { sub: string; role: string };
  reason: string;
}

export interface ErasureOutcome {
  caseId: string;
  deletedExecutions: number;
}

/**
 * Erases a closed case's personal data: the request on record first (who, when, why), then the
 * Postgres rows in one transaction, then the case's and its travel-document requests' Temporal
 * executions, then the audit row. Each step is idempotent, so an erasure cut short by a crash or a
 * worker restart is finished by the workflow carrying on, and a second erasure changes nothing.
 */
export async function erasure(input: ErasureInput): Promise<ErasureOutcome> {
  const at = new Date().toISOString();
  const subject = await acts.beginErasure({ ...input, at });
  if (subject.refused) throw ApplicationFailure.nonRetryable(subject.refused, 'stage_conflict');
  await acts.eraseCaseRecords({ caseId: input.caseId, at });
  const deletedExecutions = await acts.deleteCaseExecutions({ caseId: input.caseId, requestIds: subject.requestIds });
  await acts.completeErasure({ caseId: input.caseId, at: new Date().toISOString() });
  return { caseId: input.caseId, deletedExecutions };
}

export interface RetentionSweepOutcome {
  started: number;
}

/**
 * The daily retention sweep (Schedule `erasure:retention`): erases, each in its own `erasure:<caseId>`
 * workflow, the cases closed longer ago than RETENTION_AFTER_CLOSURE (a batch a day). With no
 * retention configured it finds nothing.
 */
export async function retentionSweep(): Promise<RetentionSweepOutcome> {
  const caseIds = await acts.casesDueForErasure();
  let started = 0;
  for (const caseId of caseIds) {
    try {
      await startChild(erasure, {
        workflowId: erasureWorkflowId(caseId),
        args: [{ caseId, by: { sub: 'sira', role: 'system' }, reason: 'retention period after closure ended' }],
        parentClosePolicy: 'ABANDON',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
      started++;
    } catch (error) {
      // Erased, or being erased, already (an admin's request, yesterday's sweep).
      if ((error as { name?: string })?.name !== 'WorkflowExecutionAlreadyStartedError') throw error;
    }
  }
  return { started };
}

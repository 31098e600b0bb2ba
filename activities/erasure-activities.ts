import { ApplicationFailure } from '@temporalio/common';
import {
  casesDueForErasure,
  completeErasure,
  eraseCaseRecords,
  erasureSubjectOf,
  recordErasureRequest,
} from '../db/queries/personal-data';
import { RETENTION_BATCH, retentionCutoff } from '../domain/personal-data';
import { isTerminal, type Stage } from '../domain/stages';
import { caseWorkflowId, travelDocumentWorkflowId } from '../workflows/ids';
import type { ActivityDeps } from './case-activities';

/** gRPC NOT_FOUND: the execution is gone (deleted before, or never there). */
const NOT_FOUND = 5;
const isNotFound = (error: unknown) => (error as { code?: number })?.code === NOT_FOUND || (error as { name?: string })?.name === 'WorkflowNotFoundError';

/** Activities of the erasure workflow and the retention sweep. Each one is idempotent. */
export function createErasureActivities({ db, config, temporal }: ActivityDeps) {
  const namespace = config.TEMPORAL_NAMESPACE;

  /** Deletes every run of one workflow id (continued-as-new runs too), then checks it is gone. */
  async function deleteAllRuns(workflowId: string): Promise<number> {
    let deleted = 0;
    const runIds = new Set<string>();
    for await (const run of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runIds.add(run.runId);
    for (const runId of [...runIds, undefined]) {
      try {
        await temporal.workflowService.deleteWorkflowExecution({ namespace, workflowExecution: { workflowId, runId } });
        deleted++;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    // Deletion is carried out by the server shortly after: wait a little, then leave it to the activity's retry.
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        await temporal.workflow.getHandle(workflowId).describe();
      } catch (error) {
        if (isNotFound(error)) return deleted;
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw ApplicationFailure.retryable(`the deletion of ${workflowId} is still under way`, 'deletion_pending');
  }

  return {
    /** Puts the erasure on record (who, when, why) and says what it covers; refuses an open case. */
    async beginErasure(input: {
      caseId: string;
      by: { sub: string; role: string };
      reason: string;
      at: string;
    }): Promise<{ requestIds: string[]; refused?: string }> {
      const subject = await erasureSubjectOf(db, input.caseId);
      if (!subject) return { requestIds: [], refused: `no case ${input.caseId}` };
      if (!subject.erasedAt && !isTerminal(subject.stage as Stage)) {
        return { requestIds: [], refused: `the case is ${subject.stage}; only a closed case is erased` };
      }
      await recordErasureRequest(db, { caseId: input.caseId, by: input.by.sub, role: input.by.role, reason: input.reason, at: input.at });
      return { requestIds: subject.requestIds };
    },

    async eraseCaseRecords({ caseId, at }: { caseId: string; at: string }): Promise<void> {
      await eraseCaseRecords(db, caseId, at);
    },

    /** The case's executions and its travel-document requests': their histories hold the person's data (encrypted). */
    async deleteCaseExecutions({ caseId, requestIds }: { caseId: string; requestIds: string[] }): Promise<number> {
      let deleted = 0;
      for (const workflowId of [caseWorkflowId(caseId), ...requestIds.map(travelDocumentWorkflowId)]) deleted += await deleteAllRuns(workflowId);
      return deleted;
    },

    async completeErasure({ caseId, at }: { caseId: string; at: string }): Promise<boolean> {
      return completeErasure(db, caseId, at);
    },

    /** The cases the retention period has reached, a batch at a time; none when RETENTION_AFTER_CLOSURE is empty. */
    async casesDueForErasure(): Promise<string[]> {
      const cutoff = retentionCutoff(Date.now(), config.RETENTION_AFTER_CLOSURE);
      return cutoff ? casesDueForErasure(db, cutoff, RETENTION_BATCH) : [];
    },
  };
}

export type ErasureActivities = ReturnType<typeof createErasureActivities>;

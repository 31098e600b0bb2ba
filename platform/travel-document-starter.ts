import type { Client } from '@temporalio/client';
import { travelDocumentStaticDetails, travelDocumentSummary } from '../domain/cover-page';
import type { TravelDocumentRequest } from '../domain/travel-document';
import { travelDocumentWorkflowId } from '../workflows/ids';
import { CaseCentre, CaseNationality, TravelDocOverdue, TravelDocStatus } from '../workflows/search-attributes';
import { travelDocument } from '../workflows/travel-document';
import type { Config } from './config';

/**
 * Starts a request's workflow. Starting the same request again (a retried activity) finds the one
 * already running, or already finished, and starts nothing.
 */
export async function startTravelDocumentRequest(client: Client, config: Config, request: TravelDocumentRequest): Promise<void> {
  await client.workflow.start(travelDocument, {
    workflowId: travelDocumentWorkflowId(request.requestId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ policy: config.travelDocumentPolicy, request }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: travelDocumentSummary(request),
    staticDetails: travelDocumentStaticDetails(request),
    typedSearchAttributes: [
      { key: TravelDocStatus, value: 'requested' },
      { key: TravelDocOverdue, value: false },
      { key: CaseCentre, value: request.centreCode },
      { key: CaseNationality, value: request.country },
    ],
  }).catch((error: unknown) => {
    // Finished already (cancelled, answered): it was started, which is all a retry needs to know.
    if ((error as { name?: string })?.name === 'WorkflowExecutionAlreadyStartedError') return;
    throw error;
  });
}

import { type Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Registration, RegistrationResult } from '../domain/registration';
import { awaitRegistration } from '../workflows/case-messages';
import { caseWorkflowId } from '../workflows/ids';
import { returneeCase } from '../workflows/returnee-case';
import { CaseCentre, CaseNationality, CaseStage, CaseTrack, FlightId } from '../workflows/search-attributes';
import type { Config } from './config';

/**
 * Starts a case's workflow and waits until its row exists (Update-with-Start), so the caller can
 * read it back at once. Starting the same caseId twice reuses the running workflow; a duplicate
 * biometric reference or document number comes back as `duplicateOf`.
 */
export async function startCase(client: Client, config: Config, registration: Registration): Promise<RegistrationResult> {
  const start = new WithStartWorkflowOperation(returneeCase, {
    workflowId: caseWorkflowId(registration.caseId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ policy: config.casePolicy, registration }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: CaseStage, value: 'registered' },
      { key: CaseCentre, value: registration.centreCode },
      { key: CaseNationality, value: registration.person.nationality },
      { key: CaseTrack, value: registration.track },
      ...(registration.arrival.flightId ? [{ key: FlightId, value: registration.arrival.flightId }] : []),
    ],
  });
  try {
    return await client.workflow.executeUpdateWithStart(awaitRegistration, { startWorkflowOperation: start });
  } catch (error) {
    // The case ran to its end already (closed): it exists, which is all a caller needs to know.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { caseId: registration.caseId };
    throw error;
  }
}

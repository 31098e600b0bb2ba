import { type Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Registration, RegistrationResult } from '../domain/registration';
import type { Actor, CaseState } from '../domain/case-state';
import { type CaseCover, caseStaticDetails, caseSummary } from '../domain/cover-page';
import { awaitRegistration, caseStepUpdates } from '../workflows/case-messages';
import type { CaseView } from '../workflows/case-view';
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
  const cover: CaseCover = {
    caseId: registration.caseId,
    track: registration.track,
    centreCode: registration.centreCode,
    nationality: registration.person.nationality,
    minor: registration.unaccompaniedMinor,
    flightId: registration.arrival.flightId,
    arrivalMode: registration.arrival.mode,
  };
  const start = new WithStartWorkflowOperation(returneeCase, {
    workflowId: caseWorkflowId(registration.caseId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ policy: config.casePolicy, registration }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // What the UI shows everyone, without decoding: what the case is, never who.
    staticSummary: caseSummary(cover),
    staticDetails: caseStaticDetails(cover),
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

/**
 * Reopens a closed case: its workflow, ended with the closure, runs again from the state Postgres
 * holds, and takes the supervisor's `reopen` step first (Update-with-Start). A retry with the same
 * update ID joins the run it started.
 */
export async function reopenCase(
  client: Client,
  config: Config,
  state: CaseState,
  reopening: { actor: Actor; reason: string; occurredAt?: string },
  updateId: string,
): Promise<CaseView> {
  const start = new WithStartWorkflowOperation(returneeCase, {
    workflowId: caseWorkflowId(state.caseId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ policy: config.casePolicy, state }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    staticSummary: caseSummary(state),
    staticDetails: caseStaticDetails(state),
    typedSearchAttributes: [
      { key: CaseStage, value: state.stage },
      { key: CaseCentre, value: state.centreCode },
      { key: CaseNationality, value: state.nationality },
      { key: CaseTrack, value: state.track },
      ...(state.flightId ? [{ key: FlightId, value: state.flightId }] : []),
    ],
  });
  return client.workflow.executeUpdateWithStart(caseStepUpdates.reopen, { args: [reopening], startWorkflowOperation: start, updateId });
}

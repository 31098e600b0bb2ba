import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { flightStaticDetails, flightSummary } from '../domain/cover-page';
import type { FlightPlan } from '../domain/flight';
import { charterFlight } from '../workflows/flight';
import { awaitFlightRecorded } from '../workflows/flight-messages';
import { flightWorkflowId } from '../workflows/ids';
import { FlightId, FlightOverdue, FlightStatus } from '../workflows/search-attributes';
import type { Config } from './config';

/**
 * Starts the flight's workflow and waits until its row exists (Update-with-Start), so the caller can
 * read it back at once. Starting the same flightId twice reuses the running workflow.
 */
export async function startFlight(client: Client, config: Config, plan: FlightPlan): Promise<void> {
  const start = new WithStartWorkflowOperation(charterFlight, {
    workflowId: flightWorkflowId(plan.flightId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ policy: config.flightPolicy, plan }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: flightSummary(plan),
    staticDetails: flightStaticDetails(plan),
    typedSearchAttributes: [
      { key: FlightId, value: plan.flightId },
      { key: FlightStatus, value: 'planned' },
      { key: FlightOverdue, value: false },
    ],
  });
  await client.workflow.executeUpdateWithStart(awaitFlightRecorded, { startWorkflowOperation: start });
}

import type { Client } from '@temporalio/client';
import { type Latency, timeRepeatedly } from './latency';

/**
 * The visibility query managers run to find stuck cases (`CaseOverdue = true`, the Temporal UI's and
 * GET /v1/cases/stuck's filter): its latency as a count and as a full listing, and how many it finds.
 */
export async function overdueQueryLatency(
  client: Client,
  runs = 5,
): Promise<{ count: Latency; list: Latency; overdue: number }> {
  const query = "WorkflowType = 'returneeCase' AND ExecutionStatus = 'Running' AND CaseOverdue = true";
  let overdue = 0;
  const count = await timeRepeatedly(async () => {
    overdue = (await client.workflow.count(query)).count;
  }, runs);
  const list = await timeRepeatedly(async () => {
    for await (const _ of client.workflow.list({ query })) {
      // every page read
    }
  }, runs);
  return { count, list, overdue };
}

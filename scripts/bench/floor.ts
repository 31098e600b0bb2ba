import { Client, WithStartWorkflowOperation } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { FAILURE_CONVERTER_PATH } from '../../platform/codec';
import { awaitRegistration, caseStepUpdates } from '../../workflows/case-messages';
import type * as journeys from './bare-journey';

/** The floors a bench can start (scripts/bench/bare-journey.ts). */
export type BareJourneyType = 'bareJourney' | 'durableJourney' | 'publishedJourney';

const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never;

/** A worker on its own task queue that runs only the floors' journeys (with `createBareStepActivities` for the durable ones). */
export async function bareWorker(options: Pick<WorkerOptions, 'connection' | 'taskQueue'> & Partial<WorkerOptions>): Promise<Worker> {
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./bare-journey'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quiet,
  });
  return Worker.create({ ...options, workflowBundle });
}

/** Starts a floor's journey that ends after `steps` step Updates, as a case starts (Update-with-Start). */
export function startBareJourney(client: Client, taskQueue: string, workflowId: string, steps: number, type: BareJourneyType = 'bareJourney') {
  const start = new WithStartWorkflowOperation<(typeof journeys)[BareJourneyType]>(type, {
    workflowId,
    taskQueue,
    args: [{ caseId: workflowId, steps }],
    workflowIdConflictPolicy: 'FAIL',
  });
  return client.workflow.executeUpdateWithStart(awaitRegistration, { startWorkflowOperation: start as never });
}

/**
 * The engine's limit on a Temporal server: `journeys` bare journeys of `steps` Updates each,
 * `concurrency` at a time, through the Temporal client alone. Returns Updates per second.
 */
export async function floorUpdatesPerSecond(address: string, { journeys, steps, concurrency }: { journeys: number; steps: number; concurrency: number }): Promise<number> {
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await (await import('@temporalio/client')).Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  const taskQueue = `floor-${randomUUID()}`;
  const worker = await bareWorker({ connection, taskQueue });
  try {
    return await worker.runUntil(async () => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: Math.min(concurrency, journeys) }, async () => {
          while (next < journeys) {
            next += 1;
            const workflowId = `floor-${randomUUID()}`;
            await startBareJourney(client, taskQueue, workflowId, steps);
            const handle = client.workflow.getHandle(workflowId);
            for (let i = 0; i < steps; i++) await handle.executeUpdate(caseStepUpdates.recordReception, { args: [{} as never] });
            await handle.result();
          }
        }),
      );
      return (journeys * (steps + 1)) / ((performance.now() - started) / 1000);
    });
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}

import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { dataConverter } from '../platform/codec';
import { inputFailureInterceptors } from '../activities/input-failures';

export interface WorkerDeps extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt workflow bundle (see worker/bundle.ts); without one the worker bundles at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const { connection, namespace, taskQueue, workflowBundle, tuning, ...activityDeps } = deps;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(activityDeps),
    interceptors: { activity: [inputFailureInterceptors] },
    // Payloads leave the worker encrypted; the codec runs outside the workflow sandbox.
    dataConverter: dataConverter(activityDeps.config),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    maxConcurrentActivityTaskExecutions: 50,
    ...tuning,
  });
}

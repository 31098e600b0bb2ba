import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { dataConverter } from '../platform/codec';
import { inputFailureInterceptors } from '../activities/input-failures';
import { technicalFailureInterceptors } from '../activities/technical-failures';
import type { WorkerSettings } from '../platform/config';

export interface WorkerDeps extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt workflow bundle (see worker/bundle.ts); without one the worker bundles at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<
    WorkerOptions,
    'maxConcurrentActivityTaskExecutions' | 'maxConcurrentLocalActivityExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'
  >;
  /** How long running activities may finish after a shutdown is asked; the SDK's default cancels them at once. */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** Worker Versioning: the deployment and build this worker polls as (WORKER_DEPLOYMENT_NAME, WORKER_BUILD_ID). */
  deployment?: WorkerSettings['deployment'];
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const { connection, namespace, taskQueue, workflowBundle, tuning, shutdownGraceTime, deployment, ...activityDeps } = deps;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(activityDeps),
    // Outermost first: a technical failure gets its what-to-do message; an input refusal passes through as it is.
    interceptors: { activity: [technicalFailureInterceptors, inputFailureInterceptors] },
    // Payloads leave the worker encrypted; the codec runs outside the workflow sandbox.
    dataConverter: dataConverter(activityDeps.config),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    maxConcurrentActivityTaskExecutions: 50,
    ...tuning,
    ...(shutdownGraceTime !== undefined ? { shutdownGraceTime } : {}),
    ...(deployment
      ? {
          workerDeploymentOptions: {
            version: { deploymentName: deployment.deploymentName, buildId: deployment.buildId },
            useWorkerVersioning: true,
            defaultVersioningBehavior: deployment.defaultVersioningBehavior,
          },
        }
      : {}),
  });
}

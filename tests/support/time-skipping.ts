import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { SIRA_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { quietTemporalLogs } from './stack';

/** The time-skipping test server (the pinned binary, no download), with Sira's search attributes. */
export async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietTemporalLogs();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: process.env.SIRA_TEST_TEST_SERVER! } },
  });
  const type = temporal.api.enums.v1.IndexedValueType;
  const indexed: Record<string, temporal.api.enums.v1.IndexedValueType> = {
    KEYWORD: type.INDEXED_VALUE_TYPE_KEYWORD,
    BOOL: type.INDEXED_VALUE_TYPE_BOOL,
    DATETIME: type.INDEXED_VALUE_TYPE_DATETIME,
  };
  const searchAttributes = Object.fromEntries(SIRA_SEARCH_ATTRIBUTES.map((k) => [k.name, indexed[k.type]]));
  await (env.connection as Connection).operatorService.addSearchAttributes({ namespace: env.namespace, searchAttributes });
  return env;
}

/**
 * Runs `body` with a worker on `taskQueue`, then terminates the workflows it started: one left with
 * pending timers and no worker would hold the test server's clock for the next test.
 */
export async function runWithWorker<T>(
  env: TestWorkflowEnvironment,
  options: { taskQueue: string; activities: object; started: { terminate(): Promise<unknown> }[] },
  body: () => Promise<T>,
): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: options.taskQueue,
    workflowBundle: { codePath: process.env.SIRA_TEST_WORKFLOW_BUNDLE! },
    activities: options.activities,
  });
  try {
    return await worker.runUntil(body());
  } finally {
    for (const handle of options.started) await handle.terminate().catch(() => undefined);
  }
}

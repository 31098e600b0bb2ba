import { temporal } from '@temporalio/proto';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { registrationBody } from '../support/fixtures';
import { createNamespace, type SiraProcess, stackEnvironment, startSiraProcess } from '../support/processes';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * Worker Versioning, opt-in: a worker started with WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID polls
 * as that deployment version. Work waits until an operator makes the version current
 * (`temporal worker deployment set-current-version`), then runs there, auto-upgrading by default.
 */
const BUILD_ID = 'build-1';
const cli = (...args: string[]) => promisify(execFile)(process.env.SIRA_TEST_TEMPORAL_CLI!, args);

let stack: TestStack;
let namespace: string;
let worker: SiraProcess;
const deploymentName = `sira-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  namespace = await createNamespace();
  stack = await startTestStack({ TEMPORAL_NAMESPACE: namespace, UPDATE_DEADLINE: '3s' });
  // No unversioned worker: only the versioned one polls the task queue.
  await stack.stopWorker();
  worker = startSiraProcess('worker/main.ts', stackEnvironment(stack, { WORKER_DEPLOYMENT_NAME: deploymentName, WORKER_BUILD_ID: BUILD_ID }));
  await worker.waitForOutput(/"msg":"worker started"/);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
});

const deployment = (...args: string[]) =>
  cli('worker', 'deployment', ...args, '--address', stack.config.TEMPORAL_ADDRESS!, '--namespace', namespace, '--deployment-name', deploymentName, '--build-id', BUILD_ID);

test('a versioned worker takes work once its version is made current', async () => {
  expect(worker.output()).toContain(`"deployment":{"deploymentName":"${deploymentName}","buildId":"${BUILD_ID}","defaultVersioningBehavior":"AUTO_UPGRADE"}`);
  const officer = await stack.token('case_officer', { sub: 'awa-versioned' });
  const register = () => stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).set('Idempotency-Key', key).send(body);
  const key = randomUUID();
  const body = registrationBody();

  // No current version yet: the registration waits, unanswered, and the API says to come back.
  const waiting = await register();
  expect([waiting.status, waiting.headers['retry-after']]).toEqual([503, expect.any(String)]);

  // The version exists once its worker has polled; the operator makes it current.
  for (let i = 0; ; i++) {
    try {
      await deployment('describe-version');
      break;
    } catch (error) {
      if (i > 60) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await deployment('set-current-version', '--yes');

  let registered = await register();
  for (let i = 0; registered.status !== 201 && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500));
    registered = await register();
  }
  expect(registered.status).toBe(201);
  const described = await stack.client.workflow.getHandle(`case:${registered.body.caseId}`).describe();
  expect(described.raw.workflowExecutionInfo?.versioningInfo).toMatchObject({
    behavior: temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE,
    deploymentVersion: { deploymentName, buildId: BUILD_ID },
  });
}, 90_000);

import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { CaseActivities } from '../activities/case-activities';
import { dataConverter } from '../platform/codec';
import type { Actor } from '../domain/case-state';
import type { Registration } from '../domain/registration';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { registration } from '../tests/support/fixtures';
import { startTestStack } from '../tests/support/stack';
import { awaitRegistration, caseStepUpdates } from '../workflows/case-messages';
import { caseWorkflowId } from '../workflows/ids';
import { returneeCase } from '../workflows/returnee-case';

/**
 * Runs N complete reintegration journeys (registration to completion, 14 steps) against the real
 * activities (Postgres, outbox) and, on the same Temporal server in the same run, against a worker
 * whose activities do nothing. Prints journeys/s for both, their ratio, and history events per journey.
 *
 *   npm run bench:journeys -- [journeys=200] [concurrency=20]
 */
const JOURNEYS = Number(process.argv[2] ?? 200);
const CONCURRENCY = Number(process.argv[3] ?? 20);

const officer: Actor = { sub: 'bench-officer', role: 'case_officer' };
const supervisor: Actor = { sub: 'bench-supervisor', role: 'supervisor' };
const BENCH_VENDOR = '6f0c7d2e-4b1a-4c8e-9d3f-2a5b7c9e1f00';
const criteria = { returnedThroughProgramme: true, withinProgrammeWindow: true, notPreviouslyAssisted: true, vulnerabilityScreeningDone: true };

async function journey(client: Client, taskQueue: string, policy: Parameters<typeof returneeCase>[0]['policy']) {
  const caseId = randomUUID();
  const reg: Registration = registration(caseId, { biometricRef: `BENCH-${caseId}`, registeredAt: new Date().toISOString() });
  await client.workflow.executeUpdateWithStart(awaitRegistration, {
    startWorkflowOperation: new WithStartWorkflowOperation(returneeCase, {
      workflowId: caseWorkflowId(caseId),
      taskQueue,
      args: [{ policy, registration: reg }],
      workflowIdConflictPolicy: 'FAIL',
    }),
  });
  const handle = client.workflow.getHandle(caseWorkflowId(caseId));
  const u = caseStepUpdates;
  const now = () => new Date().toISOString();
  await handle.executeUpdate(u.recordReception, { args: [{ actor: officer, centreCode: 'BKO-MMEIA', cashGrantXof: 52_000 }] });
  await handle.executeUpdate(u.recordCounsellingSession, { args: [{ actor: officer, heldAt: now() }] });
  await handle.executeUpdate(u.decideEligibility, { args: [{ actor: officer, decision: 'eligible', criteria, reason: 'bench' }] });
  await handle.executeUpdate(u.submitPlan, { args: [{ actor: officer, planType: 'individual', sector: 'trade', budgetXof: 300_000, dimensions: ['economic'] }] });
  await handle.executeUpdate(u.recordApproval, { args: [{ actor: supervisor, subject: 'plan', decision: 'approved' }] });
  const tranche = { amountXof: 300_000, vendor: 'Quincaillerie du Fleuve', vendorId: BENCH_VENDOR, items: [{ description: 'kit', quantity: 1, unitCostXof: 300_000 }] };
  await handle.executeUpdate(u.requestTranche, { args: [{ actor: officer, ...tranche }] });
  await handle.executeUpdate(u.recordApproval, { args: [{ actor: supervisor, subject: 'tranche', decision: 'approved', ref: 1 }] });
  // Paid a minute ago: the scheduled visits (seconds apart, see MONITORING_VISITS below) are all due by now.
  const paidAt = Date.now() - 60_000;
  await handle.executeUpdate(u.recordTranchePayment, { args: [{ actor: officer, n: 1, paidAt: new Date(paidAt).toISOString(), reference: 'RCPT-BENCH' }] });
  for (const offset of policy.monitoringVisitOffsetsMs) {
    const visitedAt = new Date(paidAt + offset).toISOString();
    await handle.executeUpdate(u.recordMonitoringVisit, { args: [{ actor: officer, visitedAt, scores: { economic: 0.8, social: 0.8, psychosocial: 0.8 } }] });
  }
  const result = await handle.result();
  if (result.stage !== 'completed') throw new Error(`journey ended at ${result.stage}`);
  return (await handle.describe()).historyLength;
}

async function run(label: string, client: Client, taskQueue: string, policy: Parameters<typeof journey>[2]) {
  let next = 0;
  const events: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < JOURNEYS) {
        next += 1;
        events.push(await journey(client, taskQueue, policy));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const perSecond = JOURNEYS / seconds;
  console.log(`${label.padEnd(28)} ${JOURNEYS} journeys in ${seconds.toFixed(2)} s = ${perSecond.toFixed(2)} journeys/s, ${(events.reduce((a, b) => a + b, 0) / events.length).toFixed(1)} history events/journey`);
  return perSecond;
}

async function main() {
  await globalSetup();
  const stack = await startTestStack({ MONITORING_VISITS: '1s,2s,3s', MONITORING_EARLY_WINDOW: '0s', LOG_LEVEL: 'silent' });
  const noop = async () => undefined;
  const baselineActivities: CaseActivities = {
    registerCase: async ({ registration: r }) => ({ caseId: r.caseId }),
    recordCaseStep: noop,
    openTravelDocumentRequest: noop,
    moveTravelDocumentDeparture: noop,
    markCaseOverdue: noop,
  };
  const baselineQueue = `${stack.taskQueue}-baseline`;
  const { NativeConnection } = await import('@temporalio/worker');
  const connection = await NativeConnection.connect({ address: process.env.SIRA_TEST_TEMPORAL_ADDRESS! });
  const baseline = await Worker.create({
    connection,
    taskQueue: baselineQueue,
    workflowBundle: { codePath: process.env.SIRA_TEST_WORKFLOW_BUNDLE! },
    activities: baselineActivities,
    dataConverter: dataConverter(stack.config),
    maxConcurrentActivityTaskExecutions: 50,
  });
  const policy = stack.config.casePolicy;
  try {
    await baseline.runUntil(async () => {
      console.log(`warming up …`);
      await Promise.all([journey(stack.client, stack.taskQueue, policy), journey(stack.client, baselineQueue, policy)]);
      console.log(`${JOURNEYS} journeys, ${CONCURRENCY} at a time, one Temporal dev server, ${stack.config.DATABASE_URL ? 'Postgres' : ''}`);
      const real = await run('real activities (Postgres)', stack.client, stack.taskQueue, policy);
      const base = await run('baseline (no-op activities)', stack.client, baselineQueue, policy);
      const [{ count }] = await stack.db('case_events').count<{ count: number }[]>({ count: '*' });
      console.log(`case_events rows written: ${count} (${(Number(count) / (JOURNEYS + 1)).toFixed(1)} per journey)`);
      console.log(`ratio real/baseline: ${(real / base).toFixed(3)} (target ≥ 0.8)`);
    });
  } finally {
    await connection.close();
    await stack.stop();
    await globalTeardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { CaseActivities } from '../activities/case-activities';
import type { CasePolicy } from '../domain/case-policy';
import type { Actor } from '../domain/case-state';
import type { Registration } from '../domain/registration';
import { dataConverter } from '../platform/codec';
import { executeUpdate } from '../platform/update-delivery';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { registration } from '../tests/support/fixtures';
import { startTestStack } from '../tests/support/stack';
import { awaitRegistration, caseStepUpdates } from '../workflows/case-messages';
import { caseWorkflowId } from '../workflows/ids';
import { returneeCase } from '../workflows/returnee-case';
import { createBareStepActivities, createBareStepsTable } from './bench/bare-step-activity';
import { cpuByProcess, type CpuSeconds } from './bench/cpu';
import { type BareJourneyType, bareWorker, startBareJourney } from './bench/floor';

/**
 * Runs complete reintegration journeys (registration to completion: 12 Updates) five ways on one
 * Temporal server, interleaved in rounds so that the machine's noise falls on all of them alike:
 *   - the case workflow with its real activities (Postgres, outbox);
 *   - the case workflow with activities that do nothing;
 *   - the floor: a bare workflow that takes the same Updates and does nothing (the engine's limit);
 *   - the durable floor: the bare workflow writing one row per Update through a local activity, the
 *     least a step costs when it is recorded in Postgres before it answers (DESIGN.md, 1 and 12);
 *   - the design's floor: the durable one also publishing search attributes at each step (6).
 * Prints journeys/s for each, the ratios, history events per journey and per Update, and the CPU
 * each Update cost this process (client and workers), the Temporal server and Postgres.
 *
 *   npm run bench:journeys -- [journeys=200] [concurrency=20] [rounds=4]
 */
const JOURNEYS = Number(process.argv[2] ?? 200);
const CONCURRENCY = Number(process.argv[3] ?? 20);
const ROUNDS = Number(process.argv[4] ?? 4);

const officer: Actor = { sub: 'bench-officer', role: 'case_officer' };
const supervisor: Actor = { sub: 'bench-supervisor', role: 'supervisor' };
const BENCH_VENDOR = '6f0c7d2e-4b1a-4c8e-9d3f-2a5b7c9e1f00';
const criteria = { returnedThroughProgramme: true, withinProgrammeWindow: true, notPreviouslyAssisted: true, vulnerabilityScreeningDone: true };

interface Variant {
  label: string;
  taskQueue: string;
  /** The workflow a journey starts: the case itself, or one of the floors. */
  workflow: 'returneeCase' | BareJourneyType;
  seconds: number;
  journeys: number;
  events: number[];
  /** CPU seconds its rounds cost, by process. */
  cpu: CpuSeconds;
}

/** One journey's Updates, in order; returns the history length of its workflow. */
async function journey(client: Client, variant: Variant, policy: CasePolicy): Promise<number> {
  const caseId = randomUUID();
  const workflowId = caseWorkflowId(caseId);
  const steps = 8 + policy.monitoringVisitOffsetsMs.length;
  const reg: Registration = registration(caseId, { biometricRef: `BENCH-${caseId}`, registeredAt: new Date().toISOString() });
  if (variant.workflow !== 'returneeCase') await startBareJourney(client, variant.taskQueue, workflowId, steps, variant.workflow);
  else {
    const start = new WithStartWorkflowOperation(returneeCase, { workflowId, taskQueue: variant.taskQueue, args: [{ policy, registration: reg }], workflowIdConflictPolicy: 'FAIL' });
    await client.workflow.executeUpdateWithStart(awaitRegistration, { startWorkflowOperation: start });
  }
  const handle = client.workflow.getHandle(workflowId);
  const u = caseStepUpdates;
  const now = () => new Date().toISOString();
  await executeUpdate(handle, u.recordReception, { args: [{ actor: officer, centreCode: 'BKO-MMEIA', cashGrantXof: 52_000 }] });
  await executeUpdate(handle, u.recordCounsellingSession, { args: [{ actor: officer, heldAt: now() }] });
  await executeUpdate(handle, u.decideEligibility, { args: [{ actor: officer, decision: 'eligible', criteria, reason: 'bench' }] });
  await executeUpdate(handle, u.submitPlan, { args: [{ actor: officer, planType: 'individual', sector: 'trade', budgetXof: 300_000, dimensions: ['economic'] }] });
  await executeUpdate(handle, u.recordApproval, { args: [{ actor: supervisor, subject: 'plan', decision: 'approved' }] });
  const tranche = { amountXof: 300_000, vendor: 'Quincaillerie du Fleuve', vendorId: BENCH_VENDOR, items: [{ description: 'kit', quantity: 1, unitCostXof: 300_000 }] };
  await executeUpdate(handle, u.requestTranche, { args: [{ actor: officer, ...tranche }] });
  await executeUpdate(handle, u.recordApproval, { args: [{ actor: supervisor, subject: 'tranche', decision: 'approved', ref: 1 }] });
  // Paid a minute ago: the scheduled visits (seconds apart, see MONITORING_VISITS below) are all due by now.
  const paidAt = Date.now() - 60_000;
  await executeUpdate(handle, u.recordTranchePayment, { args: [{ actor: officer, n: 1, paidAt: new Date(paidAt).toISOString(), reference: 'RCPT-BENCH' }] });
  for (const offset of policy.monitoringVisitOffsetsMs) {
    const visitedAt = new Date(paidAt + offset).toISOString();
    await executeUpdate(handle, u.recordMonitoringVisit, { args: [{ actor: officer, visitedAt, scores: { economic: 0.8, social: 0.8, psychosocial: 0.8 } }] });
  }
  const result = (await handle.result()) as { stage: string };
  if (result.stage !== 'completed') throw new Error(`journey ended at ${result.stage}`);
  return (await handle.describe()).historyLength;
}

/** Runs `count` journeys of one variant, `CONCURRENCY` at a time, and adds their time to its total. */
async function round(client: Client, variant: Variant, count: number, policy: CasePolicy): Promise<void> {
  let next = 0;
  const cpu = cpuByProcess();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) {
        next += 1;
        variant.events.push(await journey(client, variant, policy));
      }
    }),
  );
  variant.seconds += (performance.now() - started) / 1000;
  for (const [name, seconds] of Object.entries(cpuByProcess()) as [keyof CpuSeconds, number][]) variant.cpu[name] += seconds - cpu[name];
  variant.journeys += count;
}

const perSecond = (v: Variant) => v.journeys / v.seconds;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main() {
  await globalSetup();
  const stack = await startTestStack({ MONITORING_VISITS: '1s,2s,3s', MONITORING_EARLY_WINDOW: '0s', LOG_LEVEL: 'silent' });
  const policy = stack.config.casePolicy;
  // The registration, then eight steps and the monitoring visits.
  const updates = 1 + 8 + policy.monitoringVisitOffsetsMs.length;
  const noop = async () => undefined;
  const noopActivities: CaseActivities = {
    registerCase: async ({ registration: r }) => ({ caseId: r.caseId }),
    recordCaseStep: noop,
    openTravelDocumentRequest: noop,
    moveTravelDocumentDeparture: noop,
    markCaseOverdue: noop,
  };
  const connection = await NativeConnection.connect({ address: process.env.SIRA_TEST_TEMPORAL_ADDRESS! });
  const common = { connection, dataConverter: dataConverter(stack.config), maxConcurrentActivityTaskExecutions: 50 };
  const noopWorker = await Worker.create({
    ...common,
    taskQueue: `${stack.taskQueue}-noop`,
    workflowBundle: { codePath: process.env.SIRA_TEST_WORKFLOW_BUNDLE! },
    activities: noopActivities,
  });
  await createBareStepsTable(stack.db);
  const floorWorker = await bareWorker({ ...common, taskQueue: `${stack.taskQueue}-bare`, activities: createBareStepActivities(stack.db) });
  const variant = (label: string, taskQueue: string, workflow: Variant['workflow']): Variant => ({
    label,
    taskQueue,
    workflow,
    seconds: 0,
    journeys: 0,
    events: [],
    cpu: { bench: 0, temporal: 0, postgres: 0 },
  });
  const real = variant('case, real activities', stack.taskQueue, 'returneeCase');
  const noopCase = variant('case, no-op activities', noopWorker.options.taskQueue, 'returneeCase');
  const floor = variant('floor: bare workflow', floorWorker.options.taskQueue, 'bareJourney');
  const durable = variant('floor + one row per step', floorWorker.options.taskQueue, 'durableJourney');
  const published = variant('floor + row + attributes', floorWorker.options.taskQueue, 'publishedJourney');
  const variants = [real, noopCase, floor, durable, published];
  try {
    await noopWorker.runUntil(() =>
      floorWorker.runUntil(async () => {
        console.log('warming up …');
        await Promise.all(variants.map((v) => journey(stack.client, v, policy)));
        console.log(`${JOURNEYS} journeys of ${updates} Updates each way, ${CONCURRENCY} at a time, in ${ROUNDS} interleaved rounds, one Temporal dev server and Postgres`);
        const perRound = Math.ceil(JOURNEYS / ROUNDS);
        for (let r = 0; r < ROUNDS; r++) {
          // Each round runs them in another order, so none always runs on a warmer machine.
          const order = variants.map((_, i) => variants[(i + r) % variants.length]);
          for (const v of order) await round(stack.client, v, Math.min(perRound, JOURNEYS - r * perRound), policy);
          console.log(`round ${r + 1}/${ROUNDS}: ${variants.map((v) => `${v.label} ${perSecond(v).toFixed(2)}/s`).join(', ')}`);
        }
      }),
    );
    console.log('');
    for (const v of variants) {
      const events = mean(v.events);
      console.log(
        `${v.label.padEnd(26)} ${v.journeys} journeys in ${v.seconds.toFixed(1)} s = ${perSecond(v).toFixed(2)} journeys/s, ` +
          `${events.toFixed(1)} history events/journey (${(events / updates).toFixed(1)} per Update)`,
      );
    }
    console.log('');
    console.log(`CPU per Update, ms          ${['bench', 'Temporal', 'Postgres', 'total'].map((h) => h.padStart(9)).join('')}`);
    for (const v of variants) {
      const { bench, temporal, postgres } = v.cpu;
      const ms = [bench, temporal, postgres, bench + temporal + postgres].map((s) => ((1000 * s) / (v.journeys * updates)).toFixed(2).padStart(9));
      console.log(`${v.label.padEnd(26)} ${ms.join('')}`);
    }
    console.log('(bench: this process, i.e. the client and the workers. The machine is CPU-bound: journeys/s follow the total.)');
    console.log('');
    console.log(`ratio real / floor:       ${(perSecond(real) / perSecond(floor)).toFixed(3)} (target ≥ 0.7)`);
    console.log(`  durable / floor:        ${(perSecond(durable) / perSecond(floor)).toFixed(3)} (a step written to Postgres before it answers, nothing else)`);
    console.log(`  published / floor:      ${(perSecond(published) / perSecond(floor)).toFixed(3)} (and its search attributes published: the floor of Sira's design)`);
    console.log(`  real / published:       ${(perSecond(real) / perSecond(published)).toFixed(3)} (what Sira's rules, state and deadlines cost over that floor)`);
    console.log(`ratio real / no-op:       ${(perSecond(real) / perSecond(noopCase)).toFixed(3)} (target ≥ 0.8)`);
    console.log(`history events per Update: ${(mean(real.events) / updates).toFixed(1)} (target ≤ 9)`);
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

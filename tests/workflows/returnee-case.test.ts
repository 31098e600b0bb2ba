import { runWithWorker, startTimeSkippingEnv } from '../support/time-skipping';
import type { WorkflowHandle } from '@temporalio/client';
import type { CasePolicy } from '../../domain/case-policy';
import type { Registration } from '../../domain/registration';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import type { CaseActivities } from '../../activities/case-activities';
import type { CaseState } from '../../domain/case-state';
import { awaitRegistration, caseStepUpdates, getCaseState } from '../../workflows/case-messages';
import { returneeCase } from '../../workflows/returnee-case';
import { registration, testPolicy } from '../support/fixtures';

const DAY = 86_400_000;
const officer = { sub: 'officer-1', role: 'case_officer' as const };
const supervisor = { sub: 'sup-1', role: 'supervisor' as const };

/** Activities that record what they were asked, standing in for Postgres and SMTP. */
function recordingActivities() {
  const calls = { steps: [] as string[], overdue: [] as { level: number; task: string }[] };
  const activities: CaseActivities = {
    async registerCase({ registration: r }) {
      return { caseId: r.caseId };
    },
    async recordCaseStep({ step }) {
      calls.steps.push(step.type);
    },
    async openTravelDocumentRequest({ request }) {
      calls.steps.push(`open:${request.requestId}`);
    },
    async moveTravelDocumentDeparture({ requestId }) {
      calls.steps.push(`move:${requestId}`);
    },
    async markCaseOverdue({ state, level }: { state: CaseState; level: 1 | 2 }) {
      calls.overdue.push({ level, task: state.task!.key });
    },
  };
  return { calls, activities };
}

/** The reason a Workflow Update was refused (its ApplicationFailure's message). */
async function refusal(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (error) {
    return (error as { cause?: { message?: string } }).cause?.message ?? String(error);
  }
  throw new Error('the update was not refused');
}

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

/**
 * Runs `body` with a worker on its own task queue, then terminates what it started: a workflow left
 * with pending timers and no worker would hold the test server's clock for the next test.
 */
type StartCase = (input?: { policy?: CasePolicy; registration?: Partial<Registration>; historyLimit?: number }) => Promise<WorkflowHandle<typeof returneeCase>>;

async function withWorker<T>(activities: CaseActivities, body: (start: StartCase) => Promise<T>): Promise<T> {
  const taskQueue = `wf-${randomUUID()}`;
  const started: WorkflowHandle<typeof returneeCase>[] = [];
  const start: StartCase = async (input = {}) => {
    const caseId = randomUUID();
    const handle = await env.client.workflow.start(returneeCase, {
      workflowId: `case:${caseId}`,
      taskQueue,
      args: [{ policy: input.policy ?? testPolicy(), registration: registration(caseId, input.registration), historyLimit: input.historyLimit }],
    });
    started.push(handle);
    await handle.executeUpdate(awaitRegistration);
    return handle;
  };
  return runWithWorker(env, { taskQueue, activities, started }, () => body(start));
}

test('an SLA breach tells the supervisor once, escalates at twice the SLA, and clears on the next step', async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const handle = await start();
    await env.sleep(3 * DAY - 60_000);
    expect(calls.overdue).toEqual([]);
    await env.sleep(2 * 60_000);
    expect(calls.overdue).toEqual([{ level: 1, task: 'registered:reception' }]);
    expect((await handle.query(getCaseState)).overdue).toBe(true);
    await env.sleep(DAY);
    expect(calls.overdue).toHaveLength(1);
    await env.sleep(2 * DAY);
    expect(calls.overdue).toEqual([
      { level: 1, task: 'registered:reception' },
      { level: 2, task: 'registered:reception' },
    ]);
    const after = await handle.executeUpdate(caseStepUpdates.recordReception, {
      args: [{ actor: officer, centreCode: 'BKO-MMEIA', cashGrantXof: 52_000 }],
    });
    expect(after.stage).toBe('received');
    expect(after.overdue).toBe(false);
    await env.sleep(10 * DAY);
    expect(calls.overdue).toHaveLength(2);
  });
});

test("a suspended case's clock stops and restarts where it left off", async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const handle = await start();
    await env.sleep(DAY);
    await handle.executeUpdate(caseStepUpdates.suspend, { args: [{ actor: supervisor, reason: 're-verification' }] });
    await env.sleep(30 * DAY);
    expect(calls.overdue).toEqual([]);
    const resumed = await handle.executeUpdate(caseStepUpdates.resume, { args: [{ actor: supervisor }] });
    expect(Date.parse(resumed.dueAt!) - Date.now()).toBeGreaterThan(0);
    await env.sleep(2 * DAY - 60_000);
    expect(calls.overdue).toEqual([]);
    await env.sleep(2 * 60_000);
    expect(calls.overdue).toEqual([{ level: 1, task: 'registered:reception' }]);
  });
});

test('a minor comes of age on their 18th birthday: the case stops counting them as a minor that day', async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    // Born 18 years before a day three days from now (the test server's now): the 18th birthday is in three days.
    const birthday = new Date((await env.currentTimeMs()) + 3 * DAY);
    const dateOfBirth = `${birthday.getUTCFullYear() - 18}-${String(birthday.getUTCMonth() + 1).padStart(2, '0')}-${String(birthday.getUTCDate()).padStart(2, '0')}`;
    const handle = await start({
      registration: { unaccompaniedMinor: true, person: { familyName: 'K', givenName: 'B', sex: 'M', dateOfBirth, nationality: 'MLI' } },
    });
    const before = await handle.query(getCaseState);
    expect(before).toMatchObject({ minor: true, adultOn: birthday.toISOString().slice(0, 10) });
    await env.sleep(2 * DAY);
    expect((await handle.query(getCaseState)).minor).toBe(true);
    await env.sleep(DAY + 60_000);
    const after = await handle.query(getCaseState);
    expect(after.minor).toBe(false);
    expect(calls.steps).toContain('cameOfAge');
    // The workflow keeps the 18th birthday only, never the date of birth.
    expect(JSON.stringify(after)).not.toContain(dateOfBirth);
  });
});

const criteria = {
  returnedThroughProgramme: true,
  withinProgrammeWindow: true,
  notPreviouslyAssisted: true,
  vulnerabilityScreeningDone: true,
};

/** Takes a reintegration case from registration to a submitted plan. */
async function toSubmittedPlan(handle: WorkflowHandle<typeof returneeCase>) {
  await handle.executeUpdate(caseStepUpdates.recordReception, { args: [{ actor: officer, centreCode: 'BKO-MMEIA' }] });
  await handle.executeUpdate(caseStepUpdates.recordCounsellingSession, {
    // Held now on the test server's clock: a session is never dated before the reception it follows.
    args: [{ actor: officer, heldAt: new Date(await env.currentTimeMs()).toISOString() }],
  });
  await handle.executeUpdate(caseStepUpdates.decideEligibility, { args: [{ actor: officer, decision: 'eligible', criteria, reason: 'meets all criteria' }] });
  return handle.executeUpdate(caseStepUpdates.submitPlan, {
    args: [{ actor: officer, planType: 'individual', sector: 'agriculture', budgetXof: 900_000, dimensions: ['economic'] }],
  });
}

test("a minor's plan cannot be approved before best interests, family tracing and consents", async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const handle = await start({ registration: { unaccompaniedMinor: true, person: { familyName: 'K', givenName: 'B', sex: 'M', dateOfBirth: '2010-05-05', nationality: 'MLI' } } });
    const submitted = await toSubmittedPlan(handle).catch(async (e) => {
      throw new Error(await refusal(Promise.reject(e)));
    });
    expect(submitted.plan?.status).toBe('submitted');
    const approve = () =>
      handle.executeUpdate(caseStepUpdates.recordApproval, { args: [{ actor: supervisor, subject: 'plan', decision: 'approved' }] });
    expect(await refusal(approve())).toMatch(/best-interests determination in favour of return, family tracing/);
    const stepsBefore = calls.steps.length;
    await handle.executeUpdate(caseStepUpdates.recordMinorSafeguards, {
      args: [
        {
          actor: officer,
          bestInterests: { assessedAt: '2026-01-03T00:00:00Z', reference: 'BID-BKO-7', determination: 'return_in_best_interests' },
          familyTracing: { status: 'done', outcome: 'family_found' },
          consents: { minor: true, guardian: true },
        },
      ],
    });
    expect(calls.steps.length).toBe(stepsBefore + 1);
    expect((await approve()).stage).toBe('disbursing');
  });
});

test('a rejected step leaves no trace in the history', async () => {
  const { calls, activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const handle = await start();
    // The time-skipping server keeps a rejected update's workflow task (the real server drops it, as
    // the API test checks), so count only what the workflow itself recorded.
    const recorded = async () =>
      ((await handle.fetchHistory()).events ?? []).filter(
        (e) => !String(temporal.api.enums.v1.EventType[e.eventType!]).startsWith('EVENT_TYPE_WORKFLOW_TASK_'),
      ).length;
    const before = await recorded();
    const reason = await refusal(
      handle.executeUpdate(caseStepUpdates.submitPlan, {
        args: [{ actor: officer, planType: 'individual', sector: 'trade', budgetXof: 1, dimensions: ['economic'] }],
      }),
    );
    expect(reason).toMatch(/does not fit a case at stage registered/);
    expect(await recorded()).toBe(before);
    expect(calls.steps).toEqual([]);
  });
});

test('continue-as-new carries the state over and the case goes on', async () => {
  const { activities } = recordingActivities();
  await withWorker(activities, async (start) => {
    const handle = await start({ historyLimit: 20 });
    const first = (await handle.describe()).runId;
    await toSubmittedPlan(handle);
    for (let i = 0; i < 3; i++) {
      await handle.executeUpdate(caseStepUpdates.recordCounsellingSession, { args: [{ actor: officer, heldAt: '2026-01-02T00:00:00Z' }] }).catch(() => undefined);
    }
    await env.sleep(1000);
    const latest = env.client.workflow.getHandle(handle.workflowId);
    const description = await latest.describe();
    expect(description.runId).not.toBe(first);
    const state = await latest.query(getCaseState);
    expect(state.stage).toBe('planning');
    expect(state.plan?.status).toBe('submitted');
    expect(state.counsellingSessions).toBeGreaterThanOrEqual(1);
    const approved = await latest.executeUpdate(caseStepUpdates.recordApproval, {
      args: [{ actor: supervisor, subject: 'plan', decision: 'approved' }],
    });
    expect(approved.stage).toBe('disbursing');
  });
});

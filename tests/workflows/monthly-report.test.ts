import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import type { ReportActivities } from '../../activities/report-activities';
import { monthPeriod } from '../../domain/reporting-month';
import { monthlyProgrammeReport } from '../../workflows/monthly-report';
import { runWithWorker, startTimeSkippingEnv } from '../support/time-skipping';

const HOUR = 3_600_000;

/** Stands in for the report activity and its outbox: one mail per month, whatever runs for it. */
function outboxActivities() {
  const mailed: { from: string; to: string }[] = [];
  const sentMonths = new Set<string>();
  const asked: string[] = [];
  const activities: ReportActivities = {
    async sendMonthlyProgrammeReport({ month }) {
      asked.push(month);
      if (sentMonths.has(month)) return 'already_sent';
      sentMonths.add(month);
      mailed.push(monthPeriod(month));
      return 'sent';
    },
  };
  return { mailed, asked, activities };
}

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

type StartOptions = { args?: [{ month?: string }] };

async function withWorker<T>(activities: ReportActivities, body: (run: (options?: StartOptions) => Promise<unknown>) => Promise<T>): Promise<T> {
  const taskQueue = `report-${randomUUID()}`;
  // A plain client: the time-skipping one skips the clock to a finished run's ten-year timeout while it waits for the result.
  const client = new Client({ connection: env.connection, namespace: env.namespace });
  const run = (options: StartOptions = {}) =>
    client.workflow.execute(monthlyProgrammeReport, { workflowId: `report:monthly-${randomUUID()}`, taskQueue, args: options.args ?? [{}] });
  return runWithWorker(env, { taskQueue, activities, started: [] }, () => body(run));
}

const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

test('each month reports on the month before, once: a second run for the same month sends nothing', async () => {
  const { mailed, asked, activities } = outboxActivities();
  await withWorker(activities, async (run) => {
    const now = await env.currentTimeMs();
    const today = new Date(now);
    const startOfMonth = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1);
    const previousMonth = monthOf(startOfMonth - 1);

    expect(await run()).toEqual({ month: previousMonth, delivery: 'sent' });

    // The next 1st at 06:00 (Africa/Bamako is UTC): the month that was current is reported.
    const nextFirst = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1, 6);
    await env.sleep(nextFirst - now + HOUR);
    expect(await run()).toEqual({ month: monthOf(now), delivery: 'sent' });
    // Triggered again by hand the same month: the outbox finds it sent.
    expect(await run()).toEqual({ month: monthOf(now), delivery: 'already_sent' });

    expect(asked).toEqual([previousMonth, monthOf(now), monthOf(now)]);
    expect(mailed).toEqual([monthPeriod(previousMonth), monthPeriod(monthOf(now))]);
    expect(mailed[1].from).toBe(`${monthOf(now)}-01`);
  });
});

test('a month named by hand is reported (a leap February ends on the 29th); a malformed one fails at once', async () => {
  const { mailed, activities } = outboxActivities();
  await withWorker(activities, async (run) => {
    expect(await run({ args: [{ month: '2024-02' }] })).toEqual({ month: '2024-02', delivery: 'sent' });
    expect(mailed).toEqual([{ from: '2024-02-01', to: '2024-02-29' }]);
    await expect(run({ args: [{ month: '2024-13' }] })).rejects.toMatchObject({ cause: { type: 'invalid_input' } });
    expect(mailed).toHaveLength(1);
  });
});

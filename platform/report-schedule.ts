import { type Client, ScheduleAlreadyRunning, type ScheduleOptionsStartWorkflowAction, type ScheduleSpec } from '@temporalio/client';
import { monthlyReportSummary } from '../domain/cover-page';
import { monthlyProgrammeReport } from '../workflows/monthly-report';
import type { Config } from './config';

/** The Schedule managers find under Schedules in the Temporal UI (and trigger by hand there). */
export const MONTHLY_REPORT_SCHEDULE_ID = 'report:monthly';

/** The 1st of each month at 06:00 in the programme's time zone (Africa/Bamako, UTC all year). */
const MONTHLY: ScheduleSpec = {
  calendars: [{ dayOfMonth: 1, hour: 6, minute: 0, comment: "the previous month's programme report" }],
  timezone: 'Africa/Bamako',
};

/**
 * Makes sure the monthly report's Schedule exists as this version defines it: created the first
 * time, updated on every later start (a changed task queue or time reaches the server). Whether a
 * manager paused it in the UI is kept. Each run's workflow id is the schedule's id followed by the
 * time it was due (`report:monthly-2026-11-01T06:00:00Z`): one per month; SKIP keeps a second run
 * from starting while one is still sending.
 */
export async function upsertMonthlyReportSchedule(client: Client, config: Config): Promise<'created' | 'updated'> {
  const action: ScheduleOptionsStartWorkflowAction<typeof monthlyProgrammeReport> = {
    type: 'startWorkflow',
    workflowType: monthlyProgrammeReport,
    workflowId: MONTHLY_REPORT_SCHEDULE_ID,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{}],
    staticSummary: monthlyReportSummary(),
  };
  const policies = { overlap: 'SKIP' as const };
  try {
    await client.schedule.create({ scheduleId: MONTHLY_REPORT_SCHEDULE_ID, spec: MONTHLY, action, policies });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(MONTHLY_REPORT_SCHEDULE_ID).update((previous) => ({ spec: MONTHLY, action, policies, state: previous.state }));
  return 'updated';
}

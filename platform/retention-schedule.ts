import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleOptionsStartWorkflowAction, type ScheduleSpec } from '@temporalio/client';
import { retentionSweep } from '../workflows/erasure';
import type { Config } from './config';

/** The Schedule of the daily retention sweep, under Schedules in the Temporal UI. */
export const RETENTION_SCHEDULE_ID = 'erasure:retention';

/** Every day at 02:00 in the programme's time zone (Africa/Bamako, UTC all year), out of office hours. */
const DAILY: ScheduleSpec = {
  calendars: [{ hour: 2, minute: 0, comment: 'erase cases closed longer ago than RETENTION_AFTER_CLOSURE' }],
  timezone: 'Africa/Bamako',
};

/**
 * With RETENTION_AFTER_CLOSURE set, makes sure the daily sweep's Schedule exists as this version
 * defines it (created, or updated keeping a manager's pause); without it, removes the Schedule, so
 * that nothing is erased on a schedule nobody configured. The sweep reads the period when it runs.
 */
export async function upsertRetentionSchedule(client: Client, config: Config): Promise<'created' | 'updated' | 'removed' | 'none'> {
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  if (config.RETENTION_AFTER_CLOSURE === undefined) {
    try {
      await handle.delete();
      return 'removed';
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return 'none';
      throw error;
    }
  }
  const action: ScheduleOptionsStartWorkflowAction<typeof retentionSweep> = {
    type: 'startWorkflow',
    workflowType: retentionSweep,
    workflowId: RETENTION_SCHEDULE_ID,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [],
  };
  const policies = { overlap: 'SKIP' as const };
  try {
    await client.schedule.create({ scheduleId: RETENTION_SCHEDULE_ID, spec: DAILY, action, policies });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await handle.update((previous) => ({ spec: DAILY, action, policies, state: previous.state }));
  return 'updated';
}

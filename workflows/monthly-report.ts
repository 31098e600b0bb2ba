import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReportActivities } from '../activities/report-activities';
import { isReportingMonth, monthBefore } from '../domain/reporting-month';

const acts = proxyActivities<ReportActivities>({
  // Building a month's report reads the whole period; SMTP may be away for a while: never give up.
  startToCloseTimeout: '5m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m' },
});

/** Set by Temporal on every run a Schedule starts (a manual trigger included): the time it was due. */
const TemporalScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export interface MonthlyReportInput {
  /** `YYYY-MM`, to send a month by hand (e.g. one before the schedule existed); default the month before the run was due. */
  month?: string;
}

/** When this run was due: the schedule's time, or, started some other way, the run's own start. */
function dueAt(): Date {
  const info = workflowInfo();
  return info.typedSearchAttributes.get(TemporalScheduledStartTime) ?? info.startTime;
}

/**
 * The programme report of one month, e-mailed to the programme manager. The Schedule `report:monthly`
 * starts it on the 1st; the month comes from when the run was due, not when it ran, so a run delayed
 * by an outage still reports on the right month. The activity sends once per month (the outbox key),
 * so a retry or a second trigger sends nothing new.
 */
export async function monthlyProgrammeReport(input: MonthlyReportInput = {}): Promise<{ month: string; delivery: 'sent' | 'already_sent' }> {
  if (input.month !== undefined && !isReportingMonth(input.month)) {
    throw ApplicationFailure.nonRetryable(`"${input.month}" is not a month such as 2026-10`, 'invalid_input');
  }
  const month = input.month ?? monthBefore(dueAt());
  return { month, delivery: await acts.sendMonthlyProgrammeReport({ month }) };
}

import type { ScheduleHandle } from '@temporalio/client';
import { monthBefore } from '../../domain/reporting-month';
import { MONTHLY_REPORT_SCHEDULE_ID, upsertMonthlyReportSchedule } from '../../platform/report-schedule';
import type { monthlyProgrammeReport } from '../../workflows/monthly-report';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let handle: ScheduleHandle;

beforeAll(async () => {
  stack = await startTestStack({ PROGRAMME_MANAGER_EMAIL: 'pm@sira.test' });
});

afterAll(async () => {
  await handle?.delete().catch(() => undefined);
  await stack?.stop();
});

/** The workflow the schedule's n-th action started, once it has finished. */
async function nthRun(n: number): Promise<Awaited<ReturnType<typeof monthlyProgrammeReport>>> {
  for (let i = 0; i < 100; i++) {
    const action = (await handle.describe()).info.recentActions[n - 1];
    if (action) return stack.client.workflow.getHandle<typeof monthlyProgrammeReport>(action.action.workflow.workflowId).result();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the schedule took no action ${n}`);
}

const toManager = () => stack.smtp.messages.filter((m) => m.to.includes('pm@sira.test'));

test('the monthly report schedule is upserted once, and a trigger mails the report once per month, CSV attached', async () => {
  expect(await upsertMonthlyReportSchedule(stack.client, stack.config)).toBe('created');
  expect(await upsertMonthlyReportSchedule(stack.client, stack.config)).toBe('updated');
  handle = stack.client.schedule.getHandle(MONTHLY_REPORT_SCHEDULE_ID);

  const described = await handle.describe();
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'monthlyProgrammeReport', taskQueue: stack.taskQueue });
  expect(described.spec.timezone).toBe('Africa/Bamako');
  expect(described.spec.calendars).toEqual([expect.objectContaining({ dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 6, end: 6, step: 1 }] })]);
  expect(described.policies.overlap).toBe('SKIP');
  let listed: string[] = [];
  for (let i = 0; i < 50 && listed.length === 0; i++) {
    listed = [];
    for await (const schedule of stack.client.schedule.list()) if (schedule.scheduleId === MONTHLY_REPORT_SCHEDULE_ID) listed.push(schedule.scheduleId);
    if (listed.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  expect(listed).toEqual([MONTHLY_REPORT_SCHEDULE_ID]);

  // As a manager does from the Temporal UI.
  const month = monthBefore(new Date());
  await handle.trigger();
  expect(await nthRun(1)).toEqual({ month, delivery: 'sent' });
  const mail = await stack.smtp.waitFor((m) => m.to.includes('pm@sira.test'));
  expect(mail.subject).toMatch(/^Bilan mensuel du programme — /);
  expect(mail.html).toContain('<');
  expect(mail.messageId).toBe(`<report.monthly.${month}@sira>`);
  const [csv, ...more] = mail.parsed.attachments;
  expect(more).toEqual([]);
  expect(csv).toMatchObject({ filename: `sira-report-${month}.csv`, contentType: 'text/csv' });
  expect(csv.content.toString('utf8')).toMatch(/^\uFEFF?key,value,women,girls,boys,definition/);

  // Triggered again the same month: the outbox finds it sent.
  await handle.trigger();
  expect(await nthRun(2)).toEqual({ month, delivery: 'already_sent' });
  expect(toManager()).toHaveLength(1);
  expect(await stack.db('notifications').where({ key: `report:monthly:${month}` }).select('status', 'kind', 'recipient')).toEqual([
    { status: 'sent', kind: 'monthly_report', recipient: 'pm@sira.test' },
  ]);

  // A run due on 1 March (taken late, as after an outage) reports on February, not on the month before now.
  await handle.backfill({ start: new Date('2026-03-01T05:59:00Z'), end: new Date('2026-03-01T06:01:00Z') });
  expect(await nthRun(3)).toEqual({ month: '2026-02', delivery: 'sent' });
  const february = await stack.smtp.waitFor((m) => m.messageId === '<report.monthly.2026-02@sira>');
  expect(february.parsed.attachments.map((a) => a.filename)).toEqual(['sira-report-2026-02.csv']);
  expect(toManager()).toHaveLength(2);
});

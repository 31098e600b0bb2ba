/**
 * The calendar month a monthly report covers. The programme's time zone is Africa/Bamako, which is
 * UTC all year (no daylight saving), so UTC calendar fields are Bamako's.
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isReportingMonth = (month: string): boolean => MONTH.test(month);

/** The month before the one `at` falls in, as `YYYY-MM`: a run on 1 November reports on October. */
export function monthBefore(at: Date): string {
  const previous = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1));
  return `${previous.getUTCFullYear()}-${String(previous.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month's first and last days, both included, as the report's period takes them. */
export function monthPeriod(month: string): { from: string; to: string } {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`"${month}" is not a month such as 2026-10`);
  const lastDay = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(lastDay).padStart(2, '0')}` };
}

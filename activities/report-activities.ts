import { isNotificationSent } from '../db/queries/notifications';
import { monthPeriod } from '../domain/reporting-month';
import { buildProgrammeReport, reportCsv, reportHtml } from '../platform/programme-report';
import type { ActivityDeps } from './case-activities';
import { sendOnce } from './outbox';

/** The outbox key of a month's report: whatever runs for that month, the programme manager gets it once. */
export const monthlyReportKey = (month: string) => `report:monthly:${month}`;

const SUBJECT = {
  fr: (month: string) => `Bilan mensuel du programme — ${monthName(month, 'fr')}`,
  en: (month: string) => `Monthly programme report — ${monthName(month, 'en')}`,
};

const INTRO = {
  fr: (month: string) => `Bilan du programme pour ${monthName(month, 'fr')}, tous centres. Les chiffres et leurs définitions sont dans le tableau CSV joint.`,
  en: (month: string) => `Programme report for ${monthName(month, 'en')}, all centres. The figures and their definitions are in the attached CSV.`,
};

/** "octobre 2026", "October 2026": the month in the programme's time zone (Africa/Bamako, UTC). */
const monthName = (month: string, lang: 'fr' | 'en') =>
  new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));

/** Activities of the monthly report workflow. */
export function createReportActivities({ db, mailer, config }: ActivityDeps) {
  return {
    /**
     * Builds the month's programme report (all centres, in REPORT_LANGUAGE) and e-mails it to the
     * programme manager: the HTML page as the body, the CSV attached. Once per month: a month
     * already sent is not even built again.
     */
    async sendMonthlyProgrammeReport({ month }: { month: string }): Promise<'sent' | 'already_sent'> {
      const key = monthlyReportKey(month);
      if (await isNotificationSent(db, key)) return 'already_sent';
      const lang = config.REPORT_LANGUAGE;
      const report = await buildProgrammeReport(db, { ...monthPeriod(month), lang });
      const figures = Object.entries(report.figures).map(([name, figure]) => `  ${name}: ${figure.value}`);
      return sendOnce(db, mailer, {
        key,
        kind: 'monthly_report',
        to: config.PROGRAMME_MANAGER_EMAIL,
        subject: SUBJECT[lang](month),
        text: [INTRO[lang](month), '', ...figures].join('\n'),
        html: reportHtml(report),
        attachments: [{ filename: `sira-report-${month}.csv`, content: reportCsv(report), contentType: 'text/csv; charset=utf-8' }],
      });
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;

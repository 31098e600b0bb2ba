import { z } from 'zod';
import { REPORT_LANGUAGES } from '../../domain/report';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;

/** The period is checked as a period in the handler (a 422 naming `from` or `to`). */
export const ProgrammeReportQuery = z.object({
  from: z.string().max(10).describe('First day of the period, YYYY-MM-DD (included)'),
  to: z.string().max(10).describe('Last day of the period, YYYY-MM-DD (included)'),
  centre: z
    .string()
    .regex(/^[A-Z0-9-]{2,20}$/, 'must be a centre code such as BKO-MMEIA')
    .optional()
    .describe("One centre; a supervisor's own centres by default"),
  lang: z.enum(REPORT_LANGUAGES).default('fr').describe('Language of the definitions and the page'),
  format: z.enum(REPORT_FORMATS).default('json').describe('json, csv (one row per figure) or html (a printable page with charts)'),
});

const Figure = z.object({
  value: z.number().nullable(),
  women: z.number().int().optional(),
  girls: z.number().int().optional(),
  boys: z.number().int().optional(),
  definition: z.string(),
});

export const ProgrammeReportSchema = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  centre: z.string().nullable(),
  lang: z.enum(REPORT_LANGUAGES),
  generatedAt: z.string(),
  figures: z.record(z.string(), Figure),
  breakdowns: z.record(
    z.string(),
    z.object({ definition: z.string(), rows: z.array(z.object({ label: z.string(), value: z.number().int(), women: z.number().int().optional() })) }),
  ),
});

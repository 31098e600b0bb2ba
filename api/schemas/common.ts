import { CLOCK_SKEW_MS } from '../../domain/clock';
import { z } from 'zod';

export const CountryCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as MLI');
/** Dates Sira keeps: from a date of birth in 1900 to plans and documents valid until 2100. */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2100;
const YEAR_RANGE = `must fall between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}`;
const yearOf = (value: string) => Number(value.slice(0, 4));
const inYearRange = (value: string) => yearOf(value) >= EARLIEST_YEAR && yearOf(value) <= LATEST_YEAR;
/** UTC offsets in use on Earth run from -12:00 to +14:00; Postgres refuses some beyond that. */
const offsetMinutes = (value: string) => {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
};

export const IsoDate = z.iso
  .date({ message: 'must be a date such as 1998-04-21' })
  .refine(inYearRange, YEAR_RANGE);
export const IsoDateTime = z.iso
  .datetime({ offset: true, message: 'must be a date-time such as 2019-04-12T14:30:00Z' })
  .refine((v) => Math.abs(offsetMinutes(v)) <= 14 * 60, 'must have a UTC offset between -14:00 and +14:00')
  .refine(inYearRange, YEAR_RANGE);
export const Uuid = z.uuid({ message: 'must be a UUID' });
export const Text = (max = 200) => z.string().trim().min(1, 'must not be empty').max(max);
/** Amounts in XOF, up to what a Postgres integer holds (two billion XOF, far above any plan's ceiling). */
export const Xof = z.number().int('must be a whole number of XOF').nonnegative().max(2_000_000_000);
export const Phone = z.string().regex(/^\+?[0-9 ]{6,20}$/, 'must be a phone number such as +223 70 00 00 00');

export const CaseIdParams = z.object({ caseId: Uuid });

export const Page = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

/**
 * When a step happened, for one recorded later from paper (default: now). Never in the future, never
 * before the case's previous step. Steps that name their own date (heldAt, paidAt, visitedAt,
 * departedAt) do not take it.
 */
export const OccurredAt = {
  occurredAt: IsoDateTime.refine(
    (d) => Date.parse(d) <= Date.now() + CLOCK_SKEW_MS,
    'must not be in the future',
  )
    .optional()
    .meta({ description: 'When it happened, if recorded later (default now); not before the previous step' }),
};

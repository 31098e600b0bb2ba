import { z } from 'zod';

export const CountryCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as MLI');
export const IsoDate = z.iso.date({ message: 'must be a date such as 1998-04-21' });
export const IsoDateTime = z.iso.datetime({ offset: true, message: 'must be a date-time such as 2019-04-12T14:30:00Z' });
export const Uuid = z.uuid({ message: 'must be a UUID' });
export const Text = (max = 200) => z.string().trim().min(1, 'must not be empty').max(max);
export const Xof = z.number().int('must be a whole number of XOF').nonnegative();

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

import { z } from 'zod';
import { DOCUMENT_TYPES, TRAVEL_DOCUMENT_STATUSES } from '../../domain/travel-document';
import { CountryCode, IsoDate, IsoDateTime, Page, Text, Uuid } from './common';

export const TravelDocumentRequestSchema = z
  .object({
    documentType: z.enum(DOCUMENT_TYPES),
    plannedDeparture: IsoDate.or(IsoDateTime),
    replaces: Uuid.optional().meta({
      description:
        "The case's current request, still awaiting the embassy, that this one replaces (it is cancelled). " +
        'Not needed when the current request was escalated, cancelled, refused or expired.',
    }),
  })
  .meta({ id: 'TravelDocumentRequest' });

export const CreatedTravelDocument = z.object({
  requestId: z.uuid(),
  workflowId: z.string(),
  status: z.enum(TRAVEL_DOCUMENT_STATUSES),
});

export const RequestIdParams = z.object({ requestId: Uuid });

export const TravelDocumentListQuery = Page.extend({
  status: z.enum(TRAVEL_DOCUMENT_STATUSES).optional(),
  country: CountryCode.optional(),
  caseId: Uuid.optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export const CancellationSchema = z.object({ reason: Text(500) });

/** A date-time from a form's `datetime-local` field (no zone: Bamako time, which is UTC) or with an offset. */
const InterviewAt = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/, 'must be a date and time such as 2026-05-04T10:30')
  .transform((v) => (/(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v}Z`).replace(/(T\d{2}:\d{2})(?=Z|[+-])/, '$1:00'))
  .pipe(IsoDateTime)
  .transform((v) => new Date(v).toISOString());

/** The liaison's answer: the page's form fields, or the same as JSON. */
export const LiaisonAnswerSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('issued'), documentNumber: Text(64), validUntil: IsoDate }),
  z.object({ decision: z.literal('interview'), interviewAt: InterviewAt, interviewPlace: Text(200) }),
  z.object({ decision: z.literal('refused'), reason: Text(1000) }),
]);

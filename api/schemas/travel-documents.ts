import { z } from 'zod';
import { HELD_DOCUMENT_TYPES } from '../../domain/case-steps';
import { DOCUMENT_TYPES, TRAVEL_DOCUMENT_STATUSES } from '../../domain/travel-document';
import { CountryCode, IsoDate, IsoDateTime, OccurredAt, Page, Text, Uuid } from './common';

export const TravelDocumentRequestSchema = z
  .object({
    documentType: z.enum(DOCUMENT_TYPES).optional().meta({ description: 'The document asked of the embassy (not with existingDocument)' }),
    plannedDeparture: IsoDate.or(IsoDateTime),
    ...OccurredAt,
    existingDocument: z
      .object({ type: z.enum(HELD_DOCUMENT_TYPES), number: Text(64), validUntil: IsoDate })
      .optional()
      .meta({ description: 'A valid document the migrant already holds: recorded as issued, no embassy is asked' }),
    replaces: Uuid.optional().meta({
      description:
        "The case's current request, still awaiting the embassy, that this one replaces (it is cancelled). " +
        'Not needed when the current request was escalated, cancelled, refused or expired.',
    }),
  })
  .superRefine((b, ctx) => {
    if (!b.documentType && !b.existingDocument) {
      ctx.addIssue({ code: 'custom', path: ['documentType'], message: 'name the document to ask the embassy for, or give existingDocument' });
    }
    if (b.documentType && b.existingDocument) {
      ctx.addIssue({ code: 'custom', path: ['existingDocument'], message: 'a request asks the embassy or records a held document, not both' });
    }
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

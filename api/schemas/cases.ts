import { CLOCK_SKEW_MS } from '../../domain/clock';
import { z } from 'zod';
import { MANUAL_CLOSURE_REASONS, STAGES, TRACKS } from '../../domain/stages';
import { CENTRE_CODES, REGIONS } from '../../domain/reference';
import { ARRIVAL_MODES } from '../../domain/registration';
import { ELIGIBILITY_DECISIONS } from '../../domain/eligibility';
import { PLAN_DIMENSIONS, PLAN_TYPES } from '../../domain/case-state';
import {
  BEST_INTERESTS_DETERMINATIONS,
  TRACING_OUTCOMES,
  TRACING_STATUSES,
} from '../../domain/minor-safeguards';
import { ageOn, isMinorOn } from '../../domain/age';
import { CountryCode, IsoDate, IsoDateTime, OccurredAt, Page, Text, Uuid, Xof } from './common';

export const VULNERABILITIES = [
  'medical_condition',
  'disability',
  'mental_health',
  'pregnant',
  'elderly',
  'single_parent',
  'victim_of_trafficking',
  'gbv_survivor',
  'torture_survivor',
] as const;

const MAX_AGE_YEARS = 120;

export const PersonSchema = z.object({
  familyName: Text(100),
  givenName: Text(100),
  sex: z.enum(['F', 'M', 'X']),
  dateOfBirth: IsoDate.refine((d) => Date.parse(d) <= Date.now(), 'must not be in the future').refine(
    (d) => ageOn(d, Date.now()) <= MAX_AGE_YEARS,
    `must be within the last ${MAX_AGE_YEARS} years`,
  ),
  nationality: CountryCode,
  phone: z
    .string()
    .regex(/^\+?[0-9 ]{6,20}$/, 'must be a phone number such as +223 70 00 00 00')
    .optional(),
});

export const RegistrationSchema = z
  .object({
    person: PersonSchema,
    arrival: z.object({
      mode: z.enum(ARRIVAL_MODES),
      arrivedAt: IsoDateTime.refine(
        (d) => Date.parse(d) <= Date.now() + CLOCK_SKEW_MS,
        'must not be in the future',
      ),
      fromCountry: CountryCode,
      flightId: Text(64).optional(),
    }),
    centreCode: z.enum(CENTRE_CODES),
    residenceRegion: z.enum(REGIONS).optional(),
    vulnerabilities: z.array(z.enum(VULNERABILITIES)).max(VULNERABILITIES.length).default([]),
    unaccompaniedMinor: z.boolean(),
    biometricRef: Text(64).optional(),
    documentNumber: Text(64).optional(),
    consentToDataProcessing: z.literal(true, {
      message: 'the returnee must consent to data processing (true)',
    }),
  })
  .superRefine((r, ctx) => {
    if (r.unaccompaniedMinor && !isMinorOn(r.person.dateOfBirth, r.arrival.arrivedAt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['unaccompaniedMinor'],
        message: 'an unaccompanied minor must be under 18 at arrival',
      });
    }
    if (Date.parse(r.arrival.arrivedAt) < Date.parse(r.person.dateOfBirth)) {
      ctx.addIssue({
        code: 'custom',
        path: ['arrival', 'arrivedAt'],
        message: 'must be after the date of birth',
      });
    }
    if (r.arrival.mode === 'charter' && !r.arrival.flightId) {
      ctx.addIssue({
        code: 'custom',
        path: ['arrival', 'flightId'],
        message: 'a charter arrival names its flight',
      });
    }
  })
  .meta({ id: 'Registration' });

export type RegistrationBody = z.output<typeof RegistrationSchema>;

export const CaseListQuery = Page.extend({
  stage: z.enum(STAGES).optional(),
  centre: z.enum(CENTRE_CODES).optional(),
  track: z.enum(TRACKS).optional(),
  nationality: CountryCode.optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  suspended: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export const ReceptionSchema = z.object({
  ...OccurredAt,
  centreCode: z.enum(CENTRE_CODES),
  cashGrantXof: Xof.optional(),
  medical: z.object({ provided: z.boolean(), notes: Text(1000).optional() }).optional(),
  psychologicalFirstAid: z.boolean().optional(),
  referrals: z
    .array(z.object({ kind: z.enum(['health', 'legal', 'psychosocial']), to: Text(200) }))
    .max(20)
    .optional(),
});

export const CounsellingSchema = z.object({ heldAt: IsoDateTime, summary: Text(2000).optional() });

export const EligibilitySchema = z.object({
  ...OccurredAt,
  decision: z.enum(ELIGIBILITY_DECISIONS),
  criteria: z.object({
    returnedThroughProgramme: z.boolean(),
    withinProgrammeWindow: z.boolean(),
    notPreviouslyAssisted: z.boolean(),
    vulnerabilityScreeningDone: z.boolean(),
  }),
  reason: Text(1000),
});

export const PlanSchema = z.object({
  ...OccurredAt,
  type: z.enum(PLAN_TYPES),
  projectId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{3,64}$/, 'must be 3–64 letters, digits, dots, dashes or underscores')
    .optional(),
  sector: Text(100),
  budgetXof: Xof.min(1, 'must be positive'),
  dimensions: z
    .array(z.enum(PLAN_DIMENSIONS))
    .min(1)
    .refine((d) => new Set(d).size === d.length, 'must not repeat'),
});

export const ApprovalSchema = z.object({
  ...OccurredAt,
  subject: z.enum(['eligibility', 'plan', 'tranche', 'closure', 'cash_grant']),
  decision: z.enum(['approved', 'rejected']),
  ref: z.number().int().min(1).max(10_000).optional(),
  comment: Text(1000).optional(),
});

export const TrancheSchema = z
  .object({
    ...OccurredAt,
    amountXof: Xof.min(1, 'must be positive'),
    vendorId: Uuid.meta({
      description: 'A vendor of the reference data (GET /v1/vendors), never the returnee',
    }),
    items: z
      .array(
        z.object({
          description: Text(200),
          quantity: z.number().int().min(1),
          unitCostXof: Xof.min(1, 'must be positive'),
        }),
      )
      .min(1, 'a tranche pays for at least one item')
      .max(100),
  })
  .superRefine((t, ctx) => {
    const total = t.items.reduce((sum, i) => sum + i.quantity * i.unitCostXof, 0);
    if (total !== t.amountXof)
      ctx.addIssue({
        code: 'custom',
        path: ['items'],
        message: `the items add up to ${total} XOF, not to amountXof ${t.amountXof}`,
      });
  });

export const TrancheParams = z.object({ caseId: z.uuid(), n: z.coerce.number().int().min(1).max(10_000) });
export const TranchePaymentSchema = z.object({
  paidAt: IsoDateTime.optional(),
  reference: Text(100).meta({ description: "The vendor's receipt or the transfer's reference" }),
});
export const TrancheCancellationSchema = z.object({ ...OccurredAt, reason: Text(500) });
export const BudgetReductionSchema = z.object({ ...OccurredAt, budgetXof: Xof, reason: Text(1000) });
export const ReopeningSchema = z.object({ ...OccurredAt, reason: Text(1000) });
export const PlannedDepartureSchema = z.object({ ...OccurredAt, plannedDeparture: IsoDate.or(IsoDateTime) });

const Score = z.number().min(0).max(1);
export const MonitoringVisitSchema = z.object({
  visitedAt: IsoDateTime,
  scores: z.object({ economic: Score, social: Score, psychosocial: Score }),
});

export const MinorSafeguardsSchema = z
  .object({
    ...OccurredAt,
    bestInterests: z.object({
      assessedAt: IsoDateTime.refine(
        (d) => Date.parse(d) <= Date.now() + CLOCK_SKEW_MS,
        'must not be in the future',
      ),
      reference: Text(64),
      determination: z.enum(BEST_INTERESTS_DETERMINATIONS),
      notes: Text(2000).optional(),
    }),
    familyTracing: z.object({
      status: z.enum(TRACING_STATUSES),
      outcome: z.enum(TRACING_OUTCOMES).optional(),
      alternativeCare: Text(1000).optional(),
    }),
    consents: z.object({ minor: z.boolean(), guardian: z.boolean() }),
    escort: Text(200).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.familyTracing.status === 'done' && !s.familyTracing.outcome) {
      ctx.addIssue({
        code: 'custom',
        path: ['familyTracing', 'outcome'],
        message: 'a finished tracing states its outcome',
      });
    }
  });

export const ClosureSchema = z.object({
  ...OccurredAt,
  reason: z.enum(MANUAL_CLOSURE_REASONS, {
    message: `must be one of ${MANUAL_CLOSURE_REASONS.join(', ')} (a case completes by its journey; ineligibility is an eligibility decision)`,
  }),
  comment: Text(1000).optional(),
});
export const SuspensionSchema = z.object({ ...OccurredAt, reason: Text(500) });
export const ResumeSchema = z.object({ ...OccurredAt, reason: Text(500).optional() });

export const DepartureSchema = z.object({
  departedAt: IsoDateTime,
  transport: Text(200),
  handoverTo: Text(200),
});

export const BulkSuspensionSchema = z
  .object({
    caseIds: z.array(z.uuid()).min(1).max(10_000).optional(),
    query: z
      .object({
        centre: z.enum(CENTRE_CODES).optional(),
        stage: z.enum(STAGES).optional(),
        nationality: CountryCode.optional(),
        track: z.enum(TRACKS).optional(),
      })
      .strict()
      .optional(),
    reason: Text(500),
    // The hold's business date, for a batch recorded from paper (each case checks it against its own history).
    ...OccurredAt,
  })
  .refine((b) => (b.caseIds === undefined) !== (b.query === undefined), {
    message: 'give either caseIds or query, not both',
    path: ['caseIds'],
  });

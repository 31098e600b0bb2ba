import { CLOCK_SKEW_MS } from '../../domain/clock';
import { z } from 'zod';
import { isMinorOn } from '../../domain/age';
import { FLIGHT_STATUSES } from '../../domain/flight';
import { BEST_INTERESTS_DETERMINATIONS, TRACING_OUTCOMES, TRACING_STATUSES } from '../../domain/minor-safeguards';
import { CENTRE_CODES, REGIONS } from '../../domain/reference';
import type { FieldError } from '../problem';
import { PersonSchema, VULNERABILITIES } from './cases';
import { IsoDateTime, Page, Text, Uuid } from './common';

const MAX_CAPACITY = 500;
const notFuture = (d: string) => Date.parse(d) <= Date.now() + CLOCK_SKEW_MS;

export const Airport = z.string().regex(/^[A-Z]{3}-[A-Z]{3}$/, 'must be a country and an airport such as LBY-TIP');

export const FlightIdParams = z.object({ flightId: Uuid });
export const PassengerParams = z.object({ flightId: Uuid, passengerId: Uuid });

export const FlightPlanSchema = z
  .object({
    flightNumber: z.string().trim().regex(/^[A-Z0-9][A-Z0-9 -]{1,15}$/, 'must be a flight number such as 5A 1033'),
    origin: Airport,
    destination: Airport,
    scheduledDeparture: IsoDateTime.refine((d) => Date.parse(d) >= Date.now() - CLOCK_SKEW_MS, 'must not be in the past'),
    capacity: z.number().int('must be a whole number of seats').min(1).max(MAX_CAPACITY),
  })
  .refine((f) => f.origin !== f.destination, { path: ['destination'], message: 'must differ from the origin' })
  .meta({ id: 'FlightPlan' });

/**
 * An unaccompanied minor's safeguards as a manifest entry carries them (domain/minor-safeguards.ts);
 * the escort is the entry's own `escort`.
 */
export const PassengerSafeguardsSchema = z
  .object({
    bestInterests: z.object({
      assessedAt: IsoDateTime.refine(notFuture, 'must not be in the future'),
      reference: Text(64),
      determination: z.enum(BEST_INTERESTS_DETERMINATIONS),
    }),
    familyTracing: z.object({
      status: z.enum(TRACING_STATUSES),
      outcome: z.enum(TRACING_OUTCOMES).optional(),
      alternativeCare: Text(1000).optional(),
    }),
    consents: z.object({ minor: z.boolean(), guardian: z.boolean() }),
  })
  .superRefine((s, ctx) => {
    if (s.familyTracing.status === 'done' && !s.familyTracing.outcome) {
      ctx.addIssue({ code: 'custom', path: ['familyTracing', 'outcome'], message: 'a finished tracing states its outcome' });
    }
  })
  .meta({ id: 'PassengerSafeguards' });

/** A child's safeguards come with the entry, or from the case the child already has (`caseId`): not both. */
const safeguardsOrCase = { safeguards: PassengerSafeguardsSchema.optional(), caseId: Uuid.optional() };
const oneSourceOfSafeguards = (s: { safeguards?: unknown; caseId?: string }, ctx: z.RefinementCtx) => {
  if (s.safeguards && s.caseId) {
    ctx.addIssue({ code: 'custom', path: ['caseId'], message: "give the child's safeguards or the caseId that records them, not both" });
  }
};

export const PassengerSchema = z
  .object({
    person: PersonSchema,
    residenceRegion: z.enum(REGIONS).optional(),
    vulnerabilities: z.array(z.enum(VULNERABILITIES)).max(VULNERABILITIES.length).default([]),
    unaccompaniedMinor: z.boolean(),
    escort: Text(200).optional(),
    ...safeguardsOrCase,
    biometricRef: Text(64).optional(),
    documentNumber: Text(64).optional(),
    consentSignedAt: IsoDateTime.refine(notFuture, 'must not be in the future'),
    fitToTravelAt: IsoDateTime.refine(notFuture, 'must not be in the future'),
  })
  .superRefine((p, ctx) => {
    oneSourceOfSafeguards(p, ctx);
    if (!p.unaccompaniedMinor && (p.safeguards || p.caseId)) {
      ctx.addIssue({ code: 'custom', path: [p.safeguards ? 'safeguards' : 'caseId'], message: 'only an unaccompanied minor carries safeguards' });
    }
    if (!p.biometricRef && !p.documentNumber) {
      ctx.addIssue({ code: 'custom', path: ['biometricRef'], message: 'a passenger needs a biometricRef or a documentNumber' });
    }
  })
  .meta({ id: 'Passenger' });

/**
 * An unaccompanied minor is one on the day the flight leaves: under 18, in calendar years, on its
 * scheduled departure. Checked against the flight, which the body's schema does not know.
 */
export function minorAtDeparture(p: { unaccompaniedMinor: boolean; person: { dateOfBirth: string } }, scheduledDeparture: string): FieldError[] {
  if (!p.unaccompaniedMinor || isMinorOn(p.person.dateOfBirth, scheduledDeparture)) return [];
  return [{ path: 'unaccompaniedMinor', message: `an unaccompanied minor must be under 18 on the scheduled departure (${scheduledDeparture})` }];
}

export const PassengerChecksSchema = z
  .object({
    consentSignedAt: IsoDateTime.refine(notFuture, 'must not be in the future').optional(),
    fitToTravelAt: IsoDateTime.refine(notFuture, 'must not be in the future').optional(),
    escort: Text(200).optional(),
    ...safeguardsOrCase,
  })
  .superRefine(oneSourceOfSafeguards)
  .refine((c) => c.consentSignedAt || c.fitToTravelAt || c.escort || c.safeguards || c.caseId, {
    message: 'give at least one of consentSignedAt, fitToTravelAt, escort, safeguards, caseId',
  });

export const RescheduleSchema = z.object({
  scheduledDeparture: IsoDateTime.refine((d) => Date.parse(d) >= Date.now() - CLOCK_SKEW_MS, 'must not be in the past'),
});

export const DepartureSchema = z.object({
  departedAt: IsoDateTime.refine(notFuture, 'must not be in the future'),
  noShows: z.array(Uuid).max(MAX_CAPACITY).default([]),
});

export const ArrivalSchema = z.object({
  arrivedAt: IsoDateTime.refine(notFuture, 'must not be in the future'),
  centreCode: z.enum(CENTRE_CODES),
});

export const CancellationSchema = z.object({ reason: Text(500) });

export const FlightListQuery = Page.extend({
  status: z.enum(FLIGHT_STATUSES).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

import { z } from 'zod';
import { FLIGHT_STATUSES } from '../../domain/flight';
import { CENTRE_CODES, REGIONS } from '../../domain/reference';
import { PersonSchema, VULNERABILITIES } from './cases';
import { IsoDateTime, Page, Text, Uuid } from './common';

const MAX_CAPACITY = 500;
const notFuture = (d: string) => Date.parse(d) <= Date.now() + 5 * 60_000;
const yearsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / (365.25 * 86_400_000);

export const Airport = z.string().regex(/^[A-Z]{3}-[A-Z]{3}$/, 'must be a country and an airport such as LBY-TIP');

export const FlightIdParams = z.object({ flightId: Uuid });
export const PassengerParams = z.object({ flightId: Uuid, passengerId: Uuid });

export const FlightPlanSchema = z
  .object({
    flightNumber: z.string().trim().regex(/^[A-Z0-9][A-Z0-9 -]{1,15}$/, 'must be a flight number such as 5A 1033'),
    origin: Airport,
    destination: Airport,
    scheduledDeparture: IsoDateTime.refine((d) => Date.parse(d) >= Date.now() - 5 * 60_000, 'must not be in the past'),
    capacity: z.number().int('must be a whole number of seats').min(1).max(MAX_CAPACITY),
  })
  .refine((f) => f.origin !== f.destination, { path: ['destination'], message: 'must differ from the origin' })
  .meta({ id: 'FlightPlan' });

export const PassengerSchema = z
  .object({
    person: PersonSchema,
    residenceRegion: z.enum(REGIONS).optional(),
    vulnerabilities: z.array(z.enum(VULNERABILITIES)).max(VULNERABILITIES.length).default([]),
    unaccompaniedMinor: z.boolean(),
    escort: Text(200).optional(),
    biometricRef: Text(64).optional(),
    documentNumber: Text(64).optional(),
    consentSignedAt: IsoDateTime.refine(notFuture, 'must not be in the future'),
    fitToTravelAt: IsoDateTime.refine(notFuture, 'must not be in the future'),
  })
  .superRefine((p, ctx) => {
    if (p.unaccompaniedMinor && yearsBetween(p.person.dateOfBirth, new Date().toISOString()) >= 18) {
      ctx.addIssue({ code: 'custom', path: ['unaccompaniedMinor'], message: 'an unaccompanied minor must be under 18' });
    }
    if (!p.biometricRef && !p.documentNumber) {
      ctx.addIssue({ code: 'custom', path: ['biometricRef'], message: 'a passenger needs a biometricRef or a documentNumber' });
    }
  })
  .meta({ id: 'Passenger' });

export const PassengerChecksSchema = z
  .object({
    consentSignedAt: IsoDateTime.refine(notFuture, 'must not be in the future').optional(),
    fitToTravelAt: IsoDateTime.refine(notFuture, 'must not be in the future').optional(),
    escort: Text(200).optional(),
  })
  .refine((c) => c.consentSignedAt || c.fitToTravelAt || c.escort, { message: 'give at least one of consentSignedAt, fitToTravelAt, escort' });

export const RescheduleSchema = z.object({
  scheduledDeparture: IsoDateTime.refine((d) => Date.parse(d) >= Date.now() - 5 * 60_000, 'must not be in the past'),
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

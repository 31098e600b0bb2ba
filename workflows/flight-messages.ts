import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/case-state';
import type { FlightState, FlightSummary } from '../domain/flight';
import type { Person } from '../domain/registration';

/** A passenger as the movement officer records them: the person, their checks and identity keys. */
export interface PassengerInput {
  passengerId: string;
  person: Person;
  residenceRegion?: string;
  vulnerabilities: string[];
  unaccompaniedMinor: boolean;
  escort?: string;
  biometricRef?: string;
  documentNumber?: string;
  consentSignedAt: string;
  fitToTravelAt: string;
}

/** What a Query shows of a live flight: the summary and the whole manifest. */
export type FlightView = FlightSummary & Pick<FlightState, 'passengers'>;

export type { FlightSummary };

export const flightUpdates = {
  addPassenger: defineUpdate<FlightSummary, [{ actor: Actor; passenger: PassengerInput }]>('addPassenger'),
  removePassenger: defineUpdate<FlightSummary, [{ actor: Actor; passengerId: string }]>('removePassenger'),
  updatePassengerChecks: defineUpdate<
    FlightSummary,
    [{ actor: Actor; passengerId: string; consentSignedAt?: string; fitToTravelAt?: string; escort?: string }]
  >('updatePassengerChecks'),
  reschedule: defineUpdate<FlightSummary, [{ actor: Actor; scheduledDeparture: string }]>('reschedule'),
  lockManifest: defineUpdate<FlightSummary, [{ actor: Actor }]>('lockManifest'),
  recordDeparture: defineUpdate<FlightSummary, [{ actor: Actor; departedAt: string; noShows: string[] }]>('recordDeparture'),
  recordArrival: defineUpdate<FlightSummary, [{ actor: Actor; arrivedAt: string; centreCode: string }]>('recordArrival'),
  cancelFlight: defineUpdate<FlightSummary, [{ actor: Actor; reason: string }]>('cancelFlight'),
};

/** Resolves once the flight's row exists, so the API can answer 201 and be read back at once. */
export const awaitFlightRecorded = defineUpdate<{ flightId: string }>('awaitFlightRecorded');

export const getFlightState = defineQuery<FlightView>('getState');

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/case-state';
import type { FlightState, FlightSummary } from '../domain/flight';
import type { ManifestSafeguardFacts } from '../domain/flight-steps';
import type { MinorSafeguards } from '../domain/minor-safeguards';
import type { Person } from '../domain/registration';

/**
 * An unaccompanied minor's safeguards as the API found them: given with the passenger, or read from
 * the child's open case (`safeguardsCaseId`). The escort is the passenger's `escort`; `escortSeat`
 * is the opaque id the API gave that escort on this flight (the same person keeps the same id).
 */
export interface MinorOnBoard {
  safeguards?: Omit<MinorSafeguards, 'escort'>;
  safeguardsCaseId?: string;
  escortSeat?: string;
}

/** A passenger as the movement officer records them: the person, their checks and identity keys. */
export interface PassengerInput extends MinorOnBoard {
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

/** A refresh of a passenger's checks; a minor's carries their safeguards again. */
export interface PassengerChecksInput extends MinorOnBoard {
  passengerId: string;
  consentSignedAt?: string;
  fitToTravelAt?: string;
  escort?: string;
}

/** What a Query shows of a live flight: the summary and the whole manifest. */
export type FlightView = FlightSummary & Pick<FlightState, 'passengers'>;

export type { FlightSummary };

export const flightUpdates = {
  addPassenger: defineUpdate<FlightSummary, [{ actor: Actor; passenger: PassengerInput }]>('addPassenger'),
  removePassenger: defineUpdate<FlightSummary, [{ actor: Actor; passengerId: string }]>('removePassenger'),
  updatePassengerChecks: defineUpdate<FlightSummary, [{ actor: Actor } & PassengerChecksInput]>('updatePassengerChecks'),
  reschedule: defineUpdate<FlightSummary, [{ actor: Actor; scheduledDeparture: string }]>('reschedule'),
  /** `safeguards`: the current safeguards of the manifest's unaccompanied minors, which the lock re-checks. */
  lockManifest: defineUpdate<FlightSummary, [{ actor: Actor; safeguards?: ManifestSafeguardFacts }]>('lockManifest'),
  /** `safeguards`: as for the lock; every minor who boards is checked once more. */
  recordDeparture: defineUpdate<FlightSummary, [{ actor: Actor; departedAt: string; noShows: string[]; safeguards?: ManifestSafeguardFacts }]>(
    'recordDeparture',
  ),
  recordArrival: defineUpdate<FlightSummary, [{ actor: Actor; arrivedAt: string; centreCode: string }]>('recordArrival'),
  cancelFlight: defineUpdate<FlightSummary, [{ actor: Actor; reason: string }]>('cancelFlight'),
};

/** Resolves once the flight's row exists, so the API can answer 201 and be read back at once. */
export const awaitFlightRecorded = defineUpdate<{ flightId: string }>('awaitFlightRecorded');

export const getFlightState = defineQuery<FlightView>('getState');

/**
 * A charter flight: its manifest, the checks each passenger needs
 * before boarding, and the states the flight goes through. Pure: no I/O, shared by the flight
 * workflow and the API.
 */

import { futureSafeguardDates, type MinorSafeguards, missingForTravel } from './minor-safeguards';
import { CLOCK_SKEW_MS } from './clock';

export const FLIGHT_STATUSES = ['planned', 'manifest_open', 'locked', 'departed', 'arrived', 'closed', 'cancelled'] as const;
export type FlightStatus = (typeof FLIGHT_STATUSES)[number];

/** Before departure a flight can still be cancelled, and it holds its passengers' seats. */
export const PRE_DEPARTURE: readonly FlightStatus[] = ['planned', 'manifest_open', 'locked'];

export function isFinished(status: FlightStatus): boolean {
  return status === 'closed' || status === 'cancelled';
}

export interface FlightPolicy {
  /** A fit-to-travel check older than this before the scheduled departure no longer counts. */
  fitToTravelWindowMs: number;
  /** A flight not departed this long after its scheduled time is overdue. */
  departureGraceMs: number;
}

/** The checks a passenger needs to board, as recorded on the manifest. */
export interface PassengerChecks {
  consentSignedAt?: string;
  fitToTravelAt?: string;
  unaccompaniedMinor: boolean;
  /** Whether an escort is named; the escort's name itself stays in Postgres. */
  escortNamed: boolean;
  /** An unaccompanied minor's safeguards as the manifest keeps them; absent on entries made before they were asked for. */
  safeguards?: ManifestSafeguards;
}

/**
 * What the manifest keeps of an unaccompanied minor's safeguards: the best-interests determination's
 * reference, and the child's case when the safeguards that count are the ones recorded on it. The
 * story (notes, tracing, care arranged, the escort's name) stays in Postgres.
 */
export interface ManifestSafeguards {
  reference?: string;
  caseId?: string;
}

export function manifestSafeguards(safeguards: Pick<MinorSafeguards, 'bestInterests'> | undefined, caseId?: string): ManifestSafeguards {
  return { ...(safeguards ? { reference: safeguards.bestInterests.reference } : {}), ...(caseId ? { caseId } : {}) };
}

/** The identity keys that make two manifest entries the same person. */
export interface PassengerIdentity {
  biometricRef?: string;
  documentNumber?: string;
}

/**
 * One passenger as the flight workflow holds them: checks and identity keys, never a name or a date
 * of birth (those live in Postgres, in the manifest entry's row).
 */
export interface ManifestEntry extends PassengerChecks, PassengerIdentity {
  passengerId: string;
  nationality: string;
  addedAt: string;
  boarding?: 'boarded' | 'no_show';
  /**
   * An opaque id of the minor's escort on this flight: entries escorted by the same person share it,
   * and with it one seat. Absent on entries made before escorts took seats.
   */
  escortSeat?: string;
}

/** A passenger whose checks fail, and why: what a refused lock lists. */
export interface PassengerFailure {
  passengerId: string;
  problems: string[];
}

export interface FlightPlan {
  flightId: string;
  flightNumber: string;
  /** `<country>-<airport>`, e.g. `LBY-TIP`. */
  origin: string;
  destination: string;
  scheduledDeparture: string;
  capacity: number;
  createdBy: string;
  createdAt: string;
}

export interface FlightState extends FlightPlan {
  status: FlightStatus;
  /** Incremented by every applied step; keys the step's event row. */
  seq: number;
  overdue: boolean;
  passengers: ManifestEntry[];
  lockedAt?: string;
  departure?: { departedAt: string; noShows: string[]; recordedAt: string; by: string };
  arrival?: { arrivedAt: string; centreCode: string; recordedAt: string; by: string };
  /** Filled when the flight closes: how each boarded passenger's case came about. */
  cases?: { opened: number; attached: number; unresolved: number };
  cancellation?: { reason: string; at: string; by: string };
  closedAt?: string;
}

export function newFlightState(plan: FlightPlan): FlightState {
  return { ...plan, status: 'planned', seq: 0, overdue: false, passengers: [] };
}

/** The ISO 3166 alpha-3 country of an `LBY-TIP`-style airport code. */
export function countryOf(airport: string): string {
  return airport.slice(0, 3);
}

/** When the flight becomes overdue if it has not departed; undefined once that no longer applies. */
export function overdueAt(state: FlightState, policy: FlightPolicy): number | undefined {
  if (!PRE_DEPARTURE.includes(state.status) || state.overdue) return undefined;
  return Date.parse(state.scheduledDeparture) + policy.departureGraceMs;
}

export function isOverdue(state: Pick<FlightState, 'status' | 'scheduledDeparture'>, policy: FlightPolicy, now: number): boolean {
  return PRE_DEPARTURE.includes(state.status) && now >= Date.parse(state.scheduledDeparture) + policy.departureGraceMs;
}

const hours = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 60_000)} minutes`);

/**
 * What stops this passenger from boarding a flight scheduled at `scheduledDeparture`, as far as
 * consent and fitness go; empty when nothing does. Used when the passenger is added, when their
 * checks change, at lock and when the flight is rescheduled. An unaccompanied minor's safeguards
 * are checked at boarding (`minorTravelProblems`).
 */
export function passengerProblems(
  checks: PassengerChecks,
  scheduledDeparture: string,
  policy: FlightPolicy,
  now: number,
): string[] {
  const problems: string[] = [];
  if (!checks.consentSignedAt) problems.push('no signed consent');
  else if (Date.parse(checks.consentSignedAt) > now + CLOCK_SKEW_MS) problems.push('consentSignedAt is in the future');
  if (!checks.fitToTravelAt) {
    problems.push('no fit-to-travel check');
  } else {
    const checkedAt = Date.parse(checks.fitToTravelAt);
    const earliest = Date.parse(scheduledDeparture) - policy.fitToTravelWindowMs;
    if (checkedAt > now + CLOCK_SKEW_MS) problems.push('fitToTravelAt is in the future');
    else if (checkedAt < earliest) {
      problems.push(
        `the fit-to-travel check of ${checks.fitToTravelAt} is more than ${hours(policy.fitToTravelWindowMs)} before the scheduled departure`,
      );
    }
  }
  return problems;
}

/**
 * What stops an unaccompanied minor from travelling on these safeguards (with the flight's escort
 * as `escort`): whatever missingForTravel finds missing, and an assessment dated in the future.
 * Without safeguards everything is missing but the escort the entry may name.
 */
export function minorTravelProblems(checks: PassengerChecks, safeguards: MinorSafeguards | undefined, now: number): string[] {
  const missing = safeguards ? missingForTravel(safeguards) : missingForTravel(undefined).filter((m) => m !== 'escort' || !checks.escortNamed);
  const problems = missing.length ? [`an unaccompanied minor cannot travel before: ${missing.join(', ')}`] : [];
  if (safeguards) problems.push(...futureSafeguardDates(safeguards, now).map((field) => `${field} is in the future`));
  return problems;
}

/** Steps taken before the safeguards were asked for followed this rule: a named escort was all a minor needed. */
export function escortOnlyProblems(checks: PassengerChecks): string[] {
  return checks.unaccompaniedMinor && !checks.escortNamed ? ['an unaccompanied minor needs a named escort'] : [];
}

/**
 * Every passenger on the manifest whose checks fail, in manifest order; `more` adds what else a
 * step checks of a passenger (a minor's safeguards).
 */
export function manifestFailures(
  state: FlightState,
  policy: FlightPolicy,
  now: number,
  more: (entry: ManifestEntry) => string[] = () => [],
): PassengerFailure[] {
  return state.passengers
    .map((p) => ({ passengerId: p.passengerId, problems: [...passengerProblems(p, state.scheduledDeparture, policy, now), ...more(p)] }))
    .filter((f) => f.problems.length > 0);
}

/** Escorts are one person when their names match, trimmed, spaced and cased alike (in one Unicode form). */
export function sameEscort(a: string, b: string): boolean {
  const key = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  return key(a) === key(b);
}

type SeatHolder = Pick<ManifestEntry, 'passengerId' | 'unaccompaniedMinor' | 'escortNamed' | 'escortSeat'>;

/**
 * The seats a manifest takes: one per passenger, and one per escort of its unaccompanied minors,
 * however many children that escort accompanies. An escort named before escorts had seat ids is
 * counted as a person of their own (the name that would tell is in Postgres only).
 */
export function seatsTaken(passengers: readonly SeatHolder[]): number {
  const escorts = new Set(passengers.filter((p) => p.unaccompaniedMinor && p.escortNamed).map((p) => p.escortSeat ?? p.passengerId));
  return passengers.length + escorts.size;
}

/** True when both name the same biometric reference or the same document number. */
export function samePerson(a: PassengerIdentity, b: PassengerIdentity): boolean {
  return (
    (a.biometricRef !== undefined && a.biometricRef === b.biometricRef) ||
    (a.documentNumber !== undefined && a.documentNumber === b.documentNumber)
  );
}

export function boardedPassengers(state: FlightState): ManifestEntry[] {
  return state.passengers.filter((p) => p.boarding === 'boarded');
}

/**
 * The flight without its manifest: what Updates answer and activities record, so that neither grows
 * with the number of passengers (a 160-seat manifest would otherwise be copied into every event).
 */
export type FlightSummary = Omit<FlightState, 'passengers'> & {
  passengerCount: number;
  /** Passengers and their minors' escorts: what counts against the capacity. */
  seatsTaken: number;
  boarded: number;
  noShows: number;
};

export function summarize(state: FlightState): FlightSummary {
  const { passengers, ...rest } = state;
  return {
    ...rest,
    passengerCount: passengers.length,
    seatsTaken: seatsTaken(passengers),
    boarded: passengers.filter((p) => p.boarding === 'boarded').length,
    noShows: passengers.filter((p) => p.boarding === 'no_show').length,
  };
}

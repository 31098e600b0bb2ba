import { StepRejected } from './case-steps';
import {
  CLOCK_SKEW_MS,
  type FlightPolicy,
  type FlightState,
  isFinished,
  isOverdue,
  type ManifestEntry,
  manifestFailures,
  type PassengerFailure,
  passengerProblems,
  PRE_DEPARTURE,
  samePerson,
} from './flight';

/**
 * A step on a flight. The human ones are Workflow Updates of the same name; `markOverdue` and
 * `closeFlight` are taken by the workflow itself.
 */
export type FlightStep =
  | { type: 'addPassenger'; entry: Omit<ManifestEntry, 'addedAt' | 'boarding'> }
  | { type: 'removePassenger'; passengerId: string }
  | { type: 'updatePassengerChecks'; passengerId: string; consentSignedAt?: string; fitToTravelAt?: string; escortNamed?: boolean }
  | { type: 'reschedule'; scheduledDeparture: string }
  | { type: 'lockManifest' }
  | { type: 'recordDeparture'; departedAt: string; noShows: string[] }
  | { type: 'recordArrival'; arrivedAt: string; centreCode: string }
  | { type: 'cancelFlight'; reason: string }
  | { type: 'markOverdue' }
  | { type: 'closeFlight'; cases: { opened: number; attached: number; unresolved: number } };

export type FlightStepType = FlightStep['type'];

/** A manifest that fails its checks: the refusal lists each failing passenger and why (HTTP 422). */
export class ManifestRejected extends StepRejected {
  constructor(
    message: string,
    readonly failures: PassengerFailure[],
  ) {
    super('rule_violation', message);
    this.name = 'ManifestRejected';
  }
}

const conflict = (message: string) => new StepRejected('stage_conflict', message);
const violation = (message: string) => new StepRejected('rule_violation', message);

export interface FlightStepContext {
  now: number;
  policy: FlightPolicy;
  actor: { sub: string };
}

function requireStatus(state: FlightState, allowed: readonly FlightState['status'][], step: string): void {
  if (!allowed.includes(state.status)) {
    throw conflict(`${step} does not fit a flight that is ${state.status} (expected ${allowed.join(' or ')})`);
  }
}

function requireNotFuture(iso: string, now: number, field: string): void {
  if (Date.parse(iso) > now + CLOCK_SKEW_MS) throw violation(`${field} is in the future`);
}

function passenger(state: FlightState, passengerId: string): ManifestEntry {
  const entry = state.passengers.find((p) => p.passengerId === passengerId);
  if (!entry) throw conflict(`passenger ${passengerId} is not on the manifest of flight ${state.flightNumber}`);
  return entry;
}

function requireChecksPass(checks: Parameters<typeof passengerProblems>[0], state: FlightState, ctx: FlightStepContext): void {
  const problems = passengerProblems(checks, state.scheduledDeparture, ctx.policy, ctx.now);
  if (problems.length) throw violation(`the passenger cannot board: ${problems.join('; ')}`);
}

/** The same arrival sent again (a retried request): accepted, and changes nothing. */
export function isRepeatedArrival(state: FlightState, step: FlightStep): boolean {
  return (
    step.type === 'recordArrival' &&
    state.arrival !== undefined &&
    Date.parse(state.arrival.arrivedAt) === Date.parse(step.arrivedAt) &&
    state.arrival.centreCode === step.centreCode
  );
}

/** Throws StepRejected (or ManifestRejected) when the step does not fit the flight or breaks a rule; changes nothing. */
export function checkFlightStep(state: FlightState, step: FlightStep, ctx: FlightStepContext): void {
  if (isRepeatedArrival(state, step)) return;
  if (isFinished(state.status)) throw conflict(`the flight is ${state.status}`);
  switch (step.type) {
    case 'addPassenger': {
      requireStatus(state, ['planned', 'manifest_open'], 'adding a passenger');
      if (state.passengers.some((p) => p.passengerId === step.entry.passengerId)) {
        throw conflict(`passenger ${step.entry.passengerId} is already on the manifest`);
      }
      if (state.passengers.length >= state.capacity) throw conflict(`the flight is full (capacity ${state.capacity})`);
      const twin = state.passengers.find((p) => samePerson(p, step.entry));
      if (twin) throw conflict(`the same person is already on the manifest as passenger ${twin.passengerId}`);
      requireChecksPass(step.entry, state, ctx);
      return;
    }
    case 'removePassenger':
      requireStatus(state, ['manifest_open'], 'removing a passenger');
      passenger(state, step.passengerId);
      return;
    case 'updatePassengerChecks': {
      requireStatus(state, ['manifest_open', 'locked'], 'updating checks');
      const entry = passenger(state, step.passengerId);
      const next = {
        ...entry,
        consentSignedAt: step.consentSignedAt ?? entry.consentSignedAt,
        fitToTravelAt: step.fitToTravelAt ?? entry.fitToTravelAt,
        escortNamed: step.escortNamed ?? entry.escortNamed,
      };
      requireChecksPass(next, state, ctx);
      return;
    }
    case 'reschedule': {
      requireStatus(state, PRE_DEPARTURE, 'rescheduling');
      requireFutureDeparture(step.scheduledDeparture, ctx.now);
      if (state.status === 'locked') {
        // A locked manifest stays boardable: refuse a new time that would make someone's checks stale.
        const failures = manifestFailures({ ...state, scheduledDeparture: step.scheduledDeparture }, ctx.policy, ctx.now);
        if (failures.length) throw new ManifestRejected(failureMessage(failures, 'at the new time'), failures);
      }
      return;
    }
    case 'lockManifest': {
      requireStatus(state, ['manifest_open'], 'locking the manifest');
      const failures = manifestFailures(state, ctx.policy, ctx.now);
      if (failures.length) throw new ManifestRejected(failureMessage(failures, 'now'), failures);
      return;
    }
    case 'recordDeparture': {
      requireStatus(state, ['locked'], 'a departure');
      requireNotFuture(step.departedAt, ctx.now, 'departedAt');
      const unknown = step.noShows.filter((id) => !state.passengers.some((p) => p.passengerId === id));
      if (unknown.length) throw violation(`noShows names passengers not on the manifest: ${unknown.join(', ')}`);
      if (new Set(step.noShows).size !== step.noShows.length) throw violation('noShows names a passenger twice');
      if (step.noShows.length >= state.passengers.length) throw violation('nobody boarded: cancel the flight instead');
      return;
    }
    case 'recordArrival':
      requireStatus(state, ['departed'], 'an arrival');
      requireNotFuture(step.arrivedAt, ctx.now, 'arrivedAt');
      if (Date.parse(step.arrivedAt) < Date.parse(state.departure!.departedAt)) throw violation('arrivedAt is before the departure');
      return;
    case 'cancelFlight':
      requireStatus(state, PRE_DEPARTURE, 'a cancellation');
      return;
    case 'markOverdue':
      if (!isOverdue(state, ctx.policy, ctx.now) || state.overdue) throw conflict('the flight is not overdue');
      return;
    case 'closeFlight':
      requireStatus(state, ['arrived'], 'closing');
      return;
  }
}

function requireFutureDeparture(iso: string, now: number): void {
  if (Date.parse(iso) < now - CLOCK_SKEW_MS) throw violation('scheduledDeparture is in the past');
}

function failureMessage(failures: PassengerFailure[], when: string): string {
  const list = failures.map((f) => `${f.passengerId} (${f.problems.join('; ')})`).join(', ');
  return `${failures.length} passenger${failures.length === 1 ? '' : 's'} cannot board ${when}: ${list}`;
}

function transition(state: FlightState, step: FlightStep, ctx: FlightStepContext): FlightState {
  const at = new Date(ctx.now).toISOString();
  switch (step.type) {
    case 'addPassenger':
      return { ...state, status: 'manifest_open', passengers: [...state.passengers, { ...step.entry, addedAt: at }] };
    case 'removePassenger':
      return { ...state, passengers: state.passengers.filter((p) => p.passengerId !== step.passengerId) };
    case 'updatePassengerChecks':
      return {
        ...state,
        passengers: state.passengers.map((p) =>
          p.passengerId === step.passengerId
            ? {
                ...p,
                consentSignedAt: step.consentSignedAt ?? p.consentSignedAt,
                fitToTravelAt: step.fitToTravelAt ?? p.fitToTravelAt,
                escortNamed: step.escortNamed ?? p.escortNamed,
              }
            : p,
        ),
      };
    case 'reschedule': {
      const next = { ...state, scheduledDeparture: step.scheduledDeparture };
      return { ...next, overdue: isOverdue(next, ctx.policy, ctx.now) && state.overdue };
    }
    case 'lockManifest':
      return { ...state, status: 'locked', lockedAt: at };
    case 'recordDeparture': {
      const noShows = new Set(step.noShows);
      return {
        ...state,
        status: 'departed',
        overdue: false,
        departure: { departedAt: step.departedAt, noShows: step.noShows, recordedAt: at, by: ctx.actor.sub },
        passengers: state.passengers.map((p) => ({ ...p, boarding: noShows.has(p.passengerId) ? 'no_show' : 'boarded' })),
      };
    }
    case 'recordArrival':
      return { ...state, status: 'arrived', arrival: { arrivedAt: step.arrivedAt, centreCode: step.centreCode, recordedAt: at, by: ctx.actor.sub } };
    case 'cancelFlight':
      return { ...state, status: 'cancelled', overdue: false, cancellation: { reason: step.reason, at, by: ctx.actor.sub } };
    case 'markOverdue':
      return { ...state, overdue: true };
    case 'closeFlight':
      return { ...state, status: 'closed', cases: step.cases, closedAt: at };
  }
}

/** The flight after a step that checkFlightStep accepted. A repeated arrival changes nothing. */
export function applyFlightStep(state: FlightState, step: FlightStep, ctx: FlightStepContext): FlightState {
  if (isRepeatedArrival(state, step)) return state;
  return { ...transition(state, step, ctx), seq: state.seq + 1 };
}

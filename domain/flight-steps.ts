import { conflict, StepRejected, violation } from './rejection';
import { CLOCK_SKEW_MS } from './clock';
import {
  escortOnlyProblems,
  type FlightPolicy,
  type FlightState,
  isFinished,
  isOverdue,
  type ManifestEntry,
  manifestFailures,
  manifestSafeguards,
  minorTravelProblems,
  type PassengerChecks,
  type PassengerFailure,
  passengerProblems,
  PRE_DEPARTURE,
  samePerson,
  seatsTaken,
} from './flight';
import { futureSafeguardDates, type MinorSafeguards } from './minor-safeguards';

/**
 * An unaccompanied minor's safeguards as a manifest entry carries them: given with the passenger, or
 * read from the child's case (`safeguardsCaseId`). The escort is the entry's own. The manifest keeps
 * only `manifestSafeguards` of them; the rest goes to Postgres.
 */
export interface SafeguardFacts {
  safeguards?: Omit<MinorSafeguards, 'escort'>;
  safeguardsCaseId?: string;
}

/** The step says where the child's safeguards are now: given with it, or on the child's case (which may record none yet). */
export const givesSafeguards = (facts: SafeguardFacts): boolean => facts.safeguards !== undefined || facts.safeguardsCaseId !== undefined;

/**
 * The current safeguards of each unaccompanied minor on the manifest, by passengerId, with the
 * flight's escort as `escort`: what boarding checks. The workflow cannot read Postgres (where the
 * safeguards given with a child, and those recorded on a child's case, are), so the API passes them in.
 */
export type ManifestSafeguardFacts = Record<string, MinorSafeguards>;

/**
 * A step on a flight. The human ones are Workflow Updates of the same name; `markOverdue` and
 * `closeFlight` are taken by the workflow itself.
 */
export type FlightStep =
  | ({ type: 'addPassenger'; entry: Omit<ManifestEntry, 'addedAt' | 'boarding' | 'safeguards'> } & SafeguardFacts)
  | { type: 'removePassenger'; passengerId: string }
  | ({
      type: 'updatePassengerChecks';
      passengerId: string;
      consentSignedAt?: string;
      fitToTravelAt?: string;
      escortNamed?: boolean;
      escortSeat?: string;
    } & SafeguardFacts)
  | { type: 'reschedule'; scheduledDeparture: string }
  | { type: 'lockManifest'; safeguards?: ManifestSafeguardFacts }
  | { type: 'recordDeparture'; departedAt: string; noShows: string[]; safeguards?: ManifestSafeguardFacts }
  | { type: 'recordArrival'; arrivedAt: string; centreCode: string }
  | { type: 'cancelFlight'; reason: string }
  | { type: 'markOverdue' }
  | { type: 'closeFlight'; cases: { opened: number; attached: number; unresolved: number } };


/** A manifest that fails its checks: the refusal lists each failing passenger and why (HTTP 422). */
export class ManifestRejected extends StepRejected {
  constructor(
    message: string,
    readonly failures: PassengerFailure[],
  ) {
    super('rule_violation', message, failures);
    this.name = 'ManifestRejected';
  }
}

export interface FlightStepContext {
  now: number;
  policy: FlightPolicy;
  actor: { sub: string };
  /**
   * The step was taken before an unaccompanied minor needed the safeguards and escorts took seats:
   * a replayed history keeps the outcome it had (the workflow's `patched` marker decides).
   */
  firstRules?: boolean;
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

/** What stops an unaccompanied minor from boarding on their current safeguards, under the rules the step follows. */
function minorProblems(checks: PassengerChecks, safeguards: MinorSafeguards | undefined, ctx: FlightStepContext): string[] {
  if (!checks.unaccompaniedMinor) return [];
  return ctx.firstRules ? escortOnlyProblems(checks) : minorTravelProblems(checks, safeguards, ctx.now);
}

/**
 * A manifest entry's checks must pass when it is made or refreshed. A child's safeguards may still be
 * incomplete then (a seat is held while tracing or the determination ends); boarding checks them.
 */
function requireChecksPass(checks: PassengerChecks, facts: SafeguardFacts, state: FlightState, ctx: FlightStepContext): void {
  const problems = passengerProblems(checks, state.scheduledDeparture, ctx.policy, ctx.now);
  if (ctx.firstRules) {
    problems.push(...escortOnlyProblems(checks));
  } else if (givesSafeguards(facts)) {
    if (!checks.unaccompaniedMinor) throw violation('safeguards apply to unaccompanied or separated minors only');
    if (facts.safeguards) problems.push(...futureSafeguardDates(facts.safeguards, ctx.now).map((field) => `${field} is in the future`));
  }
  if (problems.length) throw violation(`the passenger cannot board: ${problems.join('; ')}`);
}

const full = (state: FlightState) => conflict(`the flight is full (capacity ${state.capacity})`);

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
      // Escorts take seats too: a minor whose escort is not yet on board needs two.
      const seats = ctx.firstRules ? state.passengers.length + 1 : seatsTaken([...state.passengers, step.entry]);
      if (seats > state.capacity) throw full(state);
      const twin = state.passengers.find((p) => samePerson(p, step.entry));
      if (twin) throw conflict(`the same person is already on the manifest as passenger ${twin.passengerId}`);
      requireChecksPass(step.entry, step, state, ctx);
      return;
    }
    case 'removePassenger':
      requireStatus(state, ['manifest_open'], 'removing a passenger');
      passenger(state, step.passengerId);
      return;
    case 'updatePassengerChecks': {
      requireStatus(state, ['manifest_open', 'locked'], 'updating checks');
      const entry = passenger(state, step.passengerId);
      const next = withChecks(entry, step);
      if (!ctx.firstRules) {
        // A new escort may need a seat of their own; an entry that already fits keeps fitting.
        const before = seatsTaken(state.passengers);
        const after = seatsTaken(state.passengers.map((p) => (p === entry ? next : p)));
        if (after > before && after > state.capacity) throw full(state);
      }
      requireChecksPass(next, step, state, ctx);
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
      const failures = manifestFailures(state, ctx.policy, ctx.now, (p) => minorProblems(p, step.safeguards?.[p.passengerId], ctx));
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
      if (!ctx.firstRules) {
        // Boarding is the last word: a child whose safeguards no longer allow travel stays behind.
        const failures = state.passengers
          .filter((p) => !step.noShows.includes(p.passengerId))
          .map((p) => ({ passengerId: p.passengerId, problems: minorProblems(p, step.safeguards?.[p.passengerId], ctx) }))
          .filter((f) => f.problems.length > 0);
        if (failures.length) {
          throw new ManifestRejected(`${failureMessage(failures, 'on this departure')}; a child who stayed behind goes in noShows`, failures);
        }
      }
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

/** The entry with the checks an update brings; what it does not bring stays as it was. */
function withChecks(entry: ManifestEntry, step: Extract<FlightStep, { type: 'updatePassengerChecks' }>): ManifestEntry {
  return {
    ...entry,
    consentSignedAt: step.consentSignedAt ?? entry.consentSignedAt,
    fitToTravelAt: step.fitToTravelAt ?? entry.fitToTravelAt,
    escortNamed: step.escortNamed ?? entry.escortNamed,
    escortSeat: step.escortSeat ?? entry.escortSeat,
    safeguards: givesSafeguards(step) ? manifestSafeguards(step.safeguards, step.safeguardsCaseId) : entry.safeguards,
  };
}

/** The entries re-checked on current safeguards keep those safeguards' reference (a case may have recorded a new determination). */
function withCurrentSafeguards(passengers: ManifestEntry[], facts: ManifestSafeguardFacts | undefined): ManifestEntry[] {
  if (!facts) return passengers;
  return passengers.map((p) =>
    p.unaccompaniedMinor && facts[p.passengerId] ? { ...p, safeguards: manifestSafeguards(facts[p.passengerId], p.safeguards?.caseId) } : p,
  );
}

function transition(state: FlightState, step: FlightStep, ctx: FlightStepContext): FlightState {
  const at = new Date(ctx.now).toISOString();
  switch (step.type) {
    case 'addPassenger': {
      const entry: ManifestEntry = {
        ...step.entry,
        ...(givesSafeguards(step) ? { safeguards: manifestSafeguards(step.safeguards, step.safeguardsCaseId) } : {}),
        addedAt: at,
      };
      return { ...state, status: 'manifest_open', passengers: [...state.passengers, entry] };
    }
    case 'removePassenger':
      return { ...state, passengers: state.passengers.filter((p) => p.passengerId !== step.passengerId) };
    case 'updatePassengerChecks':
      return { ...state, passengers: state.passengers.map((p) => (p.passengerId === step.passengerId ? withChecks(p, step) : p)) };
    case 'reschedule': {
      const next = { ...state, scheduledDeparture: step.scheduledDeparture };
      return { ...next, overdue: isOverdue(next, ctx.policy, ctx.now) && state.overdue };
    }
    case 'lockManifest':
      return { ...state, status: 'locked', lockedAt: at, passengers: withCurrentSafeguards(state.passengers, step.safeguards) };
    case 'recordDeparture': {
      const noShows = new Set(step.noShows);
      return {
        ...state,
        status: 'departed',
        overdue: false,
        departure: { departedAt: step.departedAt, noShows: step.noShows, recordedAt: at, by: ctx.actor.sub },
        passengers: withCurrentSafeguards(state.passengers, step.safeguards).map((p) => ({
          ...p,
          boarding: noShows.has(p.passengerId) ? 'no_show' : 'boarded',
        })),
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

import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { FlightActivities } from '../activities/flight-activities';
import type { Actor } from '../domain/case-state';
import { StepRejected } from '../domain/case-steps';
import {
  boardedPassengers,
  countryOf,
  type FlightPlan,
  type FlightPolicy,
  type FlightState,
  isFinished,
  newFlightState,
  overdueAt,
  summarize,
} from '../domain/flight';
import {
  applyFlightStep,
  checkFlightStep,
  type FlightStep,
  isRepeatedArrival,
  ManifestRejected,
  type ManifestSafeguardFacts,
} from '../domain/flight-steps';
import { Exclusive } from './exclusive';
import { inputRefusal, withInputRefusal } from './input-refusal';
import {
  awaitFlightRecorded,
  flightUpdates,
  type FlightView,
  getFlightState,
  type PassengerChecksInput,
  type PassengerInput,
} from './flight-messages';
import { FlightId, FlightOverdue, FlightStatus } from './search-attributes';

/**
 * Steps taken from this marker on follow the current rules: an unaccompanied minor boards only on
 * safeguards that allow travel, and escorts take seats. Steps of histories recorded before it
 * replay under the first rules (a named escort was enough), as they ran.
 */
const MINOR_SAFEGUARDS = 'flight-minor-safeguards';

const acts = proxyActivities<FlightActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * Opening the passengers' cases is one long activity rather than one child workflow per passenger:
 * the flight's history stays a handful of events however many people it carried, and the cases,
 * started with their own business IDs, outlive the flight without being tied to it as children. The
 * activity starts twenty at a time, heartbeats its progress and resumes from there when retried.
 */
const fanOut = proxyActivities<FlightActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export interface FlightInput {
  policy: FlightPolicy;
  /** On first start: the flight as planned. */
  plan?: FlightPlan;
  /** After continue-as-new: the state carried over. */
  state?: FlightState;
  /** Continue-as-new once history passes this many events, even if the server has not suggested it yet. */
  historyLimit?: number;
}

export interface FlightOutcome {
  flightId: string;
  status: FlightState['status'];
  cases?: FlightState['cases'];
}

function rejection(error: unknown): unknown {
  if (error instanceof ManifestRejected) {
    return ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true, details: [error.failures] });
  }
  return error instanceof StepRejected
    ? ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true })
    : error;
}

export function flightView(state: FlightState): FlightView {
  return { ...summarize(state), passengers: state.passengers };
}

/** Who takes a step: an officer, or the workflow itself (`system`) for overdue marks and closure. */
export type StepActor = Actor | { sub: 'sira'; role: 'system' };

/** What the update carries that the workflow keeps out of its state (names, escort), for Postgres only. */
type Personal = { passenger?: PassengerInput; escort?: string };

/** One charter flight, from planning to the moment every passenger's case exists (DOMAIN.md). */
export async function charterFlight(input: FlightInput): Promise<FlightOutcome> {
  const { policy } = input;
  let state: FlightState = input.state ?? newFlightState(requirePlan(input.plan));
  let recorded = input.state !== undefined;
  let refusal: ApplicationFailure | undefined;
  const exclusive = new Exclusive();

  const publish = () =>
    upsertSearchAttributes([
      { key: FlightId, value: state.flightId },
      { key: FlightStatus, value: state.status },
      { key: FlightOverdue, value: state.overdue },
    ]);

  // Validators run only for new requests, never on replay, so they always follow the current rules.
  const check = (step: FlightStep, actor: StepActor, firstRules = false) => {
    if (!recorded) throw ApplicationFailure.create({ type: 'stage_conflict', message: 'the flight is not recorded yet', nonRetryable: true });
    try {
      checkFlightStep(state, step, { now: Date.now(), policy, actor, firstRules });
    } catch (error) {
      throw rejection(error);
    }
  };

  /** Applies a step under the lock: re-checked, recorded in Postgres, then made the live state. */
  const perform = (step: FlightStep, actor: StepActor, personal: Personal = {}) =>
    exclusive.run(async () => {
      // A step the current rules refuse would schedule no activity: a replayed older step keeps its rules.
      const firstRules = !patched(MINOR_SAFEGUARDS);
      check(step, actor, firstRules);
      if (isRepeatedArrival(state, step)) return summarize(state);
      const now = Date.now();
      const next = applyFlightStep(state, step, { now, policy, actor, firstRules });
      const result = await withInputRefusal(
        acts.recordFlightStep({ step, actor, flight: summarize(next), at: new Date(now).toISOString(), ...personal }),
      );
      if (result.conflict) {
        // Another flight booked the same person between the API's check and this write.
        throw ApplicationFailure.create({
          type: 'stage_conflict',
          message: `the same person is already on open flight ${result.conflict.flightId}`,
          nonRetryable: true,
          details: [result.conflict],
        });
      }
      state = next;
      publish();
      return summarize(state);
    });

  const human = <A extends { actor: Actor }>(toStep: (args: A) => FlightStep, personal: (args: A) => Personal = () => ({})) => ({
    handler: (args: A) => perform(toStep(args), args.actor, personal(args)),
    validator: (args: A) => check(toStep(args), args.actor),
  });

  const addPassenger = human<{ actor: Actor; passenger: PassengerInput }>(
    ({ passenger: p }) => ({
      type: 'addPassenger',
      entry: {
        passengerId: p.passengerId,
        nationality: p.person.nationality,
        consentSignedAt: p.consentSignedAt,
        fitToTravelAt: p.fitToTravelAt,
        unaccompaniedMinor: p.unaccompaniedMinor,
        escortNamed: !!p.escort,
        escortSeat: p.escortSeat,
        biometricRef: p.biometricRef,
        documentNumber: p.documentNumber,
      },
      safeguards: p.safeguards,
      safeguardsCaseId: p.safeguardsCaseId,
    }),
    ({ passenger }) => ({ passenger }),
  );
  const updateChecks = human<{ actor: Actor } & PassengerChecksInput>(
    (c) => ({
      type: 'updatePassengerChecks',
      passengerId: c.passengerId,
      consentSignedAt: c.consentSignedAt,
      fitToTravelAt: c.fitToTravelAt,
      escortNamed: c.escort === undefined ? undefined : true,
      escortSeat: c.escortSeat,
      safeguards: c.safeguards,
      safeguardsCaseId: c.safeguardsCaseId,
    }),
    ({ escort }) => ({ escort }),
  );
  const handlers = {
    addPassenger,
    removePassenger: human<{ actor: Actor; passengerId: string }>(({ passengerId }) => ({ type: 'removePassenger', passengerId })),
    updatePassengerChecks: updateChecks,
    reschedule: human<{ actor: Actor; scheduledDeparture: string }>(({ scheduledDeparture }) => ({ type: 'reschedule', scheduledDeparture })),
    lockManifest: human<{ actor: Actor; safeguards?: ManifestSafeguardFacts }>(({ safeguards }) => ({ type: 'lockManifest', safeguards })),
    recordDeparture: human<{ actor: Actor; departedAt: string; noShows: string[]; safeguards?: ManifestSafeguardFacts }>(
      ({ departedAt, noShows, safeguards }) => ({ type: 'recordDeparture', departedAt, noShows, safeguards }),
    ),
    recordArrival: human<{ actor: Actor; arrivedAt: string; centreCode: string }>(({ arrivedAt, centreCode }) => ({
      type: 'recordArrival',
      arrivedAt,
      centreCode,
    })),
    cancelFlight: human<{ actor: Actor; reason: string }>(({ reason }) => ({ type: 'cancelFlight', reason })),
  };

  setHandler(getFlightState, () => flightView(state));
  setHandler(awaitFlightRecorded, async () => {
    await condition(() => recorded || refusal !== undefined);
    if (refusal) throw refusal;
    return { flightId: state.flightId };
  });
  for (const [name, { handler, validator }] of Object.entries(handlers)) {
    const update = flightUpdates[name as keyof typeof flightUpdates];
    setHandler(update as typeof flightUpdates.lockManifest, handler as never, { validator: validator as never });
  }

  const system: StepActor = { sub: 'sira', role: 'system' };
  if (!recorded) {
    try {
      await acts.recordFlightCreated({ flight: summarize(state), at: state.createdAt });
    } catch (error) {
      // A flight Postgres cannot store is refused and ends here (defence in depth behind the API).
      refusal = inputRefusal(error);
      if (!refusal) throw error;
      await condition(allHandlersFinished);
      return { flightId: state.flightId, status: state.status };
    }
    recorded = true;
  }
  publish();

  while (!isFinished(state.status)) {
    if (state.status === 'arrived') {
      const arrival = state.arrival!;
      const cases = await fanOut.openArrivalCases({
        flightId: state.flightId,
        fromCountry: countryOf(state.origin),
        arrival,
        expected: boardedPassengers(state).length,
      });
      await perform({ type: 'closeFlight', cases }, system);
      continue;
    }
    const seen = state.seq;
    const due = overdueAt(state, policy);
    const stepped =
      due === undefined ? (await condition(() => state.seq !== seen), true) : await condition(() => state.seq !== seen, Math.max(1, due - Date.now()));
    if (!stepped) {
      // A step may have landed as the timer fired; mark only a flight that is still overdue.
      await perform({ type: 'markOverdue' }, system).catch((error: unknown) => {
        if (!(error instanceof ApplicationFailure && error.type === 'stage_conflict')) throw error;
      });
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || (input.historyLimit !== undefined && info.historyLength > input.historyLimit)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof charterFlight>({ policy, state, historyLimit: input.historyLimit });
    }
  }
  await condition(allHandlersFinished);
  return { flightId: state.flightId, status: state.status, cases: state.cases };
}

function requirePlan(plan: FlightPlan | undefined): FlightPlan {
  if (!plan) throw ApplicationFailure.nonRetryable('a flight needs a plan or a carried-over state');
  return plan;
}

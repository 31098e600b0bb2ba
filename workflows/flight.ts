import {
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { FlightActivities } from '../activities/flight-activities';
import type { Actor } from '../domain/case-state';
import { flightDetails, flightDueAt } from '../domain/cover-page';
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
  type ManifestSafeguardFacts,
} from '../domain/flight-steps';
import { inputRefusal } from './input-refusal';
import { leanSteps, RECORD_OPTIONS } from './lean-steps';
import { enforce, StepCore } from './step-core';
import {
  awaitFlightRecorded,
  flightUpdates,
  type FlightView,
  getFlightState,
  type PassengerChecksInput,
  type PassengerInput,
} from './flight-messages';
import { FlightDueAt, FlightId, FlightOverdue, FlightStatus } from './search-attributes';

/**
 * Steps taken from this marker on follow the current rules: an unaccompanied minor boards only on
 * safeguards that allow travel, and escorts take seats. Steps of histories recorded before it
 * replay under the first rules (a named escort was enough), as they ran.
 */
const MINOR_SAFEGUARDS = 'flight-minor-safeguards';

const acts = proxyActivities<FlightActivities>(RECORD_OPTIONS);
/** The flight's own Postgres writes, inside the Update's workflow task in lean runs. */
const localRecords = proxyLocalActivities<FlightActivities>(RECORD_OPTIONS);

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

export function flightView(state: FlightState): FlightView {
  return { ...summarize(state), passengers: state.passengers };
}

/** Who takes a step: an officer, or the workflow itself (`system`) for overdue marks and closure. */
export type StepActor = Actor | { sub: 'sira'; role: 'system' };

/** What the update carries that the workflow keeps out of its state (names, escort), for Postgres only. */
type Personal = { passenger?: PassengerInput; escort?: string };

/** One charter flight, from planning to the moment every passenger's case exists. */
export async function charterFlight(input: FlightInput): Promise<FlightOutcome> {
  const { policy } = input;
  const lean = leanSteps();
  // Lean runs also describe themselves in the UI (the open task, a due date): same release, one marker.
  const described = lean;
  const core = new StepCore<FlightState>(
    input.state ?? newFlightState(requirePlan(input.plan)),
    (state) => flightAttributes(state, described ? policy : undefined),
    lean,
    (state) => flightDetails(state, policy),
  );
  let recorded = input.state !== undefined;
  let refusal: ApplicationFailure | undefined;

  // Validators run only for new requests, never on replay, so they always follow the current rules.
  const check = (step: FlightStep, actor: StepActor, firstRules = false) => {
    if (!recorded) throw ApplicationFailure.create({ type: 'stage_conflict', message: 'the flight is not recorded yet', nonRetryable: true });
    enforce(() => checkFlightStep(core.state, step, { now: Date.now(), policy, actor, firstRules }));
  };

  /** Applies a step under the lock: re-checked, recorded in Postgres, then made the live state. */
  const perform = (step: FlightStep, actor: StepActor, personal: Personal = {}) =>
    core.exclusive(async () => {
      // A step the current rules refuse would schedule no activity: a replayed older step keeps its rules.
      const firstRules = !lean && !patched(MINOR_SAFEGUARDS);
      check(step, actor, firstRules);
      if (isRepeatedArrival(core.state, step)) return summarize(core.state);
      const now = Date.now();
      const next = applyFlightStep(core.state, step, { now, policy, actor, firstRules });
      await core.recordThenCommit(next, async () => {
        const result = await core.recorder(localRecords, acts, isFinished(next.status)).recordFlightStep({ step, actor, flight: summarize(next), at: new Date(now).toISOString(), ...personal });
        if (result.conflict) {
          // Another flight booked the same person between the API's check and this write.
          throw ApplicationFailure.create({
            type: 'stage_conflict',
            message: `the same person is already on open flight ${result.conflict.flightId}`,
            nonRetryable: true,
            details: [result.conflict],
          });
        }
      });
      return summarize(core.state);
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

  setHandler(getFlightState, () => flightView(core.state));
  setHandler(awaitFlightRecorded, async () => {
    await condition(() => recorded || refusal !== undefined);
    if (refusal) throw refusal;
    return { flightId: core.state.flightId };
  });
  for (const [name, { handler, validator }] of Object.entries(handlers)) {
    const update = flightUpdates[name as keyof typeof flightUpdates];
    setHandler(update as typeof flightUpdates.lockManifest, handler as never, { validator: validator as never });
  }

  const system: StepActor = { sub: 'sira', role: 'system' };
  if (!recorded) {
    try {
      await core.recorder(localRecords, acts, false).recordFlightCreated({ flight: summarize(core.state), at: core.state.createdAt });
    } catch (error) {
      // A flight Postgres cannot store is refused and ends here (defence in depth behind the API).
      refusal = inputRefusal(error);
      if (!refusal) throw error;
      await core.settle();
      return { flightId: core.state.flightId, status: core.state.status };
    }
    recorded = true;
  }
  core.publish();

  while (!isFinished(core.state.status)) {
    if (core.state.status === 'arrived') {
      const state = core.state;
      const cases = await fanOut.openArrivalCases({
        flightId: state.flightId,
        fromCountry: countryOf(state.origin),
        arrival: state.arrival!,
        expected: boardedPassengers(state).length,
      });
      await perform({ type: 'closeFlight', cases }, system);
      continue;
    }
    const stepped = await core.nextChange(overdueAt(core.state, policy));
    if (!stepped) {
      // A step may have landed as the timer fired; mark only a flight that is still overdue.
      await perform({ type: 'markOverdue' }, system).catch((error: unknown) => {
        if (!(error instanceof ApplicationFailure && error.type === 'stage_conflict')) throw error;
      });
    }
    if (core.continueAsNewDue(input.historyLimit)) {
      await core.settle();
      await continueAsNew<typeof charterFlight>({ policy, state: core.state, historyLimit: input.historyLimit });
    }
  }
  await core.drain();
  return { flightId: core.state.flightId, status: core.state.status, cases: core.state.cases };
}

/**
 * The flight's search attributes: its id, status and whether it is overdue; with the policy (lean
 * runs) also when it is due to have departed.
 */
function flightAttributes(state: FlightState, policy?: FlightPolicy): SearchAttributeUpdatePair[] {
  const due = policy && flightDueAt(state, policy);
  return [
    { key: FlightId, value: state.flightId },
    { key: FlightStatus, value: state.status },
    { key: FlightOverdue, value: state.overdue },
    ...(policy ? [{ key: FlightDueAt, value: due === undefined ? null : new Date(due) }] : []),
  ];
}


function requirePlan(plan: FlightPlan | undefined): FlightPlan {
  if (!plan) throw ApplicationFailure.nonRetryable('a flight needs a plan or a carried-over state');
  return plan;
}

import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { nameBasedUuid } from '../platform/name-based-uuid';
import { openCaseOf } from '../db/queries/case-identity';
import { caseFlightOf } from '../db/queries/cases';
import { arrivalCaseTally, boardedPassengers, type CaseTally, recordPassengerCase } from '../db/queries/flight-manifest';
import { recordFlightPlanned, type RecordedFlightStep, recordFlightStep } from '../db/queries/flight-projection';
import { type FlightState, type FlightSummary, manifestSafeguards } from '../domain/flight';
import { type FlightStep, givesSafeguards, type SafeguardFacts } from '../domain/flight-steps';
import type { Registration } from '../domain/registration';
import { isTerminal, trackFor } from '../domain/stages';
import { startCase } from '../platform/case-starter';
import { caseStepUpdates } from '../workflows/case-messages';
import { caseWorkflowId } from '../workflows/ids';
import type { ActivityDeps } from './case-activities';

/** How many cases the arrival opens at once: enough to keep Temporal busy, few enough not to flood it. */
export const ARRIVAL_CONCURRENCY = 20;

// A fixed namespace for the name-based UUIDs of cases opened by a flight's arrival.
const FLIGHT_CASE_NAMESPACE = 'c3a5e4f0-52a9-4d3e-9c1b-6f1a0e5d2b71';

/**
 * The caseId of the case a flight's arrival opens for a passenger: a UUID v5 (RFC 9562) of the
 * flight and the passenger, so a retried or repeated arrival finds the same case instead of a new one.
 */
export function passengerCaseId(flightId: string, passengerId: string): string {
  return nameBasedUuid(FLIGHT_CASE_NAMESPACE, `${flightId}/${passengerId}`);
}

/**
 * Runs `open` on every item, `concurrency` at a time (a sliding window, not batches that wait for
 * their slowest start), heartbeating how many items from the start are done. A retried attempt
 * resumes after that prefix; anything past it is run again, so `open` must be idempotent.
 */
export async function openWithHeartbeats<T>(items: T[], open: (item: T) => Promise<void>, concurrency = ARRIVAL_CONCURRENCY): Promise<void> {
  const ctx = Context.current();
  const resumed = ctx.info.heartbeatDetails as { done?: number } | undefined;
  const from = Math.min(resumed?.done ?? 0, items.length);
  const finished = new Array<boolean>(items.length).fill(false);
  let prefix = from;
  let next = from;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        await open(items[i]);
      } catch (error) {
        // Stop taking new items; the starts already running finish, so none is left behind a retry.
        failure ??= { error };
        return;
      }
      finished[i] = true;
      while (prefix < items.length && finished[prefix]) prefix += 1;
      ctx.heartbeat({ done: prefix });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length - from) }, lane));
  if (failure) throw failure.error;
}

export interface ArrivalInput {
  flightId: string;
  fromCountry: string;
  arrival: NonNullable<FlightState['arrival']>;
  /** How many boarded passengers the workflow counts; the manifest in Postgres must agree. */
  expected: number;
}

type Outcome = { caseId: string; outcome: keyof CaseTally; note?: string };

/** Activities of the flight workflow. Each one is idempotent: run twice, the rows are the same. */
export function createFlightActivities({ db, config, temporal }: ActivityDeps) {
  /**
   * Joins a returning person to the case they still have open; a case that cannot take the flight is
   * noted. Undefined when the case ended in the meantime: the person then comes back in a new case.
   */
  async function attach(caseId: string, flightId: string, actorSub: string): Promise<Outcome | undefined> {
    const row = await caseFlightOf(db, caseId);
    if (row?.flightId === flightId) return { caseId, outcome: 'attached' };
    if (!row || isTerminal(row.stage)) return undefined;
    try {
      await temporal.workflow.getHandle(caseWorkflowId(caseId)).executeUpdate(caseStepUpdates.attachFlight, {
        // The update ID makes a retried attach the same update, not a second step on the case.
        updateId: `attach-flight:${flightId}`,
        args: [{ actor: { sub: actorSub, role: 'movement_officer' }, flightId }],
      });
      return { caseId, outcome: 'attached' };
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) return { caseId, outcome: 'unresolved', note: error.cause?.message ?? error.message };
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  return {
    /** Writes the flight's row and its first event. */
    async recordFlightCreated({ flight: state, at }: { flight: FlightSummary; at: string }): Promise<void> {
      await recordFlightPlanned(db, state, at);
    },

    /**
     * Records one step: its event, its manifest rows and the new projection, in one transaction.
     * Adding a person another open flight already holds writes nothing and names that flight.
     */
    async recordFlightStep(input: Omit<RecordedFlightStep, 'detail'>): Promise<{ conflict?: { flightId: string; passengerId: string } }> {
      return recordFlightStep(db, { ...input, detail: eventDetail(input.step) });
    },

    /**
     * Opens a case for every boarded passenger, or joins them to the case they already have, twenty
     * at a time with heartbeats; returns once every one of them has a case.
     */
    async openArrivalCases({ flightId, fromCountry, arrival, expected }: ArrivalInput): Promise<CaseTally> {
      const passengers = await boardedPassengers(db, flightId);
      if (passengers.length !== expected) {
        throw new Error(`flight ${flightId}: ${passengers.length} boarded passengers in Postgres, ${expected} in the workflow`);
      }
      await openWithHeartbeats(passengers, async (p) => {
        if (p.caseOutcome) return;
        const ownCaseId = passengerCaseId(flightId, p.passengerId);
        // Someone whose case is still open joins it. Anyone else gets a case of their own, a returnee
        // whose earlier case ended included: registration links that case (a second return).
        const open = await openCaseOf(db, p, ownCaseId);
        let outcome = open && (await attach(open.caseId, flightId, arrival.by));
        if (!outcome) {
          const registration: Registration = {
            caseId: ownCaseId,
            track: trackFor(p.person.nationality, config.casePolicy.hostCountry),
            person: p.person,
            arrival: { mode: 'charter', arrivedAt: arrival.arrivedAt, fromCountry, flightId },
            centreCode: arrival.centreCode,
            residenceRegion: p.residenceRegion,
            vulnerabilities: p.vulnerabilities,
            unaccompaniedMinor: p.unaccompaniedMinor,
            biometricRef: p.biometricRef,
            documentNumber: p.documentNumber,
            consentToDataProcessing: true,
            officer: arrival.by,
            // The same on every attempt, so a retried start carries the same registration.
            registeredAt: arrival.recordedAt,
            // A child boarded on the safeguards of their manifest entry: their case starts with them.
            ...(p.unaccompaniedMinor && p.safeguards ? { safeguards: { ...p.safeguards, ...(p.escort ? { escort: p.escort } : {}) } } : {}),
          };
          const result = await startCase(temporal, config, registration);
          if (!result.duplicateOf) {
            const note = result.previousCaseId ? `second return: the earlier case is ${result.previousCaseId}` : undefined;
            outcome = { caseId: ownCaseId, outcome: 'opened', note };
          } else {
            // The person's case was opened elsewhere while this one was being registered.
            outcome = (await attach(result.duplicateOf, flightId, arrival.by)) ?? {
              caseId: result.duplicateOf,
              outcome: 'unresolved',
              note: 'the existing case ended while the passenger was joining it',
            };
          }
        }
        await recordPassengerCase(db, p.passengerId, outcome);
      });
      return arrivalCaseTally(db, flightId);
    },
  };
}

/** What the event row keeps of a minor's safeguards: the determination's reference and the case, like the manifest. */
const safeguardsDetail = (facts: SafeguardFacts) =>
  givesSafeguards(facts) ? { safeguards: manifestSafeguards(facts.safeguards, facts.safeguardsCaseId) } : {};

/** What the event row keeps of a step: identifiers and checks, never a name (nor an escort's). */
function eventDetail(step: FlightStep): Record<string, unknown> {
  switch (step.type) {
    case 'addPassenger': {
      const { passengerId, nationality, unaccompaniedMinor, escortNamed, consentSignedAt, fitToTravelAt } = step.entry;
      return {
        passengerId,
        nationality,
        unaccompaniedMinor,
        escortNamed,
        consentSignedAt,
        fitToTravelAt,
        ...safeguardsDetail(step),
      };
    }
    case 'updatePassengerChecks': {
      const { passengerId, consentSignedAt, fitToTravelAt, escortNamed } = step;
      return { passengerId, consentSignedAt, fitToTravelAt, escortNamed, ...safeguardsDetail(step) };
    }
    case 'lockManifest':
    case 'recordDeparture': {
      const { type: _type, safeguards, ...detail } = step;
      if (!safeguards) return detail;
      // The references each minor boarded on; their case, if any, is on the manifest already.
      const references = Object.entries(safeguards).map(([passengerId, s]) => [passengerId, manifestSafeguards(s)]);
      return { ...detail, safeguards: Object.fromEntries(references) };
    }
    default: {
      const { type: _type, ...detail } = step;
      return detail;
    }
  }
}

export type FlightActivities = ReturnType<typeof createFlightActivities>;

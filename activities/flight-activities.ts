import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { nameBasedUuid } from '../platform/name-based-uuid';
import type { Knex } from 'knex';
import { openCaseOf } from '../db/queries/case-identity';
import { flightColumns, insertFlightEvent, updateFlightProjection } from '../db/queries/flights';
import { type FlightState, type FlightSummary, manifestSafeguards } from '../domain/flight';
import { type FlightStep, givesSafeguards, type SafeguardFacts } from '../domain/flight-steps';
import type { Registration } from '../domain/registration';
import { isTerminal, trackFor } from '../domain/stages';
import { startCase } from '../platform/case-starter';
import { caseStepUpdates } from '../workflows/case-messages';
import type { PassengerInput } from '../workflows/flight-messages';
import { caseWorkflowId, flightWorkflowId } from '../workflows/ids';
import type { ActivityDeps } from './case-activities';
import { personFromRow } from '../db/queries/rows';

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

export type CaseTally = { opened: number; attached: number; unresolved: number };

type Outcome = { caseId: string; outcome: keyof CaseTally; note?: string };

/** Activities of the flight workflow. Each one is idempotent: run twice, the rows are the same. */
export function createFlightActivities({ db, config, temporal }: ActivityDeps) {
  /**
   * Joins a returning person to the case they still have open; a case that cannot take the flight is
   * noted. Undefined when the case ended in the meantime: the person then comes back in a new case.
   */
  async function attach(caseId: string, flightId: string, actorSub: string): Promise<Outcome | undefined> {
    const row = await db('cases').where({ case_id: caseId }).first('flight_id', 'stage');
    if (row?.flight_id === flightId) return { caseId, outcome: 'attached' };
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
      await db.transaction(async (trx) => {
        await trx('flights')
          .insert({
            flight_id: state.flightId,
            workflow_id: flightWorkflowId(state.flightId),
            created_by: state.createdBy,
            created_at: state.createdAt,
            ...flightColumns(state, at),
          })
          .onConflict('flight_id')
          .ignore();
        await insertFlightEvent(trx, {
          flightId: state.flightId,
          seq: 0,
          kind: 'planned',
          actorSub: state.createdBy,
          actorRole: 'movement_officer',
          at,
          statusAfter: state.status,
          detail: { flightNumber: state.flightNumber, origin: state.origin, destination: state.destination, capacity: state.capacity },
        });
      });
    },

    /**
     * Records one step: its event, its manifest rows and the new projection, in one transaction.
     * Adding a person another open flight already holds writes nothing and names that flight.
     */
    async recordFlightStep({
      step,
      actor,
      flight: state,
      at,
      passenger,
      escort,
    }: {
      step: FlightStep;
      actor: { sub: string; role: string };
      /** The flight after the step, without its manifest (whose rows this step writes). */
      flight: FlightSummary;
      at: string;
      passenger?: PassengerInput;
      escort?: string;
    }): Promise<{ conflict?: { flightId: string; passengerId: string } }> {
      return db.transaction(async (trx) => {
        if (step.type === 'addPassenger' && passenger) {
          const conflict = await insertPassenger(trx, state.flightId, passenger, actor.sub, at);
          if (conflict) return { conflict };
        }
        const first = await insertFlightEvent(trx, {
          flightId: state.flightId,
          seq: state.seq,
          kind: step.type,
          actorSub: actor.sub,
          actorRole: actor.role,
          at,
          statusAfter: state.status,
          detail: eventDetail(step),
        });
        if (!first) return {};
        await writeManifestRows(trx, step, state, actor.sub, at, escort);
        await updateFlightProjection(trx, state, at);
        return {};
      });
    },

    /**
     * Opens a case for every boarded passenger, or joins them to the case they already have, twenty
     * at a time with heartbeats; returns once every one of them has a case.
     */
    async openArrivalCases({ flightId, fromCountry, arrival, expected }: ArrivalInput): Promise<CaseTally> {
      const passengers = await db('flight_passengers')
        .where({ flight_id: flightId, boarding: 'boarded' })
        .whereNull('removed_at')
        .orderBy([{ column: 'added_at' }, { column: 'passenger_id' }]);
      if (passengers.length !== expected) {
        throw new Error(`flight ${flightId}: ${passengers.length} boarded passengers in Postgres, ${expected} in the workflow`);
      }
      await openWithHeartbeats(passengers, async (p) => {
        if (p.case_outcome) return;
        const ownCaseId = passengerCaseId(flightId, p.passenger_id);
        // Someone whose case is still open joins it. Anyone else gets a case of their own, a returnee
        // whose earlier case ended included: registration links that case (a second return).
        const open = await openCaseOf(db, { biometricRef: p.biometric_ref, documentNumber: p.document_number }, ownCaseId);
        let outcome = open && (await attach(open.caseId, flightId, arrival.by));
        if (!outcome) {
          const registration: Registration = {
            caseId: ownCaseId,
            track: trackFor(p.nationality, config.casePolicy.hostCountry),
            person: personFromRow(p),
            arrival: { mode: 'charter', arrivedAt: arrival.arrivedAt, fromCountry, flightId },
            centreCode: arrival.centreCode,
            residenceRegion: p.residence_region ?? undefined,
            vulnerabilities: p.vulnerabilities ?? [],
            unaccompaniedMinor: p.unaccompanied_minor,
            biometricRef: p.biometric_ref ?? undefined,
            documentNumber: p.document_number ?? undefined,
            consentToDataProcessing: true,
            officer: arrival.by,
            // The same on every attempt, so a retried start carries the same registration.
            registeredAt: arrival.recordedAt,
            // A child boarded on the safeguards of their manifest entry: their case starts with them.
            ...(p.unaccompanied_minor && p.safeguards ? { safeguards: { ...p.safeguards, ...(p.escort ? { escort: p.escort } : {}) } } : {}),
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
        await db('flight_passengers')
          .where({ passenger_id: p.passenger_id })
          .update({ case_id: outcome.caseId, case_outcome: outcome.outcome, case_note: outcome.note ?? null });
      });
      const counts = await db('flight_passengers')
        .where({ flight_id: flightId, boarding: 'boarded' })
        .whereNull('removed_at')
        .select('case_outcome')
        .count<{ case_outcome: keyof CaseTally; count: number }[]>({ count: '*' })
        .groupBy('case_outcome');
      const tally: CaseTally = { opened: 0, attached: 0, unresolved: 0 };
      for (const c of counts) tally[c.case_outcome] = Number(c.count);
      return tally;
    },
  };
}

/** The manifest entry's row; a person another open flight holds comes back as that booking. */
async function insertPassenger(trx: Knex, flightId: string, p: PassengerInput, by: string, at: string) {
  const inserted = await trx('flight_passengers')
    .insert({
      passenger_id: p.passengerId,
      flight_id: flightId,
      family_name: p.person.familyName,
      given_name: p.person.givenName,
      sex: p.person.sex,
      date_of_birth: p.person.dateOfBirth,
      nationality: p.person.nationality,
      phone: p.person.phone ?? null,
      residence_region: p.residenceRegion ?? null,
      vulnerabilities: JSON.stringify(p.vulnerabilities),
      unaccompanied_minor: p.unaccompaniedMinor,
      escort: p.escort ?? null,
      biometric_ref: p.biometricRef ?? null,
      document_number: p.documentNumber ?? null,
      escort_seat: p.escortSeat ?? null,
      safeguards: p.safeguards ? JSON.stringify(p.safeguards) : null,
      safeguards_case_id: p.safeguardsCaseId ?? null,
      consent_signed_at: p.consentSignedAt,
      fit_to_travel_at: p.fitToTravelAt,
      checked_at: at,
      added_by: by,
      added_at: at,
    })
    // No target: the primary key (a retried attempt) and the open-booking indexes (another flight) alike.
    .onConflict()
    .ignore()
    .returning('passenger_id');
  if (inserted.length > 0) return undefined;
  const own = await trx('flight_passengers').where({ passenger_id: p.passengerId }).first('passenger_id');
  if (own) return undefined;
  const other = await trx('flight_passengers')
    .where('holds_seat', true)
    .andWhere((q) => {
      if (p.biometricRef) q.orWhere('biometric_ref', p.biometricRef);
      if (p.documentNumber) q.orWhere('document_number', p.documentNumber);
    })
    .first('flight_id', 'passenger_id');
  if (!other) throw new Error(`passenger ${p.passengerId} could not be inserted`);
  return { flightId: other.flight_id as string, passengerId: other.passenger_id as string };
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

/** Where a refreshed entry's safeguards are now: as given, or on the child's case (read again at boarding). */
function safeguardsColumns(step: Extract<FlightStep, { type: 'updatePassengerChecks' }>) {
  if (!givesSafeguards(step)) return {};
  return { safeguards: step.safeguards ? JSON.stringify(step.safeguards) : null, safeguards_case_id: step.safeguardsCaseId ?? null };
}

/** Rows beyond the event and the projection that a step changes, in the step's transaction. */
async function writeManifestRows(trx: Knex, step: FlightStep, state: FlightSummary, by: string, at: string, escort?: string) {
  const entries = () => trx('flight_passengers').where({ flight_id: state.flightId }).whereNull('removed_at');
  switch (step.type) {
    case 'removePassenger':
      await trx('flight_passengers')
        .where({ passenger_id: step.passengerId })
        .update({ removed_at: at, removed_by: by, holds_seat: false });
      return;
    case 'updatePassengerChecks':
      await trx('flight_passengers')
        .where({ passenger_id: step.passengerId })
        .update({
          ...(step.consentSignedAt ? { consent_signed_at: step.consentSignedAt } : {}),
          ...(step.fitToTravelAt ? { fit_to_travel_at: step.fitToTravelAt } : {}),
          ...(escort ? { escort } : {}),
          ...(step.escortSeat ? { escort_seat: step.escortSeat } : {}),
          ...safeguardsColumns(step),
          checked_at: at,
        });
      return;
    case 'lockManifest':
      await entries().update({ checked_at: at });
      return;
    case 'recordDeparture':
      await entries().update({ boarding: 'boarded' });
      if (step.noShows.length) {
        // A no-show's seat is free again: they may be put on a later flight.
        await entries().whereIn('passenger_id', step.noShows).update({ boarding: 'no_show', holds_seat: false });
      }
      return;
    case 'recordArrival':
    case 'cancelFlight':
      // Landed or cancelled: nobody on this manifest is booked any more.
      await trx('flight_passengers').where({ flight_id: state.flightId }).update({ holds_seat: false });
      return;
    default:
      return;
  }
}

export type FlightActivities = ReturnType<typeof createFlightActivities>;

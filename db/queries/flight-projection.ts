import type { Knex } from 'knex';
import type { FlightSummary } from '../../domain/flight';
import { type FlightStep, givesSafeguards } from '../../domain/flight-steps';
import type { PassengerInput } from '../../workflows/flight-messages';
import { flightWorkflowId } from '../../workflows/ids';
import { insertEventOnce } from './events';
import { findOpenBooking } from './flight-manifest';

/** The columns of `flights` that mirror the workflow's state, for lists and reads. */
function flightColumns(state: FlightSummary, at: string) {
  return {
    flight_number: state.flightNumber,
    origin: state.origin,
    destination: state.destination,
    scheduled_departure: state.scheduledDeparture,
    capacity: state.capacity,
    status: state.status,
    seq: state.seq,
    overdue: state.overdue,
    passenger_count: state.passengerCount,
    locked_at: state.lockedAt ?? null,
    departed_at: state.departure?.departedAt ?? null,
    arrived_at: state.arrival?.arrivedAt ?? null,
    centre_code: state.arrival?.centreCode ?? null,
    cases_opened: state.cases?.opened ?? null,
    cases_attached: state.cases?.attached ?? null,
    cases_unresolved: state.cases?.unresolved ?? null,
    closed_at: state.closedAt ?? null,
    cancellation_reason: state.cancellation?.reason ?? null,
    cancelled_at: state.cancellation?.at ?? null,
    state: JSON.stringify(state),
    updated_at: at,
  };
}

/** Writes the projection unless a later step already did (steps may be retried out of order). */
async function updateFlightProjection(trx: Knex, state: FlightSummary, at: string): Promise<void> {
  await trx('flights').where({ flight_id: state.flightId }).andWhere('seq', '<', state.seq).update(flightColumns(state, at));
}

/** Inserts the step's event row; false when an earlier attempt already recorded this step. */
async function insertFlightEvent(
  trx: Knex,
  event: { flightId: string; seq: number; kind: string; actorSub: string; actorRole: string; at: string; statusAfter: string; detail: unknown },
): Promise<boolean> {
  return insertEventOnce(trx, 'flight_events', {
    flight_id: event.flightId,
    seq: event.seq,
    kind: event.kind,
    actor_sub: event.actorSub,
    actor_role: event.actorRole,
    at: event.at,
    status_after: event.statusAfter,
    detail: JSON.stringify(event.detail ?? {}),
  });
}

/** Writes the flight's row and its first event, in one transaction. */
export async function recordFlightPlanned(db: Knex, state: FlightSummary, at: string): Promise<void> {
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
}

/** One step of a flight as its rows record it. */
export interface RecordedFlightStep {
  step: FlightStep;
  actor: { sub: string; role: string };
  /** The flight after the step, without its manifest (whose rows this step writes). */
  flight: FlightSummary;
  at: string;
  /** What the event row keeps of the step. */
  detail: Record<string, unknown>;
  passenger?: PassengerInput;
  escort?: string;
}

/**
 * Records one step: its event, its manifest rows and the new projection, in one transaction.
 * Adding a person another open flight already holds writes nothing and names that flight.
 */
export async function recordFlightStep(
  db: Knex,
  { step, actor, flight: state, at, detail, passenger, escort }: RecordedFlightStep,
): Promise<{ conflict?: { flightId: string; passengerId: string } }> {
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
      detail,
    });
    if (!first) return {};
    await writeManifestRows(trx, step, state, actor.sub, at, escort);
    await updateFlightProjection(trx, state, at);
    return {};
  });
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
  const other = await findOpenBooking(trx, p);
  if (!other) throw new Error(`passenger ${p.passengerId} could not be inserted`);
  return other;
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

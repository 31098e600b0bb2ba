import type { Knex } from 'knex';
import type { FlightSummary } from '../../domain/flight';
import type { Db } from '../index';
import { iso, personFromRow } from './rows';

/** The columns of `flights` that mirror the workflow's state, for lists and reads. */
export function flightColumns(state: FlightSummary, at: string) {
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
export async function updateFlightProjection(trx: Knex, state: FlightSummary, at: string): Promise<void> {
  await trx('flights').where({ flight_id: state.flightId }).andWhere('seq', '<', state.seq).update(flightColumns(state, at));
}

/** Inserts the step's event row; false when an earlier attempt already recorded this step. */
export async function insertFlightEvent(
  trx: Knex,
  event: { flightId: string; seq: number; kind: string; actorSub: string; actorRole: string; at: string; statusAfter: string; detail: unknown },
): Promise<boolean> {
  const inserted = await trx('flight_events')
    .insert({
      flight_id: event.flightId,
      seq: event.seq,
      kind: event.kind,
      actor_sub: event.actorSub,
      actor_role: event.actorRole,
      at: event.at,
      status_after: event.statusAfter,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .onConflict(['flight_id', 'seq'])
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/** The open manifest entry that already books this person, if any (the API's check before an update). */
export async function findOpenBooking(db: Db, identity: { biometricRef?: string; documentNumber?: string }) {
  if (!identity.biometricRef && !identity.documentNumber) return undefined;
  const row = await db('flight_passengers')
    .where('holds_seat', true)
    .andWhere((q) => {
      if (identity.biometricRef) q.orWhere('biometric_ref', identity.biometricRef);
      if (identity.documentNumber) q.orWhere('document_number', identity.documentNumber);
    })
    .first('flight_id', 'passenger_id');
  return row ? { flightId: row.flight_id as string, passengerId: row.passenger_id as string } : undefined;
}

type Row = Record<string, unknown>;


export function flightSummary(row: Row) {
  return {
    flightId: row.flight_id,
    flightNumber: row.flight_number,
    origin: row.origin,
    destination: row.destination,
    scheduledDeparture: iso(row.scheduled_departure),
    capacity: row.capacity,
    status: row.status,
    overdue: row.overdue,
    passengerCount: row.passenger_count,
    lockedAt: iso(row.locked_at),
    departedAt: iso(row.departed_at),
    arrivedAt: iso(row.arrived_at),
    centreCode: row.centre_code ?? null,
    cases:
      row.cases_opened === null || row.cases_opened === undefined
        ? null
        : { opened: row.cases_opened, attached: row.cases_attached, unresolved: row.cases_unresolved },
    closedAt: iso(row.closed_at),
    cancellation: row.cancellation_reason ? { reason: row.cancellation_reason, at: iso(row.cancelled_at) } : null,
    updatedAt: iso(row.updated_at),
  };
}

export interface FlightListFilter {
  status?: string;
  overdue?: boolean;
  page: number;
  pageSize: number;
}

export async function listFlights(db: Db, f: FlightListFilter) {
  const base = db('flights').where((q) => {
    if (f.status) q.where('status', f.status);
    if (f.overdue !== undefined) q.where('overdue', f.overdue);
  });
  const [{ count }] = await base.clone().count<{ count: number }[]>({ count: '*' });
  const rows = await base
    .clone()
    .orderBy([{ column: 'scheduled_departure', order: 'desc' }, { column: 'flight_id' }])
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize);
  return { items: rows.map(flightSummary), total: Number(count) };
}

export function passengerSummary(p: Row) {
  return {
    passengerId: p.passenger_id,
    person: personFromRow(p),
    residenceRegion: p.residence_region ?? undefined,
    vulnerabilities: p.vulnerabilities,
    unaccompaniedMinor: p.unaccompanied_minor,
    escort: p.escort ?? undefined,
    biometricRef: p.biometric_ref ?? undefined,
    documentNumber: p.document_number ?? undefined,
    checks: { consentSignedAt: iso(p.consent_signed_at), fitToTravelAt: iso(p.fit_to_travel_at), checkedAt: iso(p.checked_at) },
    addedAt: iso(p.added_at),
    boarding: p.boarding ?? null,
    caseId: p.case_id ?? null,
    caseOutcome: p.case_outcome ?? null,
    caseNote: p.case_note ?? null,
  };
}

/** The flight as a movement officer reads it: its manifest (without removed entries) and its history. */
export async function flightDetail(db: Db, flightId: string) {
  const row = await db('flights').where({ flight_id: flightId }).first();
  if (!row) return undefined;
  const [passengers, events] = await Promise.all([
    db('flight_passengers').where({ flight_id: flightId }).whereNull('removed_at').orderBy([{ column: 'added_at' }, { column: 'passenger_id' }]),
    db('flight_events').where({ flight_id: flightId }).orderBy('seq'),
  ]);
  return {
    ...flightSummary(row),
    workflowId: row.workflow_id,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    passengers: passengers.map(passengerSummary),
    boarded: passengers.filter((p) => p.boarding === 'boarded').length,
    noShows: passengers.filter((p) => p.boarding === 'no_show').length,
    history: events.map((e) => ({
      seq: e.seq,
      step: e.kind,
      by: e.actor_sub,
      role: e.actor_role,
      at: iso(e.at),
      statusAfter: e.status_after,
      detail: e.detail,
    })),
  };
}

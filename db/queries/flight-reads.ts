import type { FlightStatus } from '../../domain/flight';
import type { Db } from '../index';
import { page, type PageRequest } from './page';
import { iso, manifestEntryFromRow } from './rows';

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

export interface FlightListFilter extends PageRequest {
  status?: string;
  overdue?: boolean;
}

export async function listFlights(db: Db, f: FlightListFilter) {
  const filtered = db('flights').where((q) => {
    if (f.status) q.where('status', f.status);
    if (f.overdue !== undefined) q.where('overdue', f.overdue);
  });
  const { rows, total } = await page(filtered, f, (q) => q.orderBy([{ column: 'scheduled_departure', order: 'desc' }, { column: 'flight_id' }]));
  return { items: rows.map(flightSummary), total };
}

/** What a step's checks need of a flight: its status, departure, and the arrival it recorded. */
export async function flightStandingOf(
  db: Db,
  flightId: string,
): Promise<{ status: FlightStatus; scheduledDeparture: Date; arrivedAt: Date | null; centreCode: string | null } | undefined> {
  const row = await db('flights').where({ flight_id: flightId }).first('status', 'scheduled_departure', 'arrived_at', 'centre_code');
  return row ? { status: row.status, scheduledDeparture: row.scheduled_departure, arrivedAt: row.arrived_at, centreCode: row.centre_code } : undefined;
}

export function passengerSummary(p: Row) {
  return {
    ...manifestEntryFromRow(p),
    safeguardsCaseId: p.safeguards_case_id ?? undefined,
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

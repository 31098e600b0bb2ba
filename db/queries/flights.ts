import type { Knex } from 'knex';
import { type FlightSummary, sameEscort, samePerson } from '../../domain/flight';
import type { ManifestSafeguardFacts } from '../../domain/flight-steps';
import type { MinorSafeguards } from '../../domain/minor-safeguards';
import { isTerminal } from '../../domain/stages';
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

/** What travel needs of a child's safeguards: the determination's notes stay in the child's file. */
function forTravel(recorded: MinorSafeguards): Omit<MinorSafeguards, 'escort'> {
  const { notes: _notes, ...bestInterests } = recorded.bestInterests;
  return { bestInterests, familyTracing: recorded.familyTracing, consents: recorded.consents };
}

/**
 * The safeguards recorded on a child's case and the escort named there, when `caseId` is the open
 * case of this child (the same biometric reference or document number); undefined when it is not.
 * `safeguards` is absent while the case records none.
 */
export async function childCaseSafeguards(
  db: Db,
  caseId: string,
  child: { biometricRef?: string; documentNumber?: string },
): Promise<{ safeguards?: Omit<MinorSafeguards, 'escort'>; escort?: string } | undefined> {
  const row = await db('cases')
    .where({ case_id: caseId })
    .first('stage', 'biometric_ref', 'document_number', db.raw("state->'safeguards' as safeguards"));
  const theirs = row && samePerson({ biometricRef: row.biometric_ref ?? undefined, documentNumber: row.document_number ?? undefined }, child);
  if (!theirs || isTerminal(row.stage)) return undefined;
  const recorded = row.safeguards as MinorSafeguards | null;
  return recorded ? { safeguards: forTravel(recorded), escort: recorded.escort } : {};
}

/** The seat the escort already has on this flight: they accompany another child on its manifest. */
export async function escortSeatOf(db: Db, flightId: string, escort: string): Promise<string | undefined> {
  const rows: { escort: string; escort_seat: string }[] = await db('flight_passengers')
    .where({ flight_id: flightId })
    .whereNull('removed_at')
    .whereNotNull('escort_seat')
    .select('escort', 'escort_seat');
  return rows.find((r) => sameEscort(r.escort, escort))?.escort_seat;
}

/**
 * The current safeguards of each unaccompanied minor on the manifest, with the escort it names, for
 * the lock and the boarding: those recorded on the child's case when the entry follows one (read now,
 * so that what the case recorded since counts), else those given with the child.
 */
export async function boardingSafeguards(db: Db, flightId: string): Promise<ManifestSafeguardFacts> {
  const rows = await db('flight_passengers as p')
    .leftJoin('cases as c', 'c.case_id', 'p.safeguards_case_id')
    .where({ 'p.flight_id': flightId, 'p.unaccompanied_minor': true })
    .whereNull('p.removed_at')
    .select('p.passenger_id', 'p.escort', 'p.safeguards', 'p.safeguards_case_id', db.raw("c.state->'safeguards' as case_safeguards"));
  const facts: ManifestSafeguardFacts = {};
  for (const r of rows) {
    const current = (r.safeguards_case_id ? r.case_safeguards : r.safeguards) as MinorSafeguards | null;
    if (current) facts[r.passenger_id] = { ...forTravel(current), escort: r.escort ?? undefined };
  }
  return facts;
}

/** A live manifest entry as a refresh of its checks needs it: is it a child's, who, and their escort. */
export async function manifestEntry(db: Db, flightId: string, passengerId: string) {
  const row = await db('flight_passengers')
    .where({ flight_id: flightId, passenger_id: passengerId })
    .whereNull('removed_at')
    .first('unaccompanied_minor', 'escort', 'biometric_ref', 'document_number');
  if (!row) return undefined;
  return {
    unaccompaniedMinor: row.unaccompanied_minor as boolean,
    escort: (row.escort as string | null) ?? undefined,
    biometricRef: (row.biometric_ref as string | null) ?? undefined,
    documentNumber: (row.document_number as string | null) ?? undefined,
  };
}

/** The date of birth of each unaccompanied minor on the manifest, for a new departure time. */
export async function manifestMinors(db: Db, flightId: string): Promise<{ passengerId: string; dateOfBirth: string }[]> {
  const rows = await db('flight_passengers')
    .where({ flight_id: flightId, unaccompanied_minor: true })
    .whereNull('removed_at')
    .select('passenger_id', 'date_of_birth');
  return rows.map((r) => ({ passengerId: r.passenger_id, dateOfBirth: r.date_of_birth }));
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
    safeguards: p.safeguards ?? undefined,
    safeguardsCaseId: p.safeguards_case_id ?? undefined,
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

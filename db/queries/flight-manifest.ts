import { sameEscort, samePerson } from '../../domain/flight';
import type { ManifestSafeguardFacts } from '../../domain/flight-steps';
import type { MinorSafeguards } from '../../domain/minor-safeguards';
import { isTerminal } from '../../domain/stages';
import type { PassengerInput } from '../../workflows/flight-messages';
import type { Db } from '../index';
import { type PersonIdentity, whereSamePerson } from './case-identity';
import { manifestEntryFromRow } from './rows';

/** The open manifest entry that already books this person, if any (the API's check before an update). */
export async function findOpenBooking(db: Db, identity: PersonIdentity): Promise<{ flightId: string; passengerId: string } | undefined> {
  if (!identity.biometricRef && !identity.documentNumber) return undefined;
  const query = db('flight_passengers').where('holds_seat', true).first('flight_id', 'passenger_id');
  whereSamePerson(query, identity);
  const row = await query;
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
/** A boarded passenger as the arrival needs them, to open their case or join them to the one they have. */
export type BoardedPassenger = Pick<
  PassengerInput,
  'passengerId' | 'person' | 'residenceRegion' | 'vulnerabilities' | 'unaccompaniedMinor' | 'escort' | 'biometricRef' | 'documentNumber' | 'safeguards'
> & {
  /** Set once the arrival settled their case: a retried arrival leaves them be. */
  caseOutcome?: keyof CaseTally;
};

/** The passengers who boarded (the manifest's live entries), in the order they were added. */
export async function boardedPassengers(db: Db, flightId: string): Promise<BoardedPassenger[]> {
  const rows = await db('flight_passengers')
    .where({ flight_id: flightId, boarding: 'boarded' })
    .whereNull('removed_at')
    .orderBy([{ column: 'added_at' }, { column: 'passenger_id' }]);
  return rows.map((p) => ({
    ...(manifestEntryFromRow(p) as Omit<BoardedPassenger, 'caseOutcome'>),
    caseOutcome: p.case_outcome ?? undefined,
  }));
}

/** How the arrival left each boarded passenger: a case opened for them, joined to theirs, or unresolved. */
export type CaseTally = { opened: number; attached: number; unresolved: number };

/** The case the arrival gave a passenger, and how. */
export async function recordPassengerCase(
  db: Db,
  passengerId: string,
  outcome: { caseId: string; outcome: keyof CaseTally; note?: string },
): Promise<void> {
  await db('flight_passengers')
    .where({ passenger_id: passengerId })
    .update({ case_id: outcome.caseId, case_outcome: outcome.outcome, case_note: outcome.note ?? null });
}

/** How many boarded passengers the arrival gave each outcome. */
export async function arrivalCaseTally(db: Db, flightId: string): Promise<CaseTally> {
  const counts = await db('flight_passengers')
    .where({ flight_id: flightId, boarding: 'boarded' })
    .whereNull('removed_at')
    .select('case_outcome')
    .count<{ case_outcome: keyof CaseTally; count: number }[]>({ count: '*' })
    .groupBy('case_outcome');
  const tally: CaseTally = { opened: 0, attached: 0, unresolved: 0 };
  for (const c of counts) tally[c.case_outcome] = Number(c.count);
  return tally;
}

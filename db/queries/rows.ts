import type { Person } from '../../domain/registration';

type Row = Record<string, unknown>;

/** A timestamp column as ISO text (pg gives Date objects; DATE columns stay plain strings). */
export function iso(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : ((value as string | null) ?? null);
}

/** The person columns shared by cases and manifest entries (family_name, given_name, …). */
export function personFromRow(row: Row): Person {
  return {
    familyName: row.family_name as string,
    givenName: row.given_name as string,
    sex: row.sex as Person['sex'],
    dateOfBirth: row.date_of_birth as string,
    nationality: row.nationality as string,
    phone: (row.phone as string | null) ?? undefined,
  };
}

/** Who a manifest entry is (flight_passengers): the columns a passenger's summary and the arrival both read. */
export function manifestEntryFromRow(p: Row) {
  return {
    passengerId: p.passenger_id as string,
    person: personFromRow(p),
    residenceRegion: (p.residence_region as string | null) ?? undefined,
    vulnerabilities: (p.vulnerabilities as string[] | null) ?? [],
    unaccompaniedMinor: p.unaccompanied_minor as boolean,
    escort: (p.escort as string | null) ?? undefined,
    safeguards: (p.safeguards as Record<string, unknown> | null) ?? undefined,
    biometricRef: (p.biometric_ref as string | null) ?? undefined,
    documentNumber: (p.document_number as string | null) ?? undefined,
  };
}

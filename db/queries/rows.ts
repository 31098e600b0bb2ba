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

import type { Knex } from 'knex';

/**
 * An unaccompanied minor boards a charter on their safeguards (issue 10): the manifest entry keeps
 * the safeguards given with the child, or names the child's case whose recorded safeguards count
 * (read again at lock and at boarding). Escorts take seats: entries escorted by the same person
 * share one opaque `escort_seat`, the only trace of the escort the flight's workflow holds.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('flight_passengers', (t) => {
    t.jsonb('safeguards');
    t.uuid('safeguards_case_id').references('cases.case_id');
    t.uuid('escort_seat');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('flight_passengers', (t) => {
    t.dropColumns('safeguards', 'safeguards_case_id', 'escort_seat');
  });
}

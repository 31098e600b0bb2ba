import type { Knex } from 'knex';

/**
 * The personal-data lifecycle (README, Personal data). A consent withdrawal keeps its date on the
 * case. An erasure empties the person's columns (names, date of birth, phone, identity keys), which
 * become nullable, and keeps the age at arrival the programme report counts minors by. `erasures`
 * says who erased a case, when and why: the audit log cannot hold the why, and it names no person.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('cases', (t) => {
    t.timestamp('consent_withdrawn_at', { useTz: true });
    t.smallint('age_at_arrival');
    t.timestamp('erased_at', { useTz: true });
  });
  for (const column of ['family_name', 'given_name', 'date_of_birth']) {
    await db.raw(`alter table cases alter column ${column} drop not null`);
  }
  await db.raw('create index cases_closed_at_unerased on cases (closed_at) where erased_at is null and closed_at is not null');
  await db.schema.createTable('erasures', (t) => {
    t.uuid('case_id').primary().references('cases.case_id');
    t.text('requested_by').notNullable();
    t.text('requested_role').notNullable();
    t.text('reason').notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.timestamp('completed_at', { useTz: true });
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('erasures');
  await db.raw('drop index if exists cases_closed_at_unerased');
  await db.schema.alterTable('cases', (t) => {
    t.dropColumns('consent_withdrawn_at', 'age_at_arrival', 'erased_at');
  });
}

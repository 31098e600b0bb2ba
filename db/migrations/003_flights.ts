import type { Knex } from 'knex';

const STATUSES = ['planned', 'manifest_open', 'locked', 'departed', 'arrived', 'closed', 'cancelled'];

export async function up(db: Knex): Promise<void> {
  // The projection of each flight's workflow, for lists and reads (the workflow holds the live state).
  await db.schema.createTable('flights', (t) => {
    t.uuid('flight_id').primary();
    t.text('workflow_id').notNullable().unique();
    t.text('flight_number').notNullable();
    t.text('origin').notNullable();
    t.text('destination').notNullable();
    t.timestamp('scheduled_departure', { useTz: true }).notNullable();
    t.integer('capacity').notNullable();
    t.text('status').notNullable().checkIn(STATUSES);
    t.integer('seq').notNullable().defaultTo(0);
    t.boolean('overdue').notNullable().defaultTo(false);
    t.integer('passenger_count').notNullable().defaultTo(0);
    t.timestamp('locked_at', { useTz: true });
    t.timestamp('departed_at', { useTz: true });
    t.timestamp('arrived_at', { useTz: true });
    t.text('centre_code').references('centres.code');
    t.integer('cases_opened');
    t.integer('cases_attached');
    t.integer('cases_unresolved');
    t.timestamp('closed_at', { useTz: true });
    t.text('cancellation_reason');
    t.timestamp('cancelled_at', { useTz: true });
    t.text('created_by').notNullable();
    t.jsonb('state').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status', 'scheduled_departure']);
  });
  await db.raw('alter table flights add constraint flights_capacity_positive check (capacity > 0)');

  // One row per person put on a manifest, with their checks and, after departure, the boarding outcome.
  await db.schema.createTable('flight_passengers', (t) => {
    t.uuid('passenger_id').primary();
    t.uuid('flight_id').notNullable().references('flights.flight_id');
    // Personal data: only here, never in the flight's workflow state, search attributes or IDs.
    t.text('family_name').notNullable();
    t.text('given_name').notNullable();
    t.string('sex', 1).notNullable();
    t.date('date_of_birth').notNullable();
    t.string('nationality', 3).notNullable();
    t.text('phone');
    t.text('residence_region');
    t.jsonb('vulnerabilities').notNullable().defaultTo('[]');
    t.boolean('unaccompanied_minor').notNullable();
    t.text('escort');
    t.text('biometric_ref');
    t.text('document_number');
    t.timestamp('consent_signed_at', { useTz: true }).notNullable();
    t.timestamp('fit_to_travel_at', { useTz: true }).notNullable();
    // When the checks were last found to pass (on adding, on a change, at lock).
    t.timestamp('checked_at', { useTz: true }).notNullable();
    t.text('added_by').notNullable();
    t.timestamp('added_at', { useTz: true }).notNullable();
    t.timestamp('removed_at', { useTz: true });
    t.text('removed_by');
    t.text('boarding').checkIn(['boarded', 'no_show']);
    // True while this entry books the person on a flight that has not landed or been cancelled.
    t.boolean('holds_seat').notNullable().defaultTo(true);
    t.uuid('case_id');
    t.text('case_outcome').checkIn(['opened', 'attached', 'unresolved']);
    t.text('case_note');
    t.index(['flight_id', 'added_at']);
  });
  // Nobody is on two open manifests at once (nor twice on one), even if two requests race past the
  // API's check: the second insert finds the seat taken.
  await db.raw(
    'create unique index flight_passengers_open_biometric on flight_passengers (biometric_ref) where holds_seat and biometric_ref is not null',
  );
  await db.raw(
    'create unique index flight_passengers_open_document on flight_passengers (document_number) where holds_seat and document_number is not null',
  );

  // Append-only history of a flight: one row per applied step, keyed by the workflow's step number.
  await db.schema.createTable('flight_events', (t) => {
    t.bigIncrements('id');
    t.uuid('flight_id').notNullable().references('flights.flight_id');
    t.integer('seq').notNullable();
    t.text('kind').notNullable();
    t.text('actor_sub').notNullable();
    t.text('actor_role').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('status_after').notNullable();
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.unique(['flight_id', 'seq']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of ['flight_events', 'flight_passengers', 'flights']) await db.schema.dropTable(table);
}

import type { Knex } from 'knex';

/**
 * An issued document that lapses before the planned departure is recorded with its conflict
 * (`{ kind: 'lapses_before_departure', validUntil, plannedDeparture }`, domain/travel-document.ts)
 * rather than refused: the request's row shows it until the departure moves or a new document comes.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('travel_documents', (t) => {
    t.jsonb('conflict');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('travel_documents', (t) => {
    t.dropColumn('conflict');
  });
}

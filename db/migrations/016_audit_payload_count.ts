import type { Knex } from 'knex';

/**
 * How many Temporal payloads a codec call decoded (or encoded): the audit row of a decode says who
 * read how much, never what. Null for every other row.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('audit_log', (t) => {
    t.integer('payload_count');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('audit_log', (t) => {
    t.dropColumn('payload_count');
  });
}

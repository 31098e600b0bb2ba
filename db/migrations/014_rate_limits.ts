import type { Knex } from 'knex';

/**
 * Request counts of the API's rate limits, shared by every API instance: one row per limit and
 * client (a hash of the bearer token or address, never the value itself) for the current window.
 * UNLOGGED: counts for the next minute are not worth a WAL write per request, and losing them in a
 * crash only forgives a minute of requests. Expired windows are purged by the API.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    create unlogged table rate_limit_windows (
      key text primary key,
      hits integer not null,
      resets_at timestamptz not null
    )`);
  await db.raw('create index rate_limit_windows_resets_at on rate_limit_windows (resets_at)');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('rate_limit_windows');
}

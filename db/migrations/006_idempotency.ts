import type { Knex } from 'knex';

/**
 * Answers to requests sent with an Idempotency-Key, kept for their retries: one row per caller and
 * key, claimed before the work starts (so a concurrent retry waits its turn) and completed with the
 * answer, which a retry gets back instead of a second effect. Rows older than IDEMPOTENCY_KEY_TTL
 * are purged.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('idempotent_requests', (t) => {
    t.text('caller_sub').notNullable();
    t.text('idem_key').notNullable();
    t.primary(['caller_sub', 'idem_key']);
    // A hash of method, path and body: the same key with another request is refused.
    t.text('fingerprint').notNullable();
    t.text('route').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.smallint('response_status');
    t.jsonb('response_headers');
    t.jsonb('response_body');
    t.index(['created_at']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('idempotent_requests');
}

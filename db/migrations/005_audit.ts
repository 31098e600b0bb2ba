import type { Knex } from 'knex';

/**
 * The audit log: one row per read or write of personal data, allowed or not. Append-only: the
 * database itself refuses UPDATE, DELETE and TRUNCATE, whoever asks, so that a bug or a compromised
 * API cannot rewrite the trail.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    // Null when the caller could not be identified (no token, bad token).
    t.text('actor_sub');
    t.text('actor_role');
    t.text('action').notNullable();
    t.text('route').notNullable();
    t.text('object_type').notNullable();
    t.text('object_id');
    t.text('request_id');
    t.text('client_ip');
    t.text('outcome').notNullable().checkIn(['succeeded', 'denied', 'rejected', 'failed']);
    t.smallint('http_status').notNullable();
    t.index(['object_type', 'object_id', 'id']);
    t.index(['actor_sub', 'at']);
  });
  await db.raw(`
    create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end
    $$`);
  await db.raw(`
    create trigger audit_log_no_update_or_delete before update or delete on audit_log
    for each row execute function audit_log_is_append_only()`);
  await db.raw(`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only()`);
  // Roles other than the owner (e.g. a reporting login) can never change it either.
  await db.raw('revoke update, delete, truncate on audit_log from public');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('audit_log');
  await db.raw('drop function if exists audit_log_is_append_only()');
}

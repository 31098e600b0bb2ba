import type { Knex } from 'knex';

/**
 * Each case event keeps its business date beside the moment it was recorded: field work is often
 * typed in later from paper, and the programme's report counts by when things happened.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('case_events', (t) => {
    t.timestamp('occurred_at', { useTz: true });
  });
  await db.raw('update case_events set occurred_at = at where occurred_at is null');
  await db.raw('alter table case_events alter column occurred_at set not null');
  await db.raw('create index case_events_kind_occurred_at on case_events (kind, occurred_at)');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('case_events', (t) => {
    t.dropIndex(['kind', 'occurred_at'], 'case_events_kind_occurred_at');
    t.dropColumn('occurred_at');
  });
}

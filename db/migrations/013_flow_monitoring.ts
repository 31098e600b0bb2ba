import type { Knex } from 'knex';

/**
 * Flow monitoring: at each point, agents count the migrants passing through each day, by
 * nationality. Aggregates only: no name, no person, nothing that identifies anyone. One observation
 * per point and day; a later one for the same point and day replaces it (a correction).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('flow_monitoring_points', (t) => {
    t.text('code').primary();
    t.text('name').notNullable();
    t.text('city').notNullable();
    t.text('region').notNullable();
  });
  await db.schema.createTable('flow_monitoring_observations', (t) => {
    t.text('point').notNullable().references('code').inTable('flow_monitoring_points');
    t.date('observed_on').notNullable();
    // { "MLI": 120, "GIN": 40 }: ISO 3166-1 alpha-3 codes to counts, as the day's form gives them.
    t.jsonb('counts').notNullable();
    t.integer('total').notNullable();
    t.text('recorded_by').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['point', 'observed_on']);
    // The report sums a period across every point.
    t.index(['observed_on']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('flow_monitoring_observations');
  await db.schema.dropTable('flow_monitoring_points');
}

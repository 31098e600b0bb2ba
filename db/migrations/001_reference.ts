import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('centres', (t) => {
    t.text('code').primary();
    t.text('name').notNullable();
    t.text('city').notNullable();
    t.text('kind').notNullable().checkIn(['reception', 'transit']);
    t.text('supervisor_email').notNullable();
  });
  await db.schema.createTable('embassies', (t) => {
    t.string('country', 3).primary();
    t.text('name').notNullable();
    t.text('liaison_email').notNullable();
    t.text('language').notNullable().checkIn(['fr', 'en']);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('embassies');
  await db.schema.dropTable('centres');
}

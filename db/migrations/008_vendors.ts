import type { Knex } from 'knex';

/**
 * The vendors in-kind reintegration help is paid to (never cash to the returnee): reference data an
 * admin keeps, holding no returnee's personal data. The region is one of domain/reference.ts REGIONS,
 * checked by the API as residence regions are, so that a new region needs no migration.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('vendors', (t) => {
    t.uuid('vendor_id').primary();
    t.text('name').notNullable();
    t.text('phone');
    t.text('region');
    // A vendor no longer used is deactivated, never deleted: tranches paid to it still name it.
    t.boolean('active').notNullable().defaultTo(true);
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  // One vendor per name and region, whatever the letter case; vendors without a region share one
  // namespace (NULLs would otherwise never collide).
  await db.raw(
    "create unique index vendors_name_region_unique on vendors (lower(name), coalesce(region, ''))",
  );
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('vendors');
}

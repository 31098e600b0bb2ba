import type { Knex } from 'knex';

const OPEN = "stage not in ('completed', 'closed')";

/**
 * A person may return again after their case closed: the same biometric reference or document
 * number is unique among open cases only, and the new case links to the earlier one. Tranches and
 * plans keep the money controls' facts (vendor, approver, payer, a reduced budget).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('cases', (t) => {
    t.dropUnique(['biometric_ref']);
    t.dropUnique(['document_number']);
    t.uuid('previous_case_id').references('cases.case_id');
    t.boolean('second_return').notNullable().defaultTo(false);
  });
  await db.raw(`create unique index cases_open_biometric_ref on cases (biometric_ref) where ${OPEN}`);
  await db.raw(`create unique index cases_open_document_number on cases (document_number) where ${OPEN}`);
  await db.raw('create index cases_biometric_ref on cases (biometric_ref)');
  await db.raw('create index cases_document_number on cases (document_number)');
  await db.schema.alterTable('plans', (t) => {
    t.bigInteger('reduced_from_xof');
  });
  await db.schema.alterTable('tranches', (t) => {
    t.uuid('vendor_id');
    t.text('approved_by');
    t.text('paid_by');
    t.text('cancel_reason');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('tranches', (t) => {
    t.dropColumns('vendor_id', 'approved_by', 'paid_by', 'cancel_reason');
  });
  await db.schema.alterTable('plans', (t) => {
    t.dropColumn('reduced_from_xof');
  });
  for (const index of ['cases_open_biometric_ref', 'cases_open_document_number', 'cases_biometric_ref', 'cases_document_number']) {
    await db.raw(`drop index ${index}`);
  }
  await db.schema.alterTable('cases', (t) => {
    t.dropColumns('previous_case_id', 'second_return');
    t.unique(['biometric_ref']);
    t.unique(['document_number']);
  });
}

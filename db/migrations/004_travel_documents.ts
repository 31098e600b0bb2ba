import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // One row per request to an embassy: the projection of its `traveldoc:<requestId>` workflow.
  await db.schema.createTable('travel_documents', (t) => {
    t.uuid('request_id').primary();
    t.text('workflow_id').notNullable().unique();
    t.uuid('case_id').notNullable().references('cases.case_id');
    t.string('country', 3).notNullable();
    t.text('centre_code').notNullable();
    t.text('document_type').notNullable();
    t.text('planned_departure').notNullable();
    t.text('status').notNullable();
    t.integer('seq').notNullable().defaultTo(0);
    t.integer('round').notNullable().defaultTo(0);
    t.integer('reminders_sent').notNullable().defaultTo(0);
    t.boolean('overdue').notNullable().defaultTo(false);
    t.timestamp('waiting_since', { useTz: true });
    t.text('document_number');
    t.date('valid_until');
    t.timestamp('issued_at', { useTz: true });
    t.timestamp('interview_at', { useTz: true });
    t.text('interview_place');
    t.text('refusal_reason');
    t.text('cancellation_reason');
    t.jsonb('state').notNullable().defaultTo('{}');
    t.text('requested_by').notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.timestamp('answered_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status', 'country']);
    t.index(['case_id']);
    t.index(['overdue']);
  });

  // Append-only history of a request, keyed by the workflow's change number.
  await db.schema.createTable('travel_document_events', (t) => {
    t.bigIncrements('id');
    t.uuid('request_id').notNullable().references('travel_documents.request_id');
    t.integer('seq').notNullable();
    t.text('kind').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('status_after').notNullable();
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.unique(['request_id', 'seq']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('travel_document_events');
  await db.schema.dropTable('travel_documents');
}

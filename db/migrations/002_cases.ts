import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('cases', (t) => {
    t.uuid('case_id').primary();
    t.text('workflow_id').notNullable().unique();
    t.text('track').notNullable();
    t.text('stage').notNullable();
    t.integer('seq').notNullable().defaultTo(0);
    t.boolean('suspended').notNullable().defaultTo(false);
    t.text('suspension_reason');
    t.boolean('overdue').notNullable().defaultTo(false);
    t.smallint('overdue_level').notNullable().defaultTo(0);
    t.timestamp('due_at', { useTz: true });
    t.jsonb('open_task');
    t.text('centre_code').notNullable().references('centres.code');
    t.text('officer').notNullable();
    t.string('nationality', 3).notNullable();
    t.boolean('minor').notNullable();
    t.text('flight_id');
    // Personal data: only here, never in Temporal search attributes, IDs or memos.
    t.text('family_name').notNullable();
    t.text('given_name').notNullable();
    t.string('sex', 1).notNullable();
    t.date('date_of_birth').notNullable();
    t.text('phone');
    t.text('arrival_mode').notNullable();
    t.timestamp('arrived_at', { useTz: true }).notNullable();
    t.string('from_country', 3).notNullable();
    t.text('residence_region');
    t.jsonb('vulnerabilities').notNullable().defaultTo('[]');
    t.text('biometric_ref').unique();
    t.text('document_number').unique();
    t.timestamp('consent_at', { useTz: true }).notNullable();
    t.jsonb('state').notNullable().defaultTo('{}');
    t.text('closure_reason');
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['centre_code', 'stage']);
    t.index(['stage', 'overdue']);
    t.index(['nationality']);
    t.index(['flight_id']);
  });

  // Append-only history of a case: one row per applied step, keyed by the workflow's step number.
  await db.schema.createTable('case_events', (t) => {
    t.bigIncrements('id');
    t.uuid('case_id').notNullable().references('cases.case_id');
    t.integer('seq').notNullable();
    t.text('kind').notNullable();
    t.text('actor_sub').notNullable();
    t.text('actor_role').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('stage_after').notNullable();
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.unique(['case_id', 'seq']);
  });

  await db.schema.createTable('projects', (t) => {
    t.text('project_id').primary();
    t.text('type').notNullable().checkIn(['collective', 'community']);
    t.text('sector').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await db.schema.createTable('plans', (t) => {
    t.uuid('case_id').notNullable().references('cases.case_id');
    t.integer('version').notNullable();
    t.text('type').notNullable();
    t.text('project_id').references('projects.project_id');
    t.text('sector').notNullable();
    t.bigInteger('budget_xof').notNullable();
    t.jsonb('dimensions').notNullable();
    t.text('status').notNullable();
    t.text('submitted_by').notNullable();
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.text('decided_by');
    t.timestamp('decided_at', { useTz: true });
    t.primary(['case_id', 'version']);
    t.index(['project_id']);
  });

  await db.schema.createTable('approvals', (t) => {
    t.uuid('case_id').notNullable().references('cases.case_id');
    t.integer('seq').notNullable();
    t.text('subject').notNullable();
    t.integer('ref');
    t.text('decision').notNullable();
    t.text('decided_by').notNullable();
    t.timestamp('decided_at', { useTz: true }).notNullable();
    t.text('comment');
    t.primary(['case_id', 'seq']);
  });

  // The tranche ledger: the sum of non-rejected tranches never exceeds the approved budget.
  await db.schema.createTable('tranches', (t) => {
    t.uuid('case_id').notNullable().references('cases.case_id');
    t.integer('n').notNullable();
    t.bigInteger('amount_xof').notNullable();
    t.text('vendor').notNullable();
    t.jsonb('items').notNullable();
    t.text('status').notNullable();
    t.text('requested_by').notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('paid_at', { useTz: true });
    t.text('payment_reference');
    t.primary(['case_id', 'n']);
  });

  await db.schema.createTable('monitoring_visits', (t) => {
    t.uuid('case_id').notNullable().references('cases.case_id');
    t.integer('n').notNullable();
    t.timestamp('visited_at', { useTz: true }).notNullable();
    t.float('economic').notNullable();
    t.float('social').notNullable();
    t.float('psychosocial').notNullable();
    t.float('composite').notNullable();
    t.boolean('sustainable').notNullable();
    t.text('recorded_by').notNullable();
    t.primary(['case_id', 'n']);
  });

  // Outbox: a row per message, keyed by what it is about, written before the message is sent.
  await db.schema.createTable('notifications', (t) => {
    t.text('key').primary();
    t.uuid('case_id');
    t.text('kind').notNullable();
    t.text('recipient').notNullable();
    t.text('subject').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.text('message_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['case_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of ['notifications', 'monitoring_visits', 'tranches', 'approvals', 'plans', 'projects', 'case_events', 'cases']) {
    await db.schema.dropTable(table);
  }
}

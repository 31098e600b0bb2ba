import type { Db } from '../../db';

/** The table the durable floor writes (bench:journeys creates it in the bench's own database). */
const BARE_STEPS_TABLE = 'bench_bare_steps';

/** The durable floor's one write per step: one row, idempotent like every Sira activity. */
export function createBareStepActivities(db: Db) {
  return {
    async recordBareStep({ caseId, seq, input }: { caseId: string; seq: number; input: unknown }): Promise<void> {
      await db(BARE_STEPS_TABLE).insert({ case_id: caseId, seq, detail: JSON.stringify(input) }).onConflict(['case_id', 'seq']).ignore();
    },
  };
}

export type BareStepActivities = ReturnType<typeof createBareStepActivities>;

/** Creates the durable floor's table (in the bench's own, fresh database). */
export async function createBareStepsTable(db: Db): Promise<void> {
  await db.schema.createTable(BARE_STEPS_TABLE, (t) => {
    t.text('case_id').notNullable();
    t.integer('seq').notNullable();
    t.jsonb('detail').notNullable();
    t.primary(['case_id', 'seq']);
  });
}

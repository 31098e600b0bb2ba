import type { Knex } from 'knex';

/** The event tables of the three workflow types, each keyed by its owner's id and the step's number. */
const OWNER_OF = { case_events: 'case_id', flight_events: 'flight_id', travel_document_events: 'request_id' } as const;

/**
 * Inserts the row of one recorded step; false when it is there already, meaning an earlier attempt
 * recorded this step and nothing else must be written again (activities may run twice).
 *
 * A row of another kind at the same number was written by a local activity whose workflow task
 * then failed (a worker lost, a signal or timer racing the task): the workflow took another path
 * on replay, so that step and any recorded after it never happened. They are replaced.
 */
export async function insertEventOnce(trx: Knex, table: keyof typeof OWNER_OF, row: Record<string, unknown> & { seq: number; kind: string }): Promise<boolean> {
  const owner = OWNER_OF[table];
  // The usual case, in one round trip: the step is new.
  const inserted = await trx(table).insert(row).onConflict([owner, 'seq']).ignore().returning('seq');
  if (inserted.length > 0) return true;
  const existing = await trx(table).where({ [owner]: row[owner], seq: row.seq }).first('kind');
  if (existing?.kind === row.kind) return false;
  await trx(table).where(owner, row[owner] as string).andWhere('seq', '>=', row.seq).delete();
  await trx(table).insert(row);
  return true;
}

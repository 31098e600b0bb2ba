import type { Knex } from 'knex';

/** The event tables of the three workflow types, each keyed by its owner's id and the step's number. */
const OWNER_OF = { case_events: 'case_id', flight_events: 'flight_id', travel_document_events: 'request_id' } as const;

/**
 * Inserts the row of one recorded step; false when it is there already, meaning an earlier attempt
 * recorded this step and nothing else must be written again (activities may run twice).
 */
export async function insertEventOnce(trx: Knex, table: keyof typeof OWNER_OF, row: Record<string, unknown>): Promise<boolean> {
  const inserted = await trx(table).insert(row).onConflict([OWNER_OF[table], 'seq']).ignore().returning('id');
  return inserted.length > 0;
}

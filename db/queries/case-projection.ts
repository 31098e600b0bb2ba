import type { Knex } from 'knex';
import type { CaseState } from '../../domain/case-state';
import { dueAt } from '../../domain/open-task';
import { insertEventOnce } from './events';

/** The columns of `cases` that mirror the workflow's state, for lists and reports. */
export function projectionColumns(state: CaseState, at: string) {
  const task = state.task;
  return {
    stage: state.stage,
    seq: state.seq,
    track: state.track,
    centre_code: state.centreCode,
    flight_id: state.flightId ?? null,
    suspended: state.suspension !== undefined,
    suspension_reason: state.suspension?.reason ?? null,
    overdue: (task?.overdueLevel ?? 0) > 0,
    overdue_level: task?.overdueLevel ?? 0,
    due_at: task && !state.suspension ? new Date(dueAt(task)).toISOString() : null,
    open_task: task ? JSON.stringify({ key: task.key, label: task.label, startedAt: new Date(task.startedAt).toISOString() }) : null,
    state: JSON.stringify(state),
    closure_reason: state.closure?.reason ?? null,
    closed_at: state.closure?.at ?? null,
    updated_at: at,
  };
}

/** What a case's event row says of a step besides the case, its number and the stage after it. */
export interface CaseEvent {
  kind: string;
  actorSub: string;
  actorRole: string;
  detail: unknown;
  /** When it happened (the step's business date); when it was recorded if not given. */
  occurredAt?: string;
}

/** The event row of one step of a case. */
function caseEventRow(event: CaseEvent & { caseId: string; seq: number; at: string; stageAfter: string }) {
  return {
    case_id: event.caseId,
    seq: event.seq,
    kind: event.kind,
    actor_sub: event.actorSub,
    actor_role: event.actorRole,
    at: event.at,
    occurred_at: event.occurredAt ?? event.at,
    stage_after: event.stageAfter,
    detail: JSON.stringify(event.detail ?? {}),
  };
}

/**
 * Inserts the step's event row; false when it already exists, meaning this step was recorded by an
 * earlier attempt and nothing else must be written again.
 */
export async function insertEvent(trx: Knex, event: CaseEvent & { caseId: string; seq: number; at: string; stageAfter: string }): Promise<boolean> {
  return insertEventOnce(trx, 'case_events', caseEventRow(event));
}

/**
 * The usual case in one statement: the step's event row when its number is free, and the
 * projection with it unless a later step already wrote it (steps may be retried out of order).
 * False, writing nothing, when the number is taken.
 */
async function insertNewEventAndProjection(db: Knex, state: CaseState, event: CaseEvent, at: string): Promise<boolean> {
  const row = caseEventRow({ ...event, caseId: state.caseId, seq: state.seq, at, stageAfter: state.stage });
  const inserted = db('case_events').insert(row).onConflict(['case_id', 'seq']).ignore().returning('seq');
  const projected = db('cases')
    .where({ case_id: state.caseId })
    .andWhere('seq', '<', state.seq)
    .whereExists(db.select(db.raw('1')).from('inserted'))
    .update(projectionColumns(state, at));
  const result = await db.raw<{ rows: { inserted: number }[] }>('with inserted as (?), projected as (?) select count(*)::int as inserted from inserted', [inserted, projected]);
  return result.rows[0].inserted > 0;
}

/**
 * Records one change of a case, all or nothing: its event row and, the first time only, the rows
 * the step keeps (`ledger`) and the new projection. Run twice, it writes nothing the second time.
 * A new step takes one statement (with its ledger rows, one transaction); a step whose number is
 * taken, by an earlier attempt or by a failed workflow task's attempt, goes through insertEvent.
 */
export async function recordCaseEvent(
  db: Knex,
  state: CaseState,
  event: CaseEvent,
  at: string,
  ledger?: (trx: Knex) => Promise<void>,
): Promise<void> {
  const recorded = ledger
    ? await db.transaction(async (trx) => {
        if (!(await insertNewEventAndProjection(trx, state, event, at))) return false;
        await ledger(trx);
        return true;
      })
    : await insertNewEventAndProjection(db, state, event, at);
  if (recorded) return;
  await db.transaction(async (trx) => {
    // The number is taken: by this very step (nothing to write again), or by another that a failed
    // workflow task's attempt recorded, which is replaced, with the projection it left.
    if (!(await insertEvent(trx, { ...event, caseId: state.caseId, seq: state.seq, at, stageAfter: state.stage }))) return;
    await ledger?.(trx);
    await trx('cases').where({ case_id: state.caseId }).update(projectionColumns(state, at));
  });
}

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

/** What a step writes beyond its event and the projection: rows of its own, columns of the case's row. */
export interface StepWrites {
  rows: Knex.QueryBuilder[];
  caseColumns?: Record<string, unknown>;
}

/**
 * Records one change of a case, all or nothing: its event row and, the first time only, what the
 * step writes besides (`writes`) and the new projection. Run twice, it writes nothing the second
 * time. A new step is one statement; a step whose number is taken, by an earlier attempt or by a
 * failed workflow task's attempt, goes through insertEventOnce in a transaction.
 */
export async function recordCaseEvent(db: Knex, state: CaseState, event: CaseEvent, at: string, writes?: (db: Knex) => StepWrites): Promise<void> {
  const row = caseEventRow({ ...event, caseId: state.caseId, seq: state.seq, at, stageAfter: state.stage });
  const { rows, caseColumns } = writes?.(db) ?? { rows: [] };
  // Every part of one statement is written or none is: a taken number fails the event's insert.
  const parts = [
    db('case_events').insert(row),
    ...rows,
    // Unless a later step already wrote the projection (steps may be retried out of order).
    db('cases').where({ case_id: state.caseId }).andWhere('seq', '<', state.seq).update({ ...projectionColumns(state, at), ...caseColumns }),
  ];
  try {
    await db.raw(`with ${parts.map((_, i) => `part${i} as (?)`).join(', ')} select 1`, parts);
    return;
  } catch (error) {
    if (!isTakenNumber(error)) throw error;
  }
  await db.transaction(async (trx) => {
    // The number is taken: by this very step (nothing to write again), or by another that a failed
    // workflow task's attempt recorded, which is replaced, with the projection it left.
    if (!(await insertEventOnce(trx, 'case_events', row))) return;
    const again = writes?.(trx) ?? { rows: [] };
    for (const write of again.rows) await write;
    await trx('cases').where({ case_id: state.caseId }).update({ ...projectionColumns(state, at), ...again.caseColumns });
  });
}

/** The unique violation of a case's event number (another attempt's step took it). */
function isTakenNumber(error: unknown): boolean {
  const e = error as { code?: string; table?: string };
  return e.code === '23505' && e.table === 'case_events';
}

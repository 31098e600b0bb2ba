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

/** Writes the projection unless a later step already did (steps may be retried out of order). */
async function updateProjection(trx: Knex, state: CaseState, at: string): Promise<void> {
  await trx('cases')
    .where({ case_id: state.caseId })
    .andWhere('seq', '<', state.seq)
    .update(projectionColumns(state, at));
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

/**
 * Inserts the step's event row; false when it already exists, meaning this step was recorded by an
 * earlier attempt and nothing else must be written again.
 */
export async function insertEvent(trx: Knex, event: CaseEvent & { caseId: string; seq: number; at: string; stageAfter: string }): Promise<boolean> {
  return insertEventOnce(trx, 'case_events', {
    case_id: event.caseId,
    seq: event.seq,
    kind: event.kind,
    actor_sub: event.actorSub,
    actor_role: event.actorRole,
    at: event.at,
    occurred_at: event.occurredAt ?? event.at,
    stage_after: event.stageAfter,
    detail: JSON.stringify(event.detail ?? {}),
  });
}

/**
 * Records one change of a case in one transaction: its event row and, the first time only, the rows
 * the step keeps (`ledger`) and the new projection. Run twice, it writes nothing the second time.
 */
export async function recordCaseEvent(
  db: Knex,
  state: CaseState,
  event: CaseEvent,
  at: string,
  ledger?: (trx: Knex) => Promise<void>,
): Promise<void> {
  await db.transaction(async (trx) => {
    const first = await insertEvent(trx, { ...event, caseId: state.caseId, seq: state.seq, at, stageAfter: state.stage });
    if (!first) return;
    await ledger?.(trx);
    await updateProjection(trx, state, at);
  });
}

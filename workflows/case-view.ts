import type { CaseState } from '../domain/case-state';
import { dueAt } from '../domain/open-task';

/** What a caller sees of a live case: its state plus the due date of its open task. */
export interface CaseView extends CaseState {
  dueAt: string | null;
  overdue: boolean;
}

export function caseView(state: CaseState): CaseView {
  return {
    ...state,
    dueAt: state.task && !state.suspension ? new Date(dueAt(state.task)).toISOString() : null,
    overdue: (state.task?.overdueLevel ?? 0) > 0,
  };
}

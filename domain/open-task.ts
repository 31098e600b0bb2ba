import type { CasePolicy, SlaKey } from './case-policy';
import type { CaseState, OpenTask } from './case-state';
import { isFullyPaid } from './disbursement';
import { lapsesBeforeDeparture } from './travel-document';


interface TaskSpec {
  key: string;
  label: string;
  slaMs: number;
  /** When the task's clock started, if before the task opened (the planning month counts from the return). */
  since?: number;
}

function spec(state: CaseState, policy: CasePolicy, name: string, label: string, sla: SlaKey): TaskSpec {
  return { key: `${state.stage}:${name}`, label, slaMs: policy.slaMs[sla] };
}

/** Tasks added with the second rules (see RULES_VERSION); cases opened earlier keep the tasks they had. */
const v2 = (state: CaseState) => (state.rulesVersion ?? 1) >= 2;

/** What the case is waiting for now, and how long that may take; undefined when nothing is due. */
export function currentTaskSpec(state: CaseState, policy: CasePolicy): TaskSpec | undefined {
  if (state.pendingClosure) return spec(state, policy, 'closure-approval', 'Supervisor approves closure', 'approval');
  if (state.cashGrant?.status === 'awaiting_approval') {
    return spec(state, policy, 'cash-grant-approval', 'Supervisor approves the arrival cash grant', 'approval');
  }
  switch (state.stage) {
    case 'registered':
      return spec(state, policy, 'reception', 'Record reception', 'reception');
    case 'received':
      return state.track === 'reintegration'
        ? spec(state, policy, 'counselling', 'Hold a counselling session', 'counselling')
        : spec(state, policy, 'travel-document', 'Request a travel document', 'counselling');
    case 'counselling':
      return state.track === 'reintegration'
        ? spec(state, policy, 'eligibility', 'Decide eligibility', 'eligibility')
        : spec(state, policy, 'travel-document', 'Request a travel document', 'counselling');
    case 'eligibility':
      if (state.eligibility?.exception && !state.eligibility.approval) {
        const label = state.eligibility.decision === 'ineligible' ? 'Supervisor confirms ineligibility' : 'Supervisor approves eligibility exception';
        return spec(state, policy, 'exception-approval', label, 'approval');
      }
      return spec(state, policy, 'decision', 'Decide eligibility', 'eligibility');
    case 'planning':
      if (state.plan?.status === 'submitted') {
        return spec(state, policy, `plan-approval-v${state.plan.version}`, 'Supervisor approves plan', 'approval');
      }
      // "A plan within one month of return": the planning clock runs from the arrival, not from eligibility.
      return {
        ...spec(state, policy, 'plan', 'Agree a reintegration plan', 'planning'),
        ...(v2(state) ? { since: Date.parse(state.arrivedAt) } : {}),
      };
    case 'disbursing':
    case 'monitoring': {
      const requested = state.tranches.find((t) => t.status === 'requested');
      if (requested) {
        return spec(state, policy, `tranche-${requested.n}-approval`, `Supervisor approves tranche ${requested.n}`, 'approval');
      }
      const approved = state.tranches.find((t) => t.status === 'approved');
      if (approved) return spec(state, policy, `tranche-${approved.n}-payment`, `Pay tranche ${approved.n}`, 'disbursing');
      if (state.stage === 'disbursing') return spec(state, policy, 'tranche', 'Request the next tranche', 'disbursing');
      const visit = monitoringVisitSpec(state, policy);
      if (visit || !v2(state) || isFullyPaid(state)) return visit;
      // Every visit is done but help is still owed: deliver it, or a supervisor reduces the budget.
      return spec(state, policy, 'tranche', 'Deliver the rest of the help or reduce the budget', 'disbursing');
    }
    case 'travel_document':
      // The embassy's own workflow chases it; the case still has a due date while it waits.
      return v2(state) ? spec(state, policy, 'embassy-answer', 'Embassy answers the travel-document request', 'travel_document') : undefined;
    case 'ready_to_depart':
      return v2(state) && lapsesBeforeDeparture(state.travelDocument)
        ? spec(state, policy, 'document-conflict', 'Move the planned departure or request a new document', 'travel_document')
        : undefined;
    default:
      return undefined;
  }
}

function monitoringVisitSpec(state: CaseState, policy: CasePolicy): TaskSpec | undefined {
  const offsets = policy.monitoringVisitOffsetsMs;
  const i = state.visits.length;
  if (i >= offsets.length) return undefined;
  return {
    key: `monitoring:visit-${i + 1}`,
    label: `Monitoring visit ${i + 1} of ${offsets.length}`,
    slaMs: offsets[i] - (i === 0 ? 0 : offsets[i - 1]),
  };
}

/** Keeps the running task when it has not changed; otherwise opens the new one with a fresh clock. */
export function refreshTask(state: CaseState, policy: CasePolicy, now: number): OpenTask | undefined {
  const next = currentTaskSpec(state, policy);
  if (!next) return undefined;
  if (state.task?.key === next.key) return state.task;
  const { since, ...task } = next;
  return { ...task, startedAt: since ?? now, pausedMs: 0, overdueLevel: 0 };
}

export function dueAt(task: OpenTask): number {
  return task.startedAt + task.slaMs + task.pausedMs;
}

/** Past twice the SLA the programme manager is told. */
export function escalateAt(task: OpenTask): number {
  return task.startedAt + 2 * task.slaMs + task.pausedMs;
}

/** The next moment the case's overdue level rises, if any; none while suspended (clocks stop). */
export function nextDeadline(state: CaseState): { at: number; level: 1 | 2 } | undefined {
  const task = state.task;
  if (!task || state.suspension) return undefined;
  if (task.overdueLevel === 0) return { at: dueAt(task), level: 1 };
  if (task.overdueLevel === 1) return { at: escalateAt(task), level: 2 };
  return undefined;
}

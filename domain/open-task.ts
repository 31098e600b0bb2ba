import type { CasePolicy, SlaKey } from './case-policy';
import type { CaseState, OpenTask } from './case-state';

interface TaskSpec {
  key: string;
  label: string;
  slaMs: number;
}

function spec(state: CaseState, policy: CasePolicy, name: string, label: string, sla: SlaKey): TaskSpec {
  return { key: `${state.stage}:${name}`, label, slaMs: policy.slaMs[sla] };
}

/** What the case is waiting for now, and how long that may take; undefined when nothing is due. */
export function currentTaskSpec(state: CaseState, policy: CasePolicy): TaskSpec | undefined {
  if (state.pendingClosure) return spec(state, policy, 'closure-approval', 'Supervisor approves closure', 'approval');
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
      return state.eligibility?.exception && !state.eligibility.approval
        ? spec(state, policy, 'exception-approval', 'Supervisor approves eligibility exception', 'approval')
        : spec(state, policy, 'decision', 'Decide eligibility', 'eligibility');
    case 'planning':
      return state.plan?.status === 'submitted'
        ? spec(state, policy, `plan-approval-v${state.plan.version}`, 'Supervisor approves plan', 'approval')
        : spec(state, policy, 'plan', 'Agree a reintegration plan', 'planning');
    case 'disbursing':
    case 'monitoring': {
      const requested = state.tranches.find((t) => t.status === 'requested');
      if (requested) {
        return spec(state, policy, `tranche-${requested.n}-approval`, `Supervisor approves tranche ${requested.n}`, 'approval');
      }
      const approved = state.tranches.find((t) => t.status === 'approved');
      if (approved) return spec(state, policy, `tranche-${approved.n}-payment`, `Pay tranche ${approved.n}`, 'disbursing');
      if (state.stage === 'disbursing') return spec(state, policy, 'tranche', 'Request the next tranche', 'disbursing');
      return monitoringVisitSpec(state, policy);
    }
    default:
      // travel_document waits on the embassy (its own workflow chases it); ready_to_depart on transport.
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
  return { ...next, startedAt: now, pausedMs: 0, overdueLevel: 0 };
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

import type { CaseStep } from './case-steps';

/**
 * Field work is often recorded later, from paper: a step's business date is when it happened, not when
 * it was typed. Steps that name their own date keep it (`heldAt`, `paidAt`, `visitedAt`, `departedAt`);
 * every other step may say `occurredAt`. Undefined: it happened when it was recorded.
 */
export function businessDateOf(step: CaseStep): string | undefined {
  return namedDateOf(step)?.[1] ?? step.occurredAt;
}

/** The step's own date field and its value, for the steps that name one. */
export function namedDateOf(step: CaseStep): [field: string, date: string] | undefined {
  switch (step.type) {
    case 'recordCounsellingSession':
      return ['heldAt', step.heldAt];
    case 'recordTranchePayment':
      return ['paidAt', step.paidAt];
    case 'recordMonitoringVisit':
      return ['visitedAt', step.visitedAt];
    case 'recordDeparture':
      return ['departedAt', step.departedAt];
    default:
      return undefined;
  }
}

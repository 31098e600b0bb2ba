import type { CaseStep } from './case-steps';

/**
 * Field work is often recorded later, from paper: a step's business date is when it happened, not when
 * it was typed. Steps that name their own date keep it (`heldAt`, `paidAt`, `visitedAt`, `departedAt`);
 * every other step may say `occurredAt`. Undefined: it happened when it was recorded.
 */
export function businessDateOf(step: CaseStep): string | undefined {
  switch (step.type) {
    case 'recordCounsellingSession':
      return step.heldAt;
    case 'recordTranchePayment':
      return step.paidAt;
    case 'recordMonitoringVisit':
      return step.visitedAt;
    case 'recordDeparture':
      return step.departedAt;
    default:
      return 'occurredAt' in step ? step.occurredAt : undefined;
  }
}
